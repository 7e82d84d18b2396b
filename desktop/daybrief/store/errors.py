"""What the store refuses, and why, in words a user can act on."""

from __future__ import annotations

from daybrief.core.errors import DaybriefError


class StoreError(DaybriefError):
    """The store cannot be opened, read or written as asked; nothing was changed."""


class StoreLocked(StoreError):
    """Another Daybrief holds the store: an app instance, or a write that outlasted the wait."""


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
