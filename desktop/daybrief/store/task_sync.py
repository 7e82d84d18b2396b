"""The task list follow-ups are synced with, and each task as last agreed (schema 12).

Nothing here is a secret: ``secret_ref`` only names the keyring entry.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from daybrief.store._rows import ts, ts_or_none, ts_text
from daybrief.store.db import Store


@dataclass(frozen=True, slots=True)
class TaskList:
    secret_ref: str
    display_url: str
    list_name: str
    password_command: str | None
    sync_token: str | None
    connected_at: datetime
    last_sync_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None

    @property
    def problem(self) -> str:
        """The last failure ('' once a sync has succeeded since)."""
        return self.last_error or ""


@dataclass(frozen=True, slots=True)
class TaskLink:
    """A task of the list and the follow-up it is (None: deleted here, not yet there)."""

    uid: str
    follow_up_id: int | None
    href: str | None
    etag: str | None
    base: str | None
    """JSON of the fields as last agreed with the server."""
    data: str | None
    """The task as the server last gave it (or as last written)."""


def _list(row: sqlite3.Row) -> TaskList:
    return TaskList(
        secret_ref=row["secret_ref"],
        display_url=row["display_url"],
        list_name=row["list_name"],
        password_command=row["password_command"],
        sync_token=row["sync_token"],
        connected_at=ts(row["connected_at"]),
        last_sync_at=ts_or_none(row["last_sync_at"]),
        last_error=row["last_error"],
        last_error_at=ts_or_none(row["last_error_at"]),
    )


def _link(row: sqlite3.Row) -> TaskLink:
    return TaskLink(
        row["uid"], row["follow_up_id"], row["href"], row["etag"], row["base"], row["data"]
    )


class TaskSync:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ the list

    def task_list(self) -> TaskList | None:
        row = self.store.query_one("SELECT * FROM task_list WHERE id = 1")
        return _list(row) if row else None

    def connect(
        self,
        *,
        secret_ref: str,
        display_url: str,
        list_name: str,
        password_command: str | None = None,
        same_list: bool = False,
    ) -> None:
        """Connect to a list; tasks of a list connected before are forgotten (not deleted),
        unless it is ``same_list`` again (new credentials): then the sync goes on."""
        with self.store.transaction():
            if same_list and self.task_list() is not None:
                self.store.execute(
                    "UPDATE task_list SET secret_ref = ?, display_url = ?, list_name = ?,"
                    " password_command = ? WHERE id = 1",
                    (secret_ref, display_url, list_name, password_command),
                )
                return
            self.store.execute("DELETE FROM follow_up_tasks")
            self.store.execute("DELETE FROM task_list")
            self.store.execute(
                "INSERT INTO task_list (id, secret_ref, display_url, list_name,"
                " password_command, connected_at) VALUES (1, ?, ?, ?, ?, ?)",
                (secret_ref, display_url, list_name, password_command, self.store.now()),
            )

    def disconnect(self) -> None:
        with self.store.transaction():
            self.store.execute("DELETE FROM follow_up_tasks")
            self.store.execute("DELETE FROM task_list")

    def token(self) -> str | None:
        row = self.store.query_one("SELECT sync_token FROM task_list WHERE id = 1")
        return row["sync_token"] if row else None

    def set_token(self, token: str | None) -> None:
        with self.store.transaction():
            self.store.execute("UPDATE task_list SET sync_token = ? WHERE id = 1", (token,))

    def record_success(self, at: datetime) -> None:
        with self.store.transaction():
            self.store.execute(
                "UPDATE task_list SET last_sync_at = ?, last_error = NULL, last_error_at = NULL"
                " WHERE id = 1",
                (ts_text(at),),
            )

    def record_failure(self, at: datetime, reason: str) -> None:
        with self.store.transaction():
            self.store.execute(
                "UPDATE task_list SET last_error = ?, last_error_at = ? WHERE id = 1",
                (reason, ts_text(at)),
            )

    # ------------------------------------------------------------------ tasks

    def links(self, *, with_data: bool = True) -> dict[str, TaskLink]:
        """Every task by UID; without ``with_data`` the tasks' text is left out (None)."""
        data = "data" if with_data else "NULL AS data"
        return {
            row["uid"]: _link(row)
            for row in self.store.query(
                f"SELECT uid, follow_up_id, href, etag, base, {data} FROM follow_up_tasks"
                " ORDER BY uid"
            )
        }

    def link(self, uid: str) -> TaskLink | None:
        row = self.store.query_one("SELECT * FROM follow_up_tasks WHERE uid = ?", (uid,))
        return _link(row) if row else None

    def is_linked(self, follow_up_id: int) -> bool:
        row = self.store.query_one(
            "SELECT 1 FROM follow_up_tasks WHERE follow_up_id = ?", (follow_up_id,)
        )
        return row is not None

    def save(self, link: TaskLink) -> None:
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO follow_up_tasks (uid, follow_up_id, href, etag, base, data)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO UPDATE SET"
                " follow_up_id = excluded.follow_up_id, href = excluded.href,"
                " etag = excluded.etag, base = excluded.base, data = excluded.data",
                (link.uid, link.follow_up_id, link.href, link.etag, link.base, link.data),
            )

    def forget(self, uid: str) -> None:
        with self.store.transaction():
            self.store.execute("DELETE FROM follow_up_tasks WHERE uid = ?", (uid,))
