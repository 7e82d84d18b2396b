"""Start at login (a setting): an XDG autostart entry on Linux.

Windows and macOS register start-at-login through their installers (see
``packaging/README.md``); here that is said, not faked.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

ENTRY_NAME = "app.daybrief.Daybrief.desktop"


class AutostartUnsupported(Exception):
    """This system starts Daybrief at login through its installer, not from the app."""


def autostart_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".config")
    return Path(config) / "autostart" / ENTRY_NAME


def entry_text(command: str) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Daybrief\n"
        "Comment=Daybrief's tray icon and reminders, started when you log in\n"
        "Icon=app.daybrief.Daybrief\n"
        f"Exec={command}\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def launch_command() -> str:
    """How this Daybrief is started: the frozen bundle, or this Python with the package."""
    if getattr(sys, "frozen", False):
        return shlex.quote(sys.executable)
    return f"{shlex.quote(sys.executable)} -m daybrief"


def is_enabled(environ: Mapping[str, str] | None = None) -> bool:
    return autostart_path(environ).is_file()


def set_enabled(
    enabled: bool, *, environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Path:
    """Write or remove the autostart entry; returns its path."""
    if not (platform or sys.platform).startswith("linux"):
        raise AutostartUnsupported(
            "on this system the installer sets Daybrief to start at login (packaging/README.md)"
        )
    path = autostart_path(environ)
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_text(launch_command()), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return path
