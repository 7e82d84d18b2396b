"""Notes per meeting and goals per day."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from daybrief.store._rows import (
    UNCHANGED,
    Unchanged,
    day_text,
    need,
    next_position,
    renumber,
    reorder,
    ts,
)
from daybrief.store.db import Store
from daybrief.store.meetings import ensure_meeting
from daybrief.store.models import Goal, Note


class Notes:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, meeting_key: str) -> Note | None:
        row = self._store.query_one("SELECT * FROM notes WHERE meeting_key = ?", (meeting_key,))
        if row is None:
            return None
        return Note(
            meeting_key=row["meeting_key"],
            text=row["text"],
            created_at=ts(row["created_at"]),
            updated_at=ts(row["updated_at"]),
        )

    def set(self, meeting_key: str, text: str) -> Note:
        """Replace the meeting's note ('' empties it; the row stays, like any user data)."""
        with self._store.transaction():
            ensure_meeting(self._store, meeting_key)
            now = self._store.now()
            self._store.execute(
                "INSERT INTO notes (meeting_key, text, created_at, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (meeting_key) DO UPDATE SET text = excluded.text,"
                " updated_at = excluded.updated_at WHERE text <> excluded.text",
                (meeting_key, text, now, now),
            )
            note = self.get(meeting_key)
            assert note is not None  # written just above, in this transaction
            return note


def _goal(row: sqlite3.Row) -> Goal:
    return Goal(
        id=row["id"],
        day=date.fromisoformat(row["day"]),
        text=row["text"],
        done=bool(row["done"]),
        position=row["position"],
        created_at=ts(row["created_at"]),
        updated_at=ts(row["updated_at"]),
    )


class Goals:
    def __init__(self, store: Store) -> None:
        self._store = store

    def for_day(self, day: date) -> list[Goal]:
        rows = self._store.query(
            "SELECT * FROM goals WHERE day = ? ORDER BY position, id", (day_text(day),)
        )
        return [_goal(row) for row in rows]

    def last_day_before(self, day: date) -> list[Goal]:
        """The goals of the latest earlier day that has any (yesterday's, or Friday's)."""
        row = self._store.query_one(
            "SELECT MAX(day) AS day FROM goals WHERE day < ?", (day_text(day),)
        )
        if row is None or row["day"] is None:
            return []
        return self.for_day(date.fromisoformat(row["day"]))

    def get(self, goal_id: int) -> Goal:
        return _goal(
            need(
                self._store.query_one("SELECT * FROM goals WHERE id = ?", (goal_id,)),
                f"goal {goal_id}",
            )
        )

    def add(self, day: date, text: str) -> Goal:
        with self._store.transaction():
            now = self._store.now()
            position = next_position(self._store, "goals", "day = ?", (day_text(day),))
            cursor = self._store.execute(
                "INSERT INTO goals (day, text, done, position, created_at, updated_at)"
                " VALUES (?, ?, 0, ?, ?, ?)",
                (day_text(day), text, position, now, now),
            )
            return self.get(int(cursor.lastrowid or 0))

    def edit(self, goal_id: int, *, text: str | Unchanged = UNCHANGED) -> Goal:
        with self._store.transaction():
            goal = self.get(goal_id)
            if not isinstance(text, Unchanged) and text != goal.text:
                self._store.execute(
                    "UPDATE goals SET text = ?, updated_at = ? WHERE id = ?",
                    (text, self._store.now(), goal_id),
                )
            return self.get(goal_id)

    def set_done(self, goal_id: int, done: bool = True) -> Goal:
        with self._store.transaction():
            self._store.execute(
                "UPDATE goals SET done = ?, updated_at = ? WHERE id = ? AND done <> ?",
                (int(done), self._store.now(), goal_id, int(done)),
            )
            return self.get(goal_id)

    def reorder(self, day: date, goal_ids: Sequence[int]) -> list[Goal]:
        with self._store.transaction():
            current = [goal.id for goal in self.for_day(day)]
            reorder(self._store, "goals", current, list(goal_ids), f"the goals of {day}")
            return self.for_day(day)

    def delete(self, goal_id: int) -> None:
        with self._store.transaction():
            row = self._store.query_one("SELECT day FROM goals WHERE id = ?", (goal_id,))
            if row is None:
                return
            self._store.execute("DELETE FROM goals WHERE id = ?", (goal_id,))
            renumber(
                self._store,
                "goals",
                [goal.id for goal in self.for_day(date.fromisoformat(row["day"]))],
            )
