"""The snapshot kept of every meeting that carries user data.

A meeting's identity is :class:`daybrief.core.keys.MeetingKey`; its text is what is stored.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from daybrief.core.keys import KEY_SEPARATOR, meeting_key, split_meeting_key
from daybrief.store._rows import need, ts, ts_or_none, ts_text
from daybrief.store.db import Store
from daybrief.store.models import MeetingSnapshot

__all__ = ["KEY_SEPARATOR", "Meetings", "ensure_meeting", "meeting_key", "split_meeting_key"]


def ensure_meeting(store: Store, key: str) -> None:
    """Register ``key`` (empty snapshot) so user data can point at it; keeps an existing one."""
    uid, rid = split_meeting_key(key)
    now = store.now()
    store.execute(
        "INSERT INTO meetings (meeting_key, uid, recurrence_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_key) DO NOTHING",
        (key, uid, rid, now, now),
    )


def _snapshot(row: sqlite3.Row) -> MeetingSnapshot:
    return MeetingSnapshot(
        meeting_key=row["meeting_key"],
        uid=row["uid"],
        recurrence_id=row["recurrence_id"],
        summary=row["summary"],
        start_utc=ts_or_none(row["start_utc"]),
        calendar=row["calendar"],
        created_at=ts(row["created_at"]),
        updated_at=ts(row["updated_at"]),
    )


_HAS_USER_DATA = """
    EXISTS (SELECT 1 FROM checklist_items c WHERE c.meeting_key = m.meeting_key)
    OR EXISTS (SELECT 1 FROM notes n WHERE n.meeting_key = m.meeting_key)
    OR EXISTS (SELECT 1 FROM follow_ups f WHERE f.meeting_key = m.meeting_key)
    OR EXISTS (SELECT 1 FROM follow_ups f WHERE f.due_before = m.meeting_key AND f.done = 0)
"""


class Meetings:
    """Snapshots and orphan dismissal. Meetings are never deleted: user data points at them."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def remember(
        self, key: str, *, summary: str, start_utc: datetime | None, calendar: str
    ) -> MeetingSnapshot:
        """Record how the meeting looks now (called when shown or imported); commits."""
        uid, rid = split_meeting_key(key)
        start = ts_text(start_utc)
        with self._store.transaction():
            now = self._store.now()
            self._store.execute(
                "INSERT INTO meetings (meeting_key, uid, recurrence_id, summary, start_utc,"
                " calendar, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (meeting_key) DO UPDATE SET summary = excluded.summary,"
                " start_utc = excluded.start_utc, calendar = excluded.calendar,"
                " updated_at = excluded.updated_at"
                " WHERE (summary, start_utc, calendar) IS NOT"
                " (excluded.summary, excluded.start_utc, excluded.calendar)",
                (key, uid, rid, summary, start, calendar, now, now),
            )
            return self._get(key)

    def get(self, key: str) -> MeetingSnapshot | None:
        row = self._store.query_one("SELECT * FROM meetings WHERE meeting_key = ?", (key,))
        return None if row is None else _snapshot(row)

    def with_user_data(self) -> list[MeetingSnapshot]:
        """Every meeting some checklist item, note or follow-up hangs on, by start."""
        rows = self._store.query(
            f"SELECT * FROM meetings m WHERE {_HAS_USER_DATA}"
            " ORDER BY start_utc IS NULL, start_utc, meeting_key"
        )
        return [_snapshot(row) for row in rows]

    def dismiss(self, key: str) -> None:
        """Hide a meeting that left the calendar; its data stays (and returns if it does)."""
        with self._store.transaction():
            ensure_meeting(self._store, key)
            now = self._store.now()
            self._store.execute(
                "INSERT INTO dismissed_orphans (meeting_key, created_at, updated_at)"
                " VALUES (?, ?, ?) ON CONFLICT (meeting_key) DO NOTHING",
                (key, now, now),
            )

    def undismiss(self, key: str) -> None:
        with self._store.transaction():
            self._store.execute("DELETE FROM dismissed_orphans WHERE meeting_key = ?", (key,))

    def dismissed(self) -> set[str]:
        return {row[0] for row in self._store.query("SELECT meeting_key FROM dismissed_orphans")}

    def _get(self, key: str) -> MeetingSnapshot:
        return _snapshot(
            need(
                self._store.query_one("SELECT * FROM meetings WHERE meeting_key = ?", (key,)),
                f"meeting {key!r}",
            )
        )
