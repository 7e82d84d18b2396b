"""Conversions between stored text and Python values, shared by the repositories."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from enum import Enum
from typing import Final

from daybrief.store.db import Store, format_timestamp
from daybrief.store.errors import StoreError


class Unchanged(Enum):
    """Marks an argument left as it is (None is a real value for nullable fields)."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


def ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else ts(text)


def ts_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise StoreError(f"a naive datetime cannot be stored (zone unknown): {moment}")
    return format_timestamp(moment)


def day_text(day: date | None) -> str | None:
    if day is None:
        return None
    if isinstance(day, datetime):  # a datetime is a date too; a due date has no time
        raise StoreError(f"expected a date, got a datetime: {day}")
    return day.isoformat()


def day_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def need(row: sqlite3.Row | None, what: str) -> sqlite3.Row:
    """The row, or a clear error naming what was not found."""
    if row is None:
        raise StoreError(f"{what} not found (deleted meanwhile?)")
    return row


def next_position(store: Store, table: str, where: str, params: tuple[object, ...]) -> int:
    row = store.query_one(
        f"SELECT coalesce(max(position) + 1, 0) FROM {table} WHERE {where}", params
    )
    return int(row[0]) if row is not None else 0


def renumber(store: Store, table: str, ids: list[int]) -> None:
    """Positions 0..n-1 in the given order (one transaction with the caller's change)."""
    now = store.now()
    for position, row_id in enumerate(ids):
        store.execute(
            f"UPDATE {table} SET position = ?, updated_at = ? WHERE id = ? AND position <> ?",
            (position, now, row_id, position),
        )


def reorder(store: Store, table: str, current: list[int], wanted: list[int], what: str) -> None:
    if sorted(current) != sorted(wanted) or len(set(wanted)) != len(wanted):
        raise StoreError(
            f"reorder of {what} must list each of its items once: have {sorted(current)}, "
            f"got {wanted}"
        )
    renumber(store, table, wanted)
