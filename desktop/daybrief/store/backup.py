"""Backup: all the user's data as one JSON file, and back, exactly.

Format: ``{"format": "daybrief-user-data", "version": 6, "tables": {table: [row, ...]}}``,
each row a dict of the table's columns (booleans as JSON booleans, settings values as JSON),
rows in primary-key order. Calendar data is not in it: calendars re-import.

Older formats still import: a table or column added in a later format may be absent from
an older file, and then reads as empty or as the column's value from before it existed.
Version 2 added file patterns of checklist and template items, ``done_by`` and
``problem_acks``; version 4 the facts of problem states; version 5 the answers waiting for
the calendar (``pending_answers``) and the sent history (``sent_mail``); version 6 the notes
of follow-ups.

Importing is one transaction, validated in full before the store is touched: a bad file
changes nothing. A store that already holds user data is only overwritten with
``replace=True`` — an explicit choice, never a silent merge that could drop or double rows.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from daybrief.store._rows import ts
from daybrief.store.db import Store
from daybrief.store.errors import BackupError, StoreError
from daybrief.store.settings import canonical_json

FORMAT = "daybrief-user-data"
FORMAT_VERSION = 6

_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    order_by: str
    columns: tuple[tuple[str, str], ...]
    """(column, kind): str, int, bool, ts (timestamp), date, json; a trailing ? allows null."""
    since: int = 1
    """The backup format version the table first appeared in."""
    added: tuple[tuple[str, int, Any], ...] = ()
    """(column, format version it appeared in, its value in rows of older backups)."""


_STAMPS = (("created_at", "ts"), ("updated_at", "ts"))

# Parents before children, so inserting in this order satisfies every foreign key.
USER_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "meetings",
        "meeting_key",
        (
            ("meeting_key", "str"),
            ("uid", "str"),
            ("recurrence_id", "str"),
            ("summary", "str"),
            ("start_utc", "ts?"),
            ("calendar", "str"),
            *_STAMPS,
        ),
    ),
    TableSpec("templates", "id", (("id", "int"), ("name", "str"), *_STAMPS)),
    TableSpec(
        "template_items",
        "id",
        (
            ("id", "int"),
            ("template_id", "int"),
            ("text", "str"),
            ("required", "bool"),
            ("position", "int"),
            ("file_pattern", "str?"),
            *_STAMPS,
        ),
        added=(("file_pattern", 2, None),),
    ),
    TableSpec("clients", "id", (("id", "int"), ("name", "str"), *_STAMPS)),
    TableSpec("client_domains", "domain", (("domain", "str"), ("client_id", "int"), *_STAMPS)),
    TableSpec(
        "checklist_items",
        "id",
        (
            ("id", "int"),
            ("meeting_key", "str"),
            ("text", "str"),
            ("required", "bool"),
            ("done", "bool"),
            ("position", "int"),
            ("template_item_id", "int?"),
            ("file_pattern", "str?"),
            ("done_by", "str?"),
            *_STAMPS,
        ),
        added=(("file_pattern", 2, None), ("done_by", 2, None)),
    ),
    TableSpec(
        "template_applications",
        "meeting_key, template_id",
        (("meeting_key", "str"), ("template_id", "int"), *_STAMPS),
    ),
    TableSpec(
        "follow_ups",
        "id",
        (
            ("id", "int"),
            ("text", "str"),
            ("due_date", "date?"),
            ("client_id", "int?"),
            ("meeting_key", "str?"),
            ("done", "bool"),
            ("done_at", "ts?"),
            *_STAMPS,
            ("due_before", "str?"),
            ("ical_uid", "str?"),
            ("notes", "str"),
        ),
        added=(("due_before", 3, None), ("ical_uid", 3, None), ("notes", 6, "")),
    ),
    TableSpec("notes", "meeting_key", (("meeting_key", "str"), ("text", "str"), *_STAMPS)),
    TableSpec(
        "goals",
        "id",
        (
            ("id", "int"),
            ("day", "date"),
            ("text", "str"),
            ("done", "bool"),
            ("position", "int"),
            *_STAMPS,
        ),
    ),
    TableSpec(
        "rules",
        "id",
        (
            ("id", "int"),
            ("kind", "str"),
            ("value", "str"),
            ("template_id", "int"),
            ("enabled", "bool"),
            *_STAMPS,
        ),
    ),
    TableSpec("settings", "key", (("key", "str"), ("value", "json"), *_STAMPS)),
    TableSpec(
        "reminders",
        "reminder_key",
        (("reminder_key", "str"), ("shown_at", "ts?"), ("snoozed_until", "ts?"), *_STAMPS),
    ),
    TableSpec("dismissed_orphans", "meeting_key", (("meeting_key", "str"), *_STAMPS)),
    TableSpec(
        "problem_acks",
        "problem_key",
        (("problem_key", "str"), ("state", "str"), ("facts", "json"), *_STAMPS),
        since=2,
        added=(("facts", 4, []),),
    ),
    TableSpec(
        "pending_answers",
        "meeting_key",
        (
            ("meeting_key", "str"),
            ("uid", "str"),
            ("recurrence_id", "str"),
            ("partstat", "str"),
            ("comment", "str"),
            ("previous", "str"),
            ("how", "str"),
            ("answered_at", "ts"),
            *_STAMPS,
        ),
        since=5,
    ),
    TableSpec(
        "sent_mail",
        "id",
        (
            ("id", "int"),
            ("kind", "str"),
            ("subject", "str"),
            ("recipients", "json"),
            ("status", "str"),
            ("detail", "str"),
            ("meeting_key", "str?"),
            ("message_id", "str?"),
            ("created_at", "ts"),
        ),
        since=5,
    ),
)


# --- export ---


def export_user_data(store: Store) -> dict[str, Any]:
    """Every row of every user-data table, read in one consistent snapshot."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with store.snapshot():
        for spec in USER_TABLES:
            names = ", ".join(column for column, _ in spec.columns)
            rows = store.query(f"SELECT {names} FROM {spec.name} ORDER BY {spec.order_by}")
            tables[spec.name] = [
                {column: _out(kind, row[column]) for column, kind in spec.columns} for row in rows
            ]
    return {"format": FORMAT, "version": FORMAT_VERSION, "tables": tables}


