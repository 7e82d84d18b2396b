"""Follow-ups: text, due date, client, meeting, done — and the queries the briefing needs."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from daybrief.store._rows import (
    UNCHANGED,
    Unchanged,
    day_or_none,
    day_text,
    need,
    ts,
    ts_or_none,
    ts_text,
)
from daybrief.store.db import Store
from daybrief.store.meetings import ensure_meeting
from daybrief.store.models import FollowUp


def _follow_up(row: sqlite3.Row) -> FollowUp:
    return FollowUp(
        id=row["id"],
        text=row["text"],
        due_date=day_or_none(row["due_date"]),
        client_id=row["client_id"],
        meeting_key=row["meeting_key"],
        done=bool(row["done"]),
        done_at=ts_or_none(row["done_at"]),
        created_at=ts(row["created_at"]),
        updated_at=ts(row["updated_at"]),
        due_before=row["due_before"],
        ical_uid=row["ical_uid"],
        notes=row["notes"],
    )


class FollowUps:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, follow_up_id: int) -> FollowUp:
        return _follow_up(
            need(
                self._store.query_one("SELECT * FROM follow_ups WHERE id = ?", (follow_up_id,)),
                f"follow-up {follow_up_id}",
            )
        )

    def add(
        self,
        text: str,
        *,
        due: date | None = None,
        client_id: int | None = None,
        meeting_key: str | None = None,
        due_before: str | None = None,
        ical_uid: str | None = None,
        notes: str = "",
    ) -> FollowUp:
        with self._store.transaction():
            for key in (meeting_key, due_before):
                if key is not None:
                    ensure_meeting(self._store, key)
            now = self._store.now()
            cursor = self._store.execute(
                "INSERT INTO follow_ups (text, due_date, client_id, meeting_key, done,"
                " created_at, updated_at, due_before, ical_uid, notes)"
                " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                (text, day_text(due), client_id, meeting_key, now, now, due_before, ical_uid,
                 notes),
            )  # fmt: skip
            return self.get(int(cursor.lastrowid or 0))

    def field_rows(self) -> list[sqlite3.Row]:
        """Every follow-up's own fields, without timestamps (cheap: the sync's queue)."""
        return self._store.query(
            "SELECT id, text, notes, due_date, due_before, client_id, done, meeting_key"
            " FROM follow_ups ORDER BY id"
        )

    def by_id(self, follow_up_id: int) -> FollowUp | None:
        row = self._store.query_one("SELECT * FROM follow_ups WHERE id = ?", (follow_up_id,))
        return None if row is None else _follow_up(row)

    def by_ical_uid(self, uid: str) -> FollowUp | None:
        row = self._store.query_one("SELECT * FROM follow_ups WHERE ical_uid = ?", (uid,))
        return None if row is None else _follow_up(row)

    def anchored(self) -> list[FollowUp]:
        """Open follow-ups whose due date follows a meeting."""
        rows = self._store.query(
            "SELECT * FROM follow_ups WHERE due_before IS NOT NULL AND done = 0 ORDER BY id"
        )
        return [_follow_up(row) for row in rows]

    def set_anchor(self, follow_up_id: int, meeting: str | None, due: date | None) -> FollowUp:
        """Tie the due date to a meeting (or untie it with None), with its current date."""
        with self._store.transaction():
            if meeting is not None:
                ensure_meeting(self._store, meeting)
            self._store.execute(
                "UPDATE follow_ups SET due_before = ?, due_date = ?, updated_at = ? WHERE id = ?",
                (meeting, day_text(due), self._store.now(), follow_up_id),
            )
            return self.get(follow_up_id)

    def update(
        self,
        follow_up_id: int,
        *,
        text: str | Unchanged = UNCHANGED,
        due: date | Unchanged | None = UNCHANGED,
        client_id: int | Unchanged | None = UNCHANGED,
        meeting_key: str | Unchanged | None = UNCHANGED,
        notes: str | Unchanged = UNCHANGED,
        due_before: str | Unchanged | None = UNCHANGED,
    ) -> FollowUp:
        with self._store.transaction():
            old = self.get(follow_up_id)
            new = (
                old.text if isinstance(text, Unchanged) else text,
                old.due_date if isinstance(due, Unchanged) else due,
                old.client_id if isinstance(client_id, Unchanged) else client_id,
                old.meeting_key if isinstance(meeting_key, Unchanged) else meeting_key,
                old.notes if isinstance(notes, Unchanged) else notes,
                old.due_before if isinstance(due_before, Unchanged) else due_before,
            )
            if new != (
                old.text, old.due_date, old.client_id, old.meeting_key, old.notes, old.due_before
            ):  # fmt: skip
                for key in (new[3], new[5]):
                    if key is not None:
                        ensure_meeting(self._store, key)
                self._store.execute(
                    "UPDATE follow_ups SET text = ?, due_date = ?, client_id = ?,"
                    " meeting_key = ?, notes = ?, due_before = ?, updated_at = ? WHERE id = ?",
                    (new[0], day_text(new[1]), new[2], new[3], new[4], new[5],
                     self._store.now(), follow_up_id),
                )  # fmt: skip
            return self.get(follow_up_id)

    def set_ical_uid(self, follow_up_id: int, uid: str | None) -> None:
        with self._store.transaction():
            self._store.execute(
                "UPDATE follow_ups SET ical_uid = ? WHERE id = ?", (uid, follow_up_id)
            )

    def set_done(
        self, follow_up_id: int, done: bool = True, at: datetime | None = None
    ) -> FollowUp:
        """Tick (at ``at``, default now) or untick; a follow-up already so is left alone."""
        with self._store.transaction():
            now = self._store.now()
            when = ts_text(at) if at is not None else now
            self._store.execute(
                "UPDATE follow_ups SET done = ?, done_at = ?, updated_at = ?"
                " WHERE id = ? AND done <> ?",
                (int(done), when if done else None, now, follow_up_id, int(done)),
            )
            return self.get(follow_up_id)

    def delete(self, follow_up_id: int) -> None:
        with self._store.transaction():
            self._store.execute("DELETE FROM follow_ups WHERE id = ?", (follow_up_id,))

    def query(
        self,
        *,
        due_from: date | None = None,
        due_to: date | None = None,
        client_id: int | None = None,
        meeting_key: str | None = None,
        include_done: bool = False,
        include_undated: bool = False,
    ) -> list[FollowUp]:
        """Follow-ups due in ``[due_from, due_to]`` (either end open), by due date.

        Undated follow-ups only come with ``include_undated`` (they are due "some time").
        """
        where = ["1"]
        params: list[object] = []
        dated = ["due_date IS NOT NULL"]
        if due_from is not None:
            dated.append("due_date >= ?")
            params.append(day_text(due_from))
        if due_to is not None:
            dated.append("due_date <= ?")
            params.append(day_text(due_to))
        dated_sql = " AND ".join(dated)
        where.append(f"(({dated_sql}) OR due_date IS NULL)" if include_undated else dated_sql)
        if client_id is not None:
            where.append("client_id = ?")
            params.append(client_id)
        if meeting_key is not None:
            where.append("meeting_key = ?")
            params.append(meeting_key)
        if not include_done:
            where.append("done = 0")
        rows = self._store.query(
            f"SELECT * FROM follow_ups WHERE {' AND '.join(where)}"
            " ORDER BY due_date IS NULL, due_date, id",
            params,
        )
        return [_follow_up(row) for row in rows]

    def due_on(self, day: date) -> list[FollowUp]:
        return self.query(due_from=day, due_to=day)

    def overdue(self, today: date) -> list[FollowUp]:
        """Open follow-ups due before ``today``."""
        return [f for f in self.query(due_to=today) if f.due_date and f.due_date < today]

    def all(self) -> list[FollowUp]:
        rows = self._store.query("SELECT * FROM follow_ups ORDER BY id")
        return [_follow_up(row) for row in rows]
