"""How network sources are fetched again: validators, sync tokens, back-off (schema 4).

Nothing here is a secret: ``secret_ref`` only names the keyring entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from daybrief.store._rows import ts_or_none, ts_text
from daybrief.store.db import Store


@dataclass(frozen=True, slots=True)
class SyncState:
    source_id: int
    secret_ref: str
    display_url: str
    calendar_name: str | None
    etag: str | None
    last_modified: str | None
    sync_token: str | None
    fetched_start: datetime | None
    fetched_end: datetime | None
    failures: int
    last_attempt_at: datetime | None
    next_retry_at: datetime | None


@dataclass(frozen=True, slots=True)
class CalendarObject:
    href: str
    etag: str | None
    data: bytes


def _state(row: Any) -> SyncState:
    return SyncState(
        source_id=row["source_id"],
        secret_ref=row["secret_ref"],
        display_url=row["display_url"],
        calendar_name=row["calendar_name"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        sync_token=row["sync_token"],
        fetched_start=ts_or_none(row["fetched_start"]),
        fetched_end=ts_or_none(row["fetched_end"]),
        failures=row["failures"],
        last_attempt_at=ts_or_none(row["last_attempt_at"]),
        next_retry_at=ts_or_none(row["next_retry_at"]),
    )


class SourceSync:
    """Repository of per-source fetch state and CalDAV objects."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def state(self, source_id: int) -> SyncState | None:
        row = self.store.query_one("SELECT * FROM source_sync WHERE source_id = ?", (source_id,))
        return _state(row) if row else None

    def states(self) -> dict[int, SyncState]:
        return {r["source_id"]: _state(r) for r in self.store.query("SELECT * FROM source_sync")}

    def ref_in_use(self, ref: str) -> bool:
        return (
            self.store.query_one("SELECT 1 FROM source_sync WHERE secret_ref = ?", (ref,))
            is not None
        )

    def create(
        self,
        source_id: int,
        *,
        secret_ref: str,
        display_url: str,
        calendar_name: str | None = None,
    ) -> None:
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO source_sync (source_id, secret_ref, display_url, calendar_name) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET "
                "secret_ref = excluded.secret_ref, display_url = excluded.display_url, "
                "calendar_name = excluded.calendar_name",
                (source_id, secret_ref, display_url, calendar_name),
            )

    def set_validators(self, source_id: int, etag: str | None, last_modified: str | None) -> None:
        with self.store.transaction():
            self.store.execute(
                "UPDATE source_sync SET etag = ?, last_modified = ? WHERE source_id = ?",
                (etag, last_modified, source_id),
            )

    def record_success(self, source_id: int, at: datetime) -> None:
        with self.store.transaction():
            self.store.execute(
                "UPDATE source_sync SET failures = 0, next_retry_at = NULL, last_attempt_at = ? "
                "WHERE source_id = ?",
                (ts_text(at), source_id),
            )

    def record_failure(self, source_id: int, at: datetime, next_retry_at: datetime) -> int:
        """One more failure in a row; returns how many there have been."""
        with self.store.transaction():
            self.store.execute(
                "UPDATE source_sync SET failures = failures + 1, last_attempt_at = ?, "
                "next_retry_at = ? WHERE source_id = ?",
                (ts_text(at), ts_text(next_retry_at), source_id),
            )
            row = self.store.query_one(
                "SELECT failures FROM source_sync WHERE source_id = ?", (source_id,)
            )
        return int(row["failures"]) if row else 0

    # ------------------------------------------------------------------ CalDAV objects

    def objects(self, source_id: int) -> dict[str, CalendarObject]:
        return {
            r["href"]: CalendarObject(r["href"], r["etag"], bytes(r["data"]))
            for r in self.store.query(
                "SELECT href, etag, data FROM caldav_objects WHERE source_id = ? ORDER BY href",
                (source_id,),
            )
        }

    def save_objects(
        self,
        source_id: int,
        *,
        changed: Iterable[CalendarObject],
        removed: Iterable[str],
        replace_all: bool,
        sync_token: str | None,
        fetched: tuple[datetime, datetime] | None,
    ) -> None:
        """Store a fetch's result and the token it was made at, in one transaction."""
        with self.store.transaction():
            if replace_all:
                self.store.execute("DELETE FROM caldav_objects WHERE source_id = ?", (source_id,))
            self.store.executemany(
                "DELETE FROM caldav_objects WHERE source_id = ? AND href = ?",
                [(source_id, href) for href in removed],
            )
            self.store.executemany(
                "INSERT INTO caldav_objects (source_id, href, etag, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source_id, href) DO UPDATE SET etag = excluded.etag, "
                "data = excluded.data",
                [(source_id, o.href, o.etag, o.data) for o in changed],
            )
            self.store.execute(
                "UPDATE source_sync SET sync_token = ? WHERE source_id = ?",
                (sync_token, source_id),
            )
            if fetched is not None:
                self.store.execute(
                    "UPDATE source_sync SET fetched_start = ?, fetched_end = ? WHERE source_id = ?",
                    (ts_text(fetched[0]), ts_text(fetched[1]), source_id),
                )


def merged_objects(
    current: Mapping[str, CalendarObject],
    changed: Iterable[CalendarObject],
    removed: Iterable[str],
) -> dict[str, CalendarObject]:
    """The object set after a sync, without touching the store (to import it first)."""
    result = dict(current)
    for href in removed:
        result.pop(href, None)
    for item in changed:
        result[item.href] = item
    return result


class LocalSecrets:
    """Secrets kept in the store when the OS has no keyring (see migration 14, local_secrets)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, ref: str) -> str | None:
        row = self.store.query_one("SELECT secret FROM local_secrets WHERE secret_ref = ?", (ref,))
        return None if row is None else str(row[0])

    def set(self, ref: str, secret: str) -> None:
        now = self.store.now()
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO local_secrets (secret_ref, secret, created_at, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (secret_ref) DO UPDATE SET "
                "secret = excluded.secret, updated_at = excluded.updated_at",
                (ref, secret, now, now),
            )

    def delete(self, ref: str) -> None:
        with self.store.transaction():
            self.store.execute("DELETE FROM local_secrets WHERE secret_ref = ?", (ref,))
