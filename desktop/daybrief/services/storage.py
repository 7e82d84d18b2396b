"""Opening the user's store and moving their data in and out: the door ui and cli use.

The window and the command line hold a :class:`Store` handle but never reach into the
store package themselves (DEVELOPERS.md: ui and cli sit on services only).
"""

from __future__ import annotations

from pathlib import Path

from daybrief.store import (
    BackupError,
    SchemaTooNew,
    Store,
    StoreError,
    StoreLocked,
    data_dir,
    import_user_data,
    open_store,
    read_backup,
    store_path,
    write_backup,
)
from daybrief.store.db import utc_now

__all__ = [
    "BackupError",
    "SchemaTooNew",
    "Store",
    "StoreError",
    "StoreLocked",
    "data_dir",
    "export_backup",
    "open_store",
    "restore_backup",
    "store_path",
    "utc_now",
]


def export_backup(store: Store, path: str | Path) -> dict[str, int]:
    """All the user's own data to one JSON file; the record count per kind."""
    return write_backup(store, path)


def restore_backup(store: Store, path: str | Path, *, replace: bool = False) -> dict[str, int]:
    """A backup file into ``store`` (an empty one unless ``replace``).

    Raises:
        BackupError: the file is not a usable backup.
        StoreError: the store refused it (not empty, locked, ...).
        OSError: the file cannot be read.
    """
    data = read_backup(path)
    return import_user_data(store, data, replace=replace)
