"""The Linux desktop entry, autostart entry and AppStream metainfo are valid and agree."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from daybrief.paths import APP_ID, app_icon_path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
AUTOSTART = LINUX / "daybrief-autostart.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def desktop_entry(path: Path) -> configparser.SectionProxy:
    # interpolation off: desktop entries use % field codes (Exec=daybrief %F).
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate not installed (apt: desktop-file-utils; .ci/run installs it)",
)
@pytest.mark.parametrize("path", [DESKTOP, AUTOSTART], ids=lambda p: p.name)
def test_desktop_file_validate_accepts_the_entry(path: Path) -> None:
    result = run_tool("desktop-file-validate", str(path))
    # It exits 0 on hints too; anything it prints is worth fixing.
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(
    shutil.which("appstreamcli") is None,
    reason="appstreamcli not installed (apt: appstream; .ci/run installs it)",
)
def test_appstreamcli_validates_the_metainfo_offline() -> None:
    result = run_tool("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_entry_opens_calendars_and_names_the_installed_icon() -> None:
    entry = desktop_entry(DESKTOP)
    assert entry["Exec"] == "daybrief %F"
    assert entry["MimeType"] == "text/calendar;"
    assert entry["Categories"] == "Office;Calendar;"
    assert entry["Icon"] == APP_ID
    assert app_icon_path().stem == APP_ID  # the hicolor theme finds the icon by this name


def test_autostart_starts_the_same_program_without_a_menu_entry() -> None:
    entry = desktop_entry(AUTOSTART)
    assert entry["Exec"].split()[0] == desktop_entry(DESKTOP)["Exec"].split()[0]
    assert entry["NoDisplay"] == "true"


def test_the_metainfo_describes_this_app_and_its_current_version() -> None:
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    launchable = component.find("launchable")
    assert launchable is not None and launchable.text == DESKTOP.name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    newest = component.find("releases/release")
    assert newest is not None and newest.get("version") == project["version"], (
        "add a <release> for the new version to the metainfo"
    )
    licence = project["license"]  # a table in old pyproject style, an SPDX string in new
    assert component.findtext("project_license") == (
        licence if isinstance(licence, str) else licence["text"]
    )
