"""Files shipped with Daybrief (icons, word lists), found the same way in every install.

The repository keeps them in ``resources/`` at its root; ``desktop/daybrief/resources`` is a
symlink to it, so setuptools package data puts them in wheels and sdists as
``daybrief/resources/…``, an editable install sees them through the symlink, and the
PyInstaller bundle collects them to the same place. Code asks for them by relative name::

    resource_path("icons", "hicolor", "scalable", "apps", "app.daybrief.Daybrief.svg")
    resource_path("freemail_domains.txt").read_text(encoding="utf-8")
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

APP_ID = "app.daybrief.Daybrief"
_SOURCE_TREE_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """The file ``resources/<parts...>`` as a real path (Qt and open() need one).

    Raises:
        FileNotFoundError: naming the resource, when the install does not carry it.
    """
    if not parts or any(not part or part in {".", ".."} or "/" in part for part in parts):
        raise ValueError(f"resource names are plain path segments: {parts!r}")
    packaged = files("daybrief").joinpath("resources", *parts)
    # Wheels install unpacked and PyInstaller's one-folder bundle is on disk, so the
    # traversable is a filesystem path; a zipped install would need as_file() instead.
    path = Path(str(packaged))
    if path.exists():
        return path
    # A Windows checkout without symlink support gets a text file instead of the
    # desktop/daybrief/resources link: running from that source tree still works.
    fallback = _SOURCE_TREE_RESOURCES.joinpath(*parts)
    if fallback.exists():
        return fallback
    raise FileNotFoundError(f"Daybrief resource {'/'.join(parts)} is not installed")


def app_icon_path(size: int | None = None) -> Path:
    """The app icon: the SVG, or the PNG rendered at ``size`` pixels (16 … 512)."""
    if size is None:
        return resource_path("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg")
    return resource_path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")
