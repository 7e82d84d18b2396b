"""Answers waiting for the calendar to show them, and the mail sent or prepared (schema 10)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from daybrief.store._rows import ts, ts_text
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.meetings import meeting_key

ANSWERS = ("ACCEPTED", "TENTATIVE", "DECLINED")


@dataclass(frozen=True, slots=True)
class PendingAnswer:
    meeting_key: str
    uid: str
    recurrence_id: str
    """'' for a whole series or a one-off."""
    partstat: str
    comment: str
    how: str
    answered_at: datetime
    previous: str = ""
    """The user's PARTSTAT the calendar showed when the answer was given."""


def _pending(row: sqlite3.Row) -> PendingAnswer:
    return PendingAnswer(
        meeting_key=row["meeting_key"],
        uid=row["uid"],
        recurrence_id=row["recurrence_id"],
        partstat=row["partstat"],
        comment=row["comment"],
        how=row["how"],
        answered_at=ts(row["answered_at"]),
        previous=row["previous"],
    )


class PendingAnswers:
    """Answers given but not yet shown by the calendar: "answered, waiting for your calendar"."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def set(
        self,
        uid: str,
        recurrence_id: str,
        partstat: str,
        *,
        comment: str = "",
        how: str = "imip",
        previous: str = "",
        at: datetime,
    ) -> PendingAnswer:
        if partstat not in ANSWERS:
            raise StoreError(f"not an answer: {partstat!r}")
        key = meeting_key(uid, recurrence_id)
        with self._store.transaction():
            now = self._store.now()
            self._store.execute(
                "INSERT INTO pending_answers (meeting_key, uid, recurrence_id, partstat, comment,"
                " previous, how, answered_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (meeting_key) DO UPDATE SET partstat = excluded.partstat,"
                " comment = excluded.comment, how = excluded.how,"
                " answered_at = excluded.answered_at, updated_at = excluded.updated_at",
                (key, uid, recurrence_id, partstat, comment, previous, how, ts_text(at), now, now),
            )
            if not recurrence_id:
                # A series answer supersedes earlier answers to its instances.
                self._store.execute(
                    "DELETE FROM pending_answers WHERE uid = ? AND recurrence_id <> ''", (uid,)
                )
        found = self.get(key)
        assert found is not None
        return found

    def get(self, key: str) -> PendingAnswer | None:
        row = self._store.query_one("SELECT * FROM pending_answers WHERE meeting_key = ?", (key,))
        return None if row is None else _pending(row)

    def all(self) -> list[PendingAnswer]:
        return [_pending(r) for r in self._store.query("SELECT * FROM pending_answers ORDER BY 1")]

    def clear(self, keys: Iterable[str]) -> None:
        with self._store.transaction():
            self._store.executemany(
                "DELETE FROM pending_answers WHERE meeting_key = ?", [(k,) for k in keys]
            )


@dataclass(frozen=True, slots=True)
class SentMail:
    id: int
    kind: str
    subject: str
    recipients: tuple[str, ...]
    status: str
    """``sent``, ``prepared`` (saved or handed to the mail program) or ``failed``."""
    detail: str
    meeting_key: str | None
    message_id: str | None
    created_at: datetime


def _sent(row: sqlite3.Row) -> SentMail:
    return SentMail(
        id=row["id"],
        kind=row["kind"],
        subject=row["subject"],
        recipients=tuple(json.loads(row["recipients"])),
        status=row["status"],
        detail=row["detail"],
        meeting_key=row["meeting_key"],
        message_id=row["message_id"],
        created_at=ts(row["created_at"]),
    )


class SentHistory:
    """Every message sent or prepared, newest last."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        kind: str,
        subject: str,
        recipients: Sequence[str],
        status: str,
        *,
        detail: str = "",
        meeting_key: str | None = None,
        message_id: str | None = None,
        at: datetime,
    ) -> SentMail:
        with self._store.transaction():
            cursor = self._store.execute(
                "INSERT INTO sent_mail (kind, subject, recipients, status, detail, meeting_key,"
                " message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, subject, json.dumps(list(recipients)), status, detail, meeting_key,
                 message_id, ts_text(at)),
            )  # fmt: skip
            row_id = cursor.lastrowid
        row = self._store.query_one("SELECT * FROM sent_mail WHERE id = ?", (row_id,))
        assert row is not None
        return _sent(row)

    def all(self, limit: int | None = None) -> list[SentMail]:
        sql = "SELECT * FROM sent_mail ORDER BY created_at, id"
        rows = self._store.query(sql)
        found = [_sent(r) for r in rows]
        return found[-limit:] if limit else found
