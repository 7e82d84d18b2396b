"""Checklist items per meeting: add, tick, edit, reorder, delete — each commits at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from daybrief.store._rows import UNCHANGED, Unchanged, need, next_position, renumber, reorder, ts
from daybrief.store.db import Store
from daybrief.store.meetings import ensure_meeting
from daybrief.store.models import ChecklistItem, DoneBy


def checklist_item(row: sqlite3.Row) -> ChecklistItem:
    return ChecklistItem(
        id=row["id"],
        meeting_key=row["meeting_key"],
        text=row["text"],
        required=bool(row["required"]),
        done=bool(row["done"]),
        position=row["position"],
        template_item_id=row["template_item_id"],
        created_at=ts(row["created_at"]),
        updated_at=ts(row["updated_at"]),
        file_pattern=row["file_pattern"],
        done_by=None if row["done_by"] is None else DoneBy(row["done_by"]),
    )


def insert_item(
    store: Store,
    meeting_key: str,
    text: str,
    required: bool,
    template_item_id: int | None = None,
    file_pattern: str | None = None,
) -> int:
    """Append an item (inside the caller's transaction); returns its id."""
    ensure_meeting(store, meeting_key)
    now = store.now()
    position = next_position(store, "checklist_items", "meeting_key = ?", (meeting_key,))
    cursor = store.execute(
        "INSERT INTO checklist_items (meeting_key, text, required, done, position,"
        " template_item_id, file_pattern, created_at, updated_at)"
        " VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)",
        (meeting_key, text, int(required), position, template_item_id, file_pattern, now, now),
    )
    return int(cursor.lastrowid or 0)


def clean_pattern(pattern: str | None) -> str | None:
    """A blank pattern is no pattern (a cleared field in the window)."""
    return pattern.strip() or None if pattern is not None else None


class Checklists:
    def __init__(self, store: Store) -> None:
        self._store = store

    def items(self, meeting_key: str) -> list[ChecklistItem]:
        rows = self._store.query(
            "SELECT * FROM checklist_items WHERE meeting_key = ? ORDER BY position, id",
            (meeting_key,),
        )
        return [checklist_item(row) for row in rows]

    def items_of(self, meeting_keys: Iterable[str]) -> dict[str, list[ChecklistItem]]:
        """The items of many meetings at once (keys without items are absent)."""
        keys = sorted(set(meeting_keys))
        found: dict[str, list[ChecklistItem]] = {}
        for start in range(0, len(keys), 500):  # under SQLite's bound-parameter limit
            chunk = keys[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._store.query(
                f"SELECT * FROM checklist_items WHERE meeting_key IN ({marks})"
                " ORDER BY position, id",
                chunk,
            )
            for row in rows:
                item = checklist_item(row)
                found.setdefault(item.meeting_key, []).append(item)
        return found

    def get(self, item_id: int) -> ChecklistItem:
        return checklist_item(
            need(
                self._store.query_one("SELECT * FROM checklist_items WHERE id = ?", (item_id,)),
                f"checklist item {item_id}",
            )
        )

    def with_file_patterns(self) -> list[ChecklistItem]:
        """Every item that points at a file or folder, by meeting and position."""
        rows = self._store.query(
            "SELECT * FROM checklist_items WHERE file_pattern IS NOT NULL"
            " ORDER BY meeting_key, position, id"
        )
        return [checklist_item(row) for row in rows]

    def add(
        self,
        meeting_key: str,
        text: str,
        *,
        required: bool = False,
        file_pattern: str | None = None,
    ) -> ChecklistItem:
        with self._store.transaction():
            item_id = insert_item(
                self._store, meeting_key, text, required, file_pattern=clean_pattern(file_pattern)
            )
            return self.get(item_id)

    def set_done(self, item_id: int, done: bool = True) -> ChecklistItem:
        """Tick (or untick) an item by hand: from now on a file never changes it."""
        with self._store.transaction():
            self._store.execute(
                "UPDATE checklist_items SET done = ?, done_by = 'user', updated_at = ?"
                " WHERE id = ? AND (done, coalesce(done_by, '')) IS NOT (?, 'user')",
                (int(done), self._store.now(), item_id, int(done)),
            )
            return self.get(item_id)

    def set_done_by_file(self, item_id: int, done: bool) -> bool:
        """Tick or untick an item for its file; True if it changed.

        Never touches an item the user ticked or unticked by hand (checked in the same
        statement, so a tick the user makes meanwhile wins), nor a ticked item from
        before Daybrief recorded who ticked it.
        """
        with self._store.transaction():
            cursor = self._store.execute(
                "UPDATE checklist_items SET done = ?, done_by = CASE WHEN ? THEN 'file' END,"
                " updated_at = ? WHERE id = ? AND done <> ?"
                " AND (done_by = 'file' OR (done_by IS NULL AND done = 0))",
                (int(done), int(done), self._store.now(), item_id, int(done)),
            )
            return cursor.rowcount == 1

    def edit(
        self,
        item_id: int,
        *,
        text: str | Unchanged = UNCHANGED,
        required: bool | Unchanged = UNCHANGED,
        file_pattern: str | Unchanged | None = UNCHANGED,
    ) -> ChecklistItem:
        with self._store.transaction():
            item = self.get(item_id)
            new_text = item.text if isinstance(text, Unchanged) else text
            new_required = item.required if isinstance(required, Unchanged) else required
            new_pattern = (
                item.file_pattern
                if isinstance(file_pattern, Unchanged)
                else clean_pattern(file_pattern)
            )
            if (new_text, new_required, new_pattern) != (
                item.text,
                item.required,
                item.file_pattern,
            ):
                self._store.execute(
                    "UPDATE checklist_items SET text = ?, required = ?, file_pattern = ?,"
                    " updated_at = ? WHERE id = ?",
                    (new_text, int(new_required), new_pattern, self._store.now(), item_id),
                )
            return self.get(item_id)

    def reorder(self, meeting_key: str, item_ids: Sequence[int]) -> list[ChecklistItem]:
        """Put the meeting's items in this order; ``item_ids`` lists each of them once."""
        with self._store.transaction():
            current = [item.id for item in self.items(meeting_key)]
            reorder(self._store, "checklist_items", current, list(item_ids), "a checklist")
            return self.items(meeting_key)

    def delete(self, item_id: int) -> None:
        """Delete one item (the user's own action); the rest close ranks."""
        with self._store.transaction():
            row = self._store.query_one(
                "SELECT meeting_key FROM checklist_items WHERE id = ?", (item_id,)
            )
            if row is None:
                return
            self._store.execute("DELETE FROM checklist_items WHERE id = ?", (item_id,))
            renumber(
                self._store,
                "checklist_items",
                [item.id for item in self.items(row["meeting_key"])],
            )
