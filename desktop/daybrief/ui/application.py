"""Starting the desktop app: QApplication, the store (one instance), the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from daybrief.services.demo import first_run, has_demo
from daybrief.services.queries import has_calendars
from daybrief.store import StoreError, StoreLocked, open_store, store_path
from daybrief.ui.main_window import MainWindow


def run_window(
    files: Sequence[str] = (), data_dir: str | None = None, *, demo: bool = False
) -> int:
    """Open the window (importing ``files``); returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Daybrief")
    app.setOrganizationName("Daybrief")
    path = store_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        store = open_store(path, instance_lock=True)
    except StoreLocked:
        QMessageBox.information(None, "Daybrief", "Daybrief is already running.")
        return 1
    except (OSError, StoreError) as error:
        QMessageBox.critical(None, "Daybrief", f"Cannot open your data at {path}:\n{error}")
        return 2
    with store:
        window = MainWindow(store, path)
        # The very first start shows the demo rather than an empty window; the demo is made
        # again for today on every start, so its "tomorrow" stays tomorrow.
        first = first_run(store)
        if demo or has_demo(store, path.parent) or (first and not has_calendars(store)):
            window.load_demo()
        window.show()
        if files:
            window.import_files([str(Path(f)) for f in files])
        else:
            window.reimport_files()
        return app.exec()
