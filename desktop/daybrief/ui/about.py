"""The About dialog: name, version, licence, and the licences of what Daybrief bundles.

The version comes from the package metadata (``daybrief.__version__``, i.e. pyproject's
``version``), never from a constant here. The bundled components are declared below with the
licence Daybrief uses them under; ``tests/ui/test_about.py`` checks each declaration against
the installed distribution's own metadata so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib import metadata

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from daybrief import __version__
from daybrief.paths import app_icon_path

QT_SOURCE_URL = "https://download.qt.io/official_releases/qt/"
PYSIDE_SOURCE_URL = "https://download.qt.io/official_releases/QtForPython/"
LGPL_URL = "https://www.gnu.org/licenses/lgpl-3.0.html"
GPL_URL = "https://www.gnu.org/licenses/gpl-3.0.html"


@dataclass(frozen=True)
class Component:
    """A third-party distribution shipped inside Daybrief's bundle (or required by its wheel)."""

    name: str
    distribution: str
    licence: str  # SPDX expression Daybrief uses it under
    url: str


BUNDLED: tuple[Component, ...] = (
    # Offered as LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only; Daybrief relies on the LGPL
    # terms, whose conditions (notice, source, replaceable libraries) the dialog states.
    Component("Qt 6", "PySide6_Essentials", "LGPL-3.0-only", QT_SOURCE_URL),
    Component("PySide6", "PySide6_Essentials", "LGPL-3.0-only", PYSIDE_SOURCE_URL),
    Component("Shiboken6", "shiboken6", "LGPL-3.0-only", PYSIDE_SOURCE_URL),
    Component("icalendar", "icalendar", "BSD-2-Clause", "https://github.com/collective/icalendar"),
    # Its LICENSE: contributions since December 2017 are Apache-2.0 OR BSD-3-Clause, older
    # ones BSD-3-Clause only, so BSD-3-Clause covers all of it (4.0's metadata says so).
    Component(
        "python-dateutil", "python-dateutil", "BSD-3-Clause", "https://github.com/dateutil/dateutil"
    ),
    Component("keyring", "keyring", "MIT", "https://github.com/jaraco/keyring"),
    Component("tzlocal", "tzlocal", "MIT", "https://github.com/regebro/tz-local"),
    Component("tzdata", "tzdata", "Apache-2.0", "https://github.com/python/tzdata"),
    Component("platformdirs", "platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
)


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def declared_licence(distribution: str) -> str | None:
    """What a distribution's own metadata says its licence is (expression, field or classifiers)."""
    try:
        meta = metadata.metadata(distribution)
    except metadata.PackageNotFoundError:
        return None
    if meta.get("License-Expression"):
        return str(meta["License-Expression"])
    field = (meta.get("License") or "").strip()
    classifiers = [
        c.removeprefix("License :: OSI Approved :: ").removeprefix("License :: ")
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    # Some projects paste the whole licence text into the field (a name is one short line),
    # others write only "Dual License": the classifiers then say which licences.
    names = [field] if field and "\n" not in field and len(field) <= 80 else []
    return " / ".join(names + classifiers) or None


def daybrief_licence() -> str:
    """Daybrief's own licence, from its package metadata like the version."""
    try:
        meta = metadata.metadata("daybrief")
    except metadata.PackageNotFoundError:
        return "GPL-3.0-or-later"  # a never-installed source tree; pyproject says the same
    return str(meta.get("License-Expression") or meta.get("License") or "GPL-3.0-or-later")


def other_dependencies() -> list[tuple[str, str, str]]:
    """(name, version, licence) of the installed dependencies not listed in ``BUNDLED``.

    Found by walking the ``Requires-Dist`` graph from daybrief, so the platform's own keyring
    helpers (SecretStorage on Linux, pywin32-ctypes on Windows …) are credited too.
    """
    known = {_normalise(c.distribution) for c in BUNDLED} | {"daybrief"}
    seen: set[str] = set()
    pending = ["daybrief"]
    found: list[tuple[str, str, str]] = []
    while pending:
        name = pending.pop()
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for requirement in requires:
            if "extra ==" in requirement:
                continue  # test and dev extras are not shipped
            match = re.match(r"[A-Za-z0-9._-]+", requirement)
            if not match or _normalise(match.group()) in seen:
                continue
            dependency = _normalise(match.group())
            seen.add(dependency)
            version = installed_version(dependency)
            if version is None:
                continue  # a requirement for another platform or Python
            pending.append(dependency)
            if dependency not in known:
                licence = declared_licence(dependency) or "see its metadata"
                found.append((metadata.metadata(dependency)["Name"], version, licence))
    return sorted(found, key=lambda row: row[0].lower())


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def credits_html() -> str:
    """The dialog's licence text: one table of components, then the LGPL notice."""
    rows = []
    for component in BUNDLED:
        if component.name == "Qt 6":
            version = qVersion()
        elif component.name == "PySide6":
            version = PySide6.__version__
        else:
            version = installed_version(component.distribution) or ""
        rows.append(
            (component.name, version, component.licence, component.url),
        )
    rows.extend((name, version, licence, "") for name, version, licence in other_dependencies())
    cells = "".join(
        "<tr><td>{name}</td><td>{version}</td><td>{licence}</td><td>{link}</td></tr>".format(
            name=html.escape(name),
            version=html.escape(version),
            licence=html.escape(licence),
            link=f'<a href="{html.escape(url)}">source</a>' if url else "",
        )
        for name, version, licence, url in rows
    )
    return (
        "<h3>Bundled components</h3>"
        "<table cellspacing='0' cellpadding='3'>"
        "<tr><th align='left'>Component</th><th align='left'>Version</th>"
        "<th align='left'>Licence</th><th></th></tr>"
        f"{cells}</table>"
        "<h3>Qt and PySide6 (GNU LGPL version 3)</h3>"
        "<p>Daybrief uses the Qt 6 libraries and PySide6 under the "
        f'<a href="{LGPL_URL}">GNU Lesser General Public License version 3</a>, '
        f'which adds permissions to the <a href="{GPL_URL}">GNU GPL version 3</a>. '
        "They are not modified and are linked dynamically: in the installed app they are "
        "separate library files (libQt6*.so, Qt6*.dll, Qt*.framework) beside the program, "
        "and the app's <i>licenses</i> folder holds the GPL and LGPL texts.</p>"
        "<p>Their complete source code, for the versions listed above, is available from "
        f'<a href="{QT_SOURCE_URL}">{QT_SOURCE_URL}</a> and '
        f'<a href="{PYSIDE_SOURCE_URL}">{PYSIDE_SOURCE_URL}</a>.</p>'
        "<p>You may use a modified Qt or PySide6 with Daybrief: replace the library files "
        "in the app's folder with your own build of the same version, or install Daybrief "
        "with pip into an environment holding your PySide6 build. "
        "packaging/README.md in Daybrief's source (section “Replacing Qt”) gives the steps.</p>"
    )


class AboutDialog(QDialog):
    """Name, version and licences; nothing in it changes state, so it needs no services."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Daybrief")
        self.setObjectName("about_dialog")

        icon = QLabel()
        try:
            icon_path = app_icon_path(128)
        except FileNotFoundError:
            icon_path = None  # an install without resources still shows its licences
        if icon_path is not None:
            icon.setPixmap(QPixmap(str(icon_path)))
            self.setWindowIcon(QIcon(str(icon_path)))

        self.title_label = QLabel("<h2>Daybrief</h2>")
        self.version_label = QLabel(f"Version {html.escape(__version__)}")
        self.version_label.setObjectName("about_version")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary = QLabel("Meeting prep and calendar hygiene.")
        self.licence_label = QLabel(
            f"Licence: {html.escape(daybrief_licence())} — free software: you may share "
            f'and change it under the terms of the <a href="{GPL_URL}">GNU GPL</a>.'
        )
        self.licence_label.setObjectName("about_licence")
        self.licence_label.setWordWrap(True)
        self.licence_label.setOpenExternalLinks(True)

        heading = QVBoxLayout()
        for label in (self.title_label, self.version_label, summary, self.licence_label):
            heading.addWidget(label)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        self.credits = QTextBrowser()
        self.credits.setObjectName("about_credits")
        self.credits.setOpenExternalLinks(True)
        self.credits.setHtml(credits_html())

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.credits, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)
