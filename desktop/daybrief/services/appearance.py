"""The window's own settings: light, dark or the system's look, and where exports go.

Kept in the store's settings like every preference, so a backup carries them.
"""

from __future__ import annotations

from pathlib import Path

from daybrief.store.db import Store
from daybrief.store.settings import Settings

THEME = "window_theme"
"""``system`` (follow the desktop), ``light`` or ``dark``."""
THEMES = ("system", "light", "dark")
EXPORT_FOLDER = "export_folder"
"""The folder the last export went to: the next one starts there."""


def theme_mode(store: Store) -> str:
    mode = Settings(store).get_as(THEME, str, "system")
    return mode if mode in THEMES else "system"


def set_theme_mode(store: Store, mode: str) -> None:
    if mode not in THEMES:
        raise ValueError(f"unknown theme {mode!r} ({', '.join(THEMES)})")
    Settings(store).set(THEME, mode)


def export_folder(store: Store, fallback: Path) -> Path:
    """The remembered export folder while it still exists, else ``fallback``."""
    saved = Settings(store).get_as(EXPORT_FOLDER, str, "")
    if saved and Path(saved).is_dir():
        return Path(saved)
    return fallback


def remember_export_folder(store: Store, written: Path) -> None:
    """``written`` is the file just exported; its folder is offered next time."""
    Settings(store).set(EXPORT_FOLDER, str(written.resolve().parent))
