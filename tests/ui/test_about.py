"""The About dialog: version from the package metadata, licences that match the real ones."""

from __future__ import annotations

from importlib import metadata

import pytest
from PySide6.QtCore import qVersion

from daybrief import __version__
from daybrief.ui.about import (
    BUNDLED,
    LGPL_URL,
    PYSIDE_SOURCE_URL,
    QT_SOURCE_URL,
    AboutDialog,
    declared_licence,
)

# What each distribution's own metadata must say for BUNDLED's licence to be right.
METADATA_SAYS = {
    "PySide6_Essentials": ["LGPL-3.0"],
    "shiboken6": ["LGPL-3.0"],
    "icalendar": ["BSD"],
    "python-dateutil": ["BSD"],  # 2.9 says it in classifiers, 4.0 as BSD-3-Clause
    "keyring": ["MIT"],
    "tzlocal": ["MIT"],
    "tzdata": ["Apache"],
    "platformdirs": ["MIT"],
}


@pytest.fixture
def dialog(qtbot) -> AboutDialog:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    return dialog


def test_the_version_is_the_package_metadata_version(dialog: AboutDialog) -> None:
    assert __version__ == metadata.version("daybrief")  # pyproject's version, installed
    assert dialog.version_label.text() == f"Version {__version__}"


def test_daybriefs_own_licence_is_shown(dialog: AboutDialog) -> None:
    assert "GPL-3.0-or-later" in dialog.licence_label.text()


def test_every_bundled_component_is_listed_with_its_licence(dialog: AboutDialog) -> None:
    text = dialog.credits.toPlainText()
    for component in BUNDLED:
        assert component.name in text
        assert component.licence in text
    assert qVersion() in text  # the Qt actually loaded, for the source offer to match


def test_the_lgpl_notice_offers_source_and_replacing_qt(dialog: AboutDialog) -> None:
    page = dialog.credits.toHtml()
    for url in (LGPL_URL, QT_SOURCE_URL, PYSIDE_SOURCE_URL):
        assert url in page
    text = dialog.credits.toPlainText()
    assert "GNU Lesser General Public License version 3" in text
    assert "replace the library files" in text


def test_links_open_in_the_browser(dialog: AboutDialog) -> None:
    assert dialog.credits.openExternalLinks()
    assert dialog.licence_label.openExternalLinks()


def test_the_dialog_closes(qtbot, dialog: AboutDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.reject()
    assert not dialog.isVisible()


@pytest.mark.parametrize("component", BUNDLED, ids=lambda c: c.name)
def test_declared_licences_match_each_distributions_metadata(component) -> None:
    says = declared_licence(component.distribution)
    assert says is not None, f"{component.distribution} is not installed"
    for word in METADATA_SAYS[component.distribution]:
        assert word in says, f"{component.distribution}: metadata says {says!r}"
