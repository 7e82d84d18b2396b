"""The desktop app's composition root: store, window, wiring; nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def has_display() -> bool:
    """Whether a window can be shown (Linux without X or Wayland cannot)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return False
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(files: Sequence[str] = (), data_dir: str | None = None, *, demo: bool = False) -> int:
    """Open the window (importing ``files``); returns the process exit code."""
    from daybrief.ui.application import run_window

    return run_window(files, data_dir, demo=demo)
