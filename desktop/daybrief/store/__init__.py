"""The local store: one SQLite file holding the user's data (and, from schema 2, calendars).

The only package with SQL. Open with :func:`open_store`; use :class:`UserData` for edits.
"""

from daybrief.store.backup import export_user_data, import_user_data, read_backup, write_backup
from daybrief.store.db import Store, open_store
from daybrief.store.errors import (
    BackupError,
    SchemaTooNew,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreUnwritable,
)
from daybrief.store.meetings import meeting_key, split_meeting_key
from daybrief.store.paths import data_dir, store_path
from daybrief.store.userdata import UserData

__all__ = [
    "BackupError",
    "SchemaTooNew",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreLocked",
    "StoreUnwritable",
    "UserData",
    "data_dir",
    "export_user_data",
    "import_user_data",
    "meeting_key",
    "open_store",
    "read_backup",
    "split_meeting_key",
    "store_path",
    "write_backup",
]
