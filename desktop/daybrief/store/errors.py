"""What the store refuses, and why, in words a user can act on."""

from __future__ import annotations

from daybrief.core.errors import DaybriefError


class StoreError(DaybriefError):
    """The store cannot be opened, read or written as asked; nothing was changed."""


class StoreLocked(StoreError):
    """Another Daybrief holds the store: an app instance, or a write that outlasted the wait."""


class StoreUnwritable(StoreError):
    """The store cannot be written (a read-only folder or file system, a full disk); reading
    may still work (see ``open_store(read_only=True)``)."""


class StoreDamaged(StoreError):
    """The store file is corrupt: SQLite found a malformed page."""


class SchemaTooNew(StoreError):
    """The store was written by a newer Daybrief; this version will not touch it."""

    def __init__(self, path: str, found: int, known: int) -> None:
        self.path = path
        self.found = found
        self.known = known
        super().__init__(
            f"{path}: written by a newer Daybrief (store schema {found}, this version knows "
            f"up to {known}); update Daybrief. The store was not changed."
        )


class BackupError(StoreError):
    """A backup file that cannot be imported; the store was not changed."""
