"""Settings (key → JSON value) and reminder state (shown once, even across restarts)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypeVar, cast

from daybrief.store._rows import ts_or_none, ts_text
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.models import JsonValue, ReminderState

T = TypeVar("T")


def canonical_json(value: JsonValue) -> str:
    """One text per value (sorted keys, no NaN), so equal settings are equal rows and backups."""
    try:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), allow_nan=False, ensure_ascii=False
        )
    except (TypeError, ValueError) as exc:
        raise StoreError(f"a setting must be plain JSON: {exc}") from exc


class Settings:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str, default: JsonValue = None) -> JsonValue:
        row = self._store.query_one("SELECT value FROM settings WHERE key = ?", (key,))
        return default if row is None else cast(JsonValue, json.loads(row[0]))

    def get_as(self, key: str, kind: type[T], default: T) -> T:
        """The setting if it has type ``kind`` (an int is not a bool here), else ``default``.

        A value of the wrong type (hand-edited, or from an older version) falls back rather
        than crash the app; it is not overwritten until the user sets it again.
        """
        value = self.get(key)
        if value is None:
            return default
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return cast(T, float(value))
        if isinstance(value, bool) and kind is not bool:
            return default
        return value if isinstance(value, kind) else default

    def set(self, key: str, value: JsonValue) -> None:
        text = canonical_json(value)
        with self._store.transaction():
            now = self._store.now()
            self._store.execute(
                "INSERT INTO settings (key, value, created_at, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at WHERE value <> excluded.value",
                (key, text, now, now),
            )

    def delete(self, key: str) -> None:
        with self._store.transaction():
            self._store.execute("DELETE FROM settings WHERE key = ?", (key,))

    def all(self) -> dict[str, JsonValue]:
        rows = self._store.query("SELECT key, value FROM settings ORDER BY key")
        return {row[0]: cast(JsonValue, json.loads(row[1])) for row in rows}


class Reminders:
    def __init__(self, store: Store) -> None:
        self._store = store

    def state(self, reminder_key: str) -> ReminderState | None:
        row = self._store.query_one(
            "SELECT * FROM reminders WHERE reminder_key = ?", (reminder_key,)
        )
        if row is None:
            return None
        return ReminderState(
            reminder_key=row["reminder_key"],
            shown_at=ts_or_none(row["shown_at"]),
            snoozed_until=ts_or_none(row["snoozed_until"]),
        )

    def was_shown(self, reminder_key: str) -> bool:
        state = self.state(reminder_key)
        return state is not None and state.shown_at is not None

    def mark_shown(self, reminder_key: str, at: datetime | None = None) -> bool:
        """Record the reminder as shown; True only for the call that did it first.

        Check-and-set in one transaction, so two processes never both show it.
        """
        with self._store.transaction():
            shown = ts_text(at) or self._store.now()
            now = self._store.now()
            cursor = self._store.execute(
                "INSERT INTO reminders (reminder_key, shown_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (reminder_key) DO UPDATE SET"
                " shown_at = excluded.shown_at, snoozed_until = NULL,"
                " updated_at = excluded.updated_at WHERE shown_at IS NULL",
                (reminder_key, shown, now, now),
            )
            return cursor.rowcount == 1

    def snooze(self, reminder_key: str, until: datetime) -> None:
        """Show it again at ``until``: it stops counting as shown."""
        with self._store.transaction():
            now = self._store.now()
            self._store.execute(
                "INSERT INTO reminders (reminder_key, shown_at, snoozed_until, created_at,"
                " updated_at) VALUES (?, NULL, ?, ?, ?) ON CONFLICT (reminder_key) DO UPDATE"
                " SET shown_at = NULL, snoozed_until = excluded.snoozed_until,"
                " updated_at = excluded.updated_at",
                (reminder_key, ts_text(until), now, now),
            )

    def shown_since(self, since: datetime) -> list[ReminderState]:
        rows = self._store.query(
            "SELECT * FROM reminders WHERE shown_at >= ? ORDER BY shown_at", (ts_text(since),)
        )
        return [
            ReminderState(
                row["reminder_key"], ts_or_none(row["shown_at"]), ts_or_none(row["snoozed_until"])
            )
            for row in rows
        ]
