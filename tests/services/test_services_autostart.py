"""Start at login writes (and removes) an XDG autostart entry; elsewhere it says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from daybrief.services import autostart


def test_the_entry_is_written_and_removed(tmp_path: Path) -> None:
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    assert not autostart.is_enabled(environ)
    path = autostart.set_enabled(True, environ=environ, platform="linux")
    assert path == tmp_path / "config" / "autostart" / autostart.ENTRY_NAME
    text = path.read_text()
    assert "Exec=" in text and "-m daybrief" in text and "NoDisplay=true" in text
    assert autostart.is_enabled(environ)
    autostart.set_enabled(False, environ=environ, platform="linux")
    assert not path.exists() and not autostart.is_enabled(environ)


def test_without_xdg_config_home_it_goes_under_home(tmp_path: Path) -> None:
    path = autostart.autostart_path({"HOME": str(tmp_path)})
    assert path == tmp_path / ".config" / "autostart" / autostart.ENTRY_NAME


def test_other_systems_are_told_to_use_the_installer(tmp_path: Path) -> None:
    with pytest.raises(autostart.AutostartUnsupported, match="installer"):
        autostart.set_enabled(True, environ={"HOME": str(tmp_path)}, platform="win32")