def _out(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind.startswith("bool"):
        return bool(value)
    if kind == "json":
        return json.loads(value)
    return value


def backup_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_backup(store: Store, path: str | Path) -> dict[str, int]:
    """Write the backup file atomically (never a half file); returns rows per table."""
    data = export_user_data(store)
    path = Path(path)
    payload = backup_text(data).encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the backup ({exc})") from exc
    return {name: len(rows) for name, rows in data["tables"].items()}


# --- import ---


def read_backup(path: str | Path) -> dict[str, Any]:
    """Read and parse a backup file; :class:`BackupError` names the file and where it breaks."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BackupError(f"{path}: cannot read the backup ({exc})") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BackupError(f"{path}: not a Daybrief backup (not UTF-8 text: {exc})") from exc
    except json.JSONDecodeError as exc:
        raise BackupError(
            f"{path}:{exc.lineno}: not a Daybrief backup, or cut short ({exc.msg}, "
            f"column {exc.colno})"
        ) from exc
    except RecursionError:
        raise BackupError(f"{path}: not a Daybrief backup (nested too deeply)") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise BackupError(f"{path}: not a Daybrief backup ({exc})") from None
    if not isinstance(data, dict):
        raise BackupError(f"{path}: not a Daybrief backup (no JSON object at the top)")
    return data


def import_user_data(
    store: Store, data: dict[str, Any], *, replace: bool = False
) -> dict[str, int]:
    """Load a backup; returns rows per table. All or nothing.

    Into an empty store: reproduces the exported data exactly (ids, timestamps, order).
    Into a store with user data: :class:`BackupError` unless ``replace=True``, which swaps
    the whole of it for the backup's (in the same transaction).
    """
    rows = _validated(data)
    with store.transaction():
        present = {
            spec.name: int(store.query(f"SELECT count(*) FROM {spec.name}")[0][0])
            for spec in USER_TABLES
        }
        if any(present.values()):
            if not replace:
                held = ", ".join(f"{n} {name}" for name, n in present.items() if n)
                raise BackupError(
                    f"{store.path}: the store already holds user data ({held}); importing "
                    "would overwrite it. Export it first, then import with replace."
                )
            for spec in reversed(USER_TABLES):
                store.execute(f"DELETE FROM {spec.name}")
        for spec in USER_TABLES:
            columns = [column for column, _ in spec.columns]
            sql = (
                f"INSERT INTO {spec.name} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})"
            )
            try:
                store.executemany(sql, rows[spec.name])
            except StoreError as exc:
                raise BackupError(f"backup table {spec.name!r}: {exc}") from exc
    return {spec.name: len(rows[spec.name]) for spec in USER_TABLES}


def _validated(data: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row checked and converted to stored values, before the store is touched."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError('not a Daybrief backup (its "format" is not daybrief-user-data)')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BackupError("backup without a format version")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"backup written by a newer Daybrief (format {version}, this version reads up to "
            f"{FORMAT_VERSION}); update Daybrief"
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BackupError("backup without its tables")
    known = {spec.name for spec in USER_TABLES}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise BackupError(f"backup has tables this version does not know: {unknown}")
    converted: dict[str, list[tuple[Any, ...]]] = {}
    for spec in USER_TABLES:
        if spec.name not in tables:
            if spec.since > version:
                converted[spec.name] = []
                continue
            raise BackupError(f"backup lacks the table {spec.name!r} (cut short or edited?)")
        rows = tables[spec.name]
        if not isinstance(rows, list):
            raise BackupError(f"backup table {spec.name!r} is not a list of rows")
        converted[spec.name] = [_row(spec, n, row, version) for n, row in enumerate(rows)]
    return converted


def _row(spec: TableSpec, index: int, row: Any, version: int) -> tuple[Any, ...]:
    where = f"backup table {spec.name!r}, row {index}"
    if not isinstance(row, dict):
        raise BackupError(f"{where}: not an object")
    wanted = [column for column, _ in spec.columns]
    # A backup from before a column existed holds rows as they were then.
    older = {column: value for column, since, value in spec.added if since > version}
    if older and not set(older) & set(row):
        row = {**row, **older}
    if set(row) != set(wanted):
        missing = sorted(set(wanted) - set(row))
        extra = sorted(set(row) - set(wanted))
        raise BackupError(f"{where}: columns differ (missing {missing}, unexpected {extra})")
    return tuple(_value(f"{where}, {column!r}", kind, row[column]) for column, kind in spec.columns)


def _value(where: str, kind: str, value: Any) -> Any:
    base, nullable = kind.rstrip("?"), kind.endswith("?")
    if value is None:
        if nullable:
            return None
        raise BackupError(f"{where}: must not be null")
    if base == "json":
        try:
            return canonical_json(value)
        except StoreError as exc:
            raise BackupError(f"{where}: {exc}") from exc
    if base == "bool":
        if not isinstance(value, bool):
            raise BackupError(f"{where}: expected true or false, got {value!r}")
        return int(value)
    if base == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise BackupError(f"{where}: expected a whole number, got {str(value)[:40]!r}")
        if not -(2**63) <= value < 2**63:  # SQLite's integers are 64-bit
            raise BackupError(f"{where}: the number {str(value)[:20]}… is too large")
        return value
    if not isinstance(value, str):
        raise BackupError(f"{where}: expected text, got {value!r}")
    if base == "ts":
        try:
            if not _TS.match(value):
                raise ValueError(value)
            ts(value)  # a real moment: not month 99 or hour 99
        except ValueError:
            raise BackupError(
                f"{where}: expected a timestamp like 2026-01-31T09:00:00.000000Z, "
                f"got {value[:40]!r}"
            ) from None
    if base == "date":
        try:
            if len(value) != 10:
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            raise BackupError(f"{where}: expected a date like 2026-01-31, got {value!r}") from None
    return value
