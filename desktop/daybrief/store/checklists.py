"""Checklist items per meeting: add, tick, edit, reorder, delete — each commits at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from daybrief.store._rows import UNCHANGED, Unchanged, need, next_position, renumber, reorder, ts
from daybrief.store.db import Store
from daybrief.store.meetings import ensure_meeting
from daybrief.store.models import ChecklistItem


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
        auto_done=bool(row["auto_done"]),
    )


def insert_item(
    store: Store,
    meeting_key: str,
    text: str,
    required: bool,
    template_item_id: int | None = None,
) -> int:
    """Append an item (inside the caller's transaction); returns its id."""
    ensure_meeting(store, meeting_key)
    now = store.now()
    position = next_position(store, "checklist_items", "meeting_key = ?", (meeting_key,))
    cursor = store.execute(
        "INSERT INTO checklist_items (meeting_key, text, required, done, position,"
        " template_item_id, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
        (meeting_key, text, int(required), position, template_item_id, now, now),
    )
    return int(cursor.lastrowid or 0)


class Checklists:
    def __init__(self, store: Store) -> None:
        self._store = store

    def items(self, meeting_key: str) -> list[ChecklistItem]:
        rows = self._store.query(
            "SELECT * FROM checklist_items WHERE meeting_key = ? ORDER BY position, id",
            (meeting_key,),
        )
        return [checklist_item(row) for row in rows]

    def get(self, item_id: int) -> ChecklistItem:
        return checklist_item(
            need(
                self._store.query_one("SELECT * FROM checklist_items WHERE id = ?", (item_id,)),
                f"checklist item {item_id}",
            )
        )

    def add(self, meeting_key: str, text: str, *, required: bool = False) -> ChecklistItem:
        with self._store.transaction():
            item_id = insert_item(self._store, meeting_key, text, required)
            return self.get(item_id)

    def set_done(self, item_id: int, done: bool = True) -> ChecklistItem:
        """Tick (or untick) an item."""
        with self._store.transaction():
            self._store.execute(
                "UPDATE checklist_items SET done = ?, updated_at = ? WHERE id = ? AND done <> ?",
                (int(done), self._store.now(), item_id, int(done)),
            )
            return self.get(item_id)

    def edit(
        self,
        item_id: int,
        *,
        text: str | Unchanged = UNCHANGED,
        required: bool | Unchanged = UNCHANGED,
    ) -> ChecklistItem:
        with self._store.transaction():
            item = self.get(item_id)
            new_text = item.text if isinstance(text, Unchanged) else text
            new_required = item.required if isinstance(required, Unchanged) else required
            if (new_text, new_required) != (item.text, item.required):
                self._store.execute(
                    "UPDATE checklist_items SET text = ?, required = ?, updated_at = ?"
                    " WHERE id = ?",
                    (new_text, int(new_required), self._store.now(), item_id),
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
