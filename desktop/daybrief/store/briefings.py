"""What the user last saw of each day's briefing: the basis of "what changed since"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from daybrief.core.briefing import LastLook, SeenMeeting
from daybrief.store._rows import day_text, ts, ts_text
from daybrief.store.db import Store

KEEP_DAYS = 60
"""Looks at days further back than this are pruned when a new one is remembered."""


class BriefingLooks:
    def __init__(self, store: Store) -> None:
        self._store = store

    def last(self, day: date) -> LastLook | None:
        """The day's briefing as last shown or exported, or None if never."""
        with self._store.snapshot():
            look = self._store.query_one(
                "SELECT seen_at FROM briefing_looks WHERE day = ?", (day_text(day),)
            )
            if look is None:
                return None
            rows = self._store.query(
                "SELECT * FROM briefing_seen WHERE day = ? ORDER BY start_utc, meeting_ref",
                (day_text(day),),
            )
        return LastLook(
            seen_at=ts(look["seen_at"]),
            meetings=tuple(
                SeenMeeting(
                    ref=row["meeting_ref"],
                    summary=row["summary"],
                    start=ts(row["start_utc"]),
                    end=ts(row["end_utc"]),
                    unconfirmed=bool(row["unconfirmed"]),
                    cancelled=bool(row["cancelled"]),
                )
                for row in rows
            ),
        )

    def remember(self, day: date, seen_at: datetime, meetings: Iterable[SeenMeeting]) -> None:
        """Replace the day's look with this one (one transaction); prunes old days."""
        key = day_text(day)
        with self._store.transaction():
            now = self._store.now()
            self._store.execute(
                "INSERT INTO briefing_looks (day, seen_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET"
                " seen_at = excluded.seen_at, updated_at = excluded.updated_at",
                (key, ts_text(seen_at), now, now),
            )
            self._store.execute("DELETE FROM briefing_seen WHERE day = ?", (key,))
            self._store.executemany(
                "INSERT OR REPLACE INTO briefing_seen (day, meeting_ref, summary, start_utc,"
                " end_utc, unconfirmed, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        key,
                        m.ref,
                        m.summary,
                        ts_text(m.start),
                        ts_text(m.end),
                        int(m.unconfirmed),
                        int(m.cancelled),
                    )
                    for m in meetings
                ],
            )
            self._store.execute(
                "DELETE FROM briefing_looks WHERE day < ?",
                (day_text(day - timedelta(days=KEEP_DAYS)),),
            )
