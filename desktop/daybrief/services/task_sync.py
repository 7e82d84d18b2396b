"""Follow-ups on every device: two-way sync with one CalDAV task list (VTODO).

Each follow-up is a task in the list (see docs/task-sync.md for the field mapping). A sync:

1. asks the server what changed since the last sync token (sync-collection), or lists every
   task's ETag where the server has no sync-collection, and fetches only the tasks whose
   ETag differs from the one kept;
2. merges each changed task with its follow-up, three ways against the fields both last
   agreed on (:mod:`daybrief.core.task_merge`), in one store transaction with the new token;
3. sends what is waiting: follow-ups changed (or added, or deleted) here since they were
   last agreed, each write conditional on the ETag it was merged with.

The queue of changes waiting for the server is not kept separately: it is whatever differs
from the last agreed fields, plus deleted follow-ups whose task is still on the server. So
every way a follow-up changes (window, command line, a task import, a meeting that moved)
is queued, a sync that fails half-way sends the rest next time, and nothing is sent twice.

Tasks keep what Daybrief does not know: a task is written back from the server's own copy
with only the properties of the fields that changed replaced.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import icalendar

from daybrief.core.errors import DaybriefError
from daybrief.core.task_merge import TaskFields, has_conflict_note, merge
from daybrief.core.urls import UnusableAddress, normalise_url, redact_url
from daybrief.services.credentials import (
    CredentialStore,
    CredentialsUnavailable,
    Secret,
    password_from_command,
)
from daybrief.services.fetch import FetchError
from daybrief.services.followups import OUR_UID, follow_up_uid
from daybrief.services.task_server import (
    Gone,
    PreconditionFailed,
    RemoteList,
    TaskServer,
    create_list,
    discover_lists,
)
from daybrief.store.clients import Clients
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.followups import FollowUps
from daybrief.store.meetings import meeting_key, split_meeting_key
from daybrief.store.models import FollowUp
from daybrief.store.task_sync import TaskLink, TaskList, TaskSync

__all__ = [
    "ConnectResult",
    "NotConnected",
    "SyncOutcome",
    "SyncReport",
    "TaskListStatus",
    "TaskSyncFailed",
    "connect_task_list",
    "disconnect_task_list",
    "is_connected",
    "pending_changes",
    "sync_store_file",
    "sync_tasks",
    "task_list_status",
]

DEFAULT_LIST = "Follow-ups"
PRODID = "-//Daybrief//Follow-ups//EN"
X_CLIENT = "X-DAYBRIEF-CLIENT"
X_MEETING = "X-DAYBRIEF-MEETING"
X_DUE_BEFORE = "X-DAYBRIEF-DUE-BEFORE"
MAX_RETRIES = 3
SECRET_PREFIX = "tasks-"


class NotConnected(DaybriefError):
    """No task list is connected (``daybrief tasks connect`` first)."""


class TaskSyncFailed(DaybriefError):
    """The server could not be reached or refused; local changes stay queued."""

    def __init__(self, reason: str, kind: str = "network") -> None:
        self.reason = reason
        self.kind = kind
        super().__init__(reason)


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class TaskListStatus:
    connected: bool
    list_name: str = ""
    address: str = ""
    last_sync_at: datetime | None = None
    problem: str = ""
    pending: int = 0
    uses_password_command: bool = False

    def waiting_text(self) -> str:
        """ "3 changes waiting for the server" (or '' when none)."""
        if not self.connected or not self.pending:
            return ""
        return f"{self.pending} change{'s' if self.pending != 1 else ''} waiting for the server"

    def line(self, zone: tzinfo | None = None) -> str:
        """One line for the window: what waits, when it last synced, what went wrong."""
        if not self.connected:
            return ""
        if self.pending:
            text = self.waiting_text()
        elif self.last_sync_at is not None:
            when = self.last_sync_at.astimezone(zone) if zone else self.last_sync_at
            text = f"In step with the task list “{self.list_name}” (synced {when:%a %H:%M})"
        else:
            text = f"Task list “{self.list_name}”: not synced yet"
        return f"{text}. Not synced: {self.problem}" if self.problem else text

    def to_dict(self) -> dict[str, object]:
        return {
            "connected": self.connected,
            "list": self.list_name or None,
            "address": self.address or None,
            "last_sync_at": _iso(self.last_sync_at),
            "problem": self.problem or None,
            "pending": self.pending,
        }


def is_connected(store: Store) -> bool:
    return TaskSync(store).task_list() is not None


def task_list_status(store: Store) -> TaskListStatus:
    state = TaskSync(store).task_list()
    if state is None:
        return TaskListStatus(False)
    return TaskListStatus(
        True, state.list_name, state.display_url, state.last_sync_at, state.problem,
        pending_changes(store), state.password_command is not None,
    )  # fmt: skip


# --------------------------------------------------------------------------- fields


def _clients(store: Store) -> dict[int, str]:
    return {client.id: client.name for client in Clients(store).all()}


def local_fields(item: FollowUp, clients: dict[int, str]) -> TaskFields:
    return TaskFields(
        text=item.text,
        notes=item.notes,
        due=item.due_date.isoformat() if item.due_date else None,
        due_before=item.due_before,
        client=clients.get(item.client_id) if item.client_id is not None else None,
        done=item.done,
        meeting=item.meeting_key,
    )


def pending_changes(store: Store) -> int:
    """How many follow-ups (added, changed or deleted here) wait for the server."""
    if TaskSync(store).task_list() is None:
        return 0
    return len(_pending(store, TaskSync(store).links(with_data=False)))


def _pending(store: Store, links: dict[str, TaskLink]) -> list[tuple[int | None, TaskLink | None]]:
    """(follow-up id, its link) of each change waiting; (None, link) for a deletion.

    Compared as the JSON text kept as base, so the window can count it on every reload.
    """
    clients = _clients(store)
    by_id = {link.follow_up_id: link for link in links.values() if link.follow_up_id is not None}
    waiting: list[tuple[int | None, TaskLink | None]] = []
    for row in FollowUps(store).field_rows():
        link = by_id.get(row["id"])
        if link is None or link.base is None or link.href is None:
            waiting.append((row["id"], link))
            continue
        fields = TaskFields(
            text=row["text"], notes=row["notes"], due=row["due_date"],
            due_before=row["due_before"],
            client=clients.get(row["client_id"]) if row["client_id"] is not None else None,
            done=bool(row["done"]), meeting=row["meeting_key"],
        )  # fmt: skip
        if _base_text(fields) != link.base:
            waiting.append((row["id"], link))
    waiting += [(None, link) for link in links.values() if link.follow_up_id is None and link.href]
    return waiting


def _base(link: TaskLink) -> TaskFields | None:
    return TaskFields.from_json(json.loads(link.base)) if link.base else None


def _base_text(fields: TaskFields) -> str:
    return json.dumps(fields.to_json(), sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------- VTODO


def _todo_of(data: str) -> tuple[icalendar.Calendar, icalendar.cal.Component] | None:
    """The calendar and its task (the series' master when there are several)."""
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except ValueError:
        return None
    todos = [c for c in parsed.walk("VTODO") if c.get("UID")]
    if not todos:
        return None
    master = next((t for t in todos if "RECURRENCE-ID" not in t), todos[0])
    return parsed, master


def _values(todo: icalendar.cal.Component, name: str) -> list[Any]:
    value = todo.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _categories(todo: icalendar.cal.Component) -> list[str]:
    found: list[str] = []
    for value in _values(todo, "CATEGORIES"):
        found += [str(c) for c in getattr(value, "cats", [])]
    return found


def _key_of(text: Any) -> str | None:
    """A meeting key kept in an X- property; None when absent or not a usable key."""
    value = unquote(str(text)).strip() if text is not None else ""
    if not value:
        return None
    try:
        uid, rid = split_meeting_key(value)
        meeting_key(uid, rid)  # refuses control characters, as the store would
    except (StoreError, ValueError):
        return None
    return value


def remote_fields(todo: icalendar.cal.Component, known_clients: dict[str, str]) -> TaskFields:
    """A task as follow-up fields; ``known_clients`` maps casefolded names to names."""
    due_value = todo.get("DUE")
    due: str | None = None
    if due_value is not None:
        moment = due_value.dt
        due = (moment.date() if isinstance(moment, datetime) else moment).isoformat()
    status = str(todo.get("STATUS", "")).upper()
    done = status == "COMPLETED" or (not status and "COMPLETED" in todo)
    categories = _categories(todo)
    ours = str(todo.get(X_CLIENT, "")).strip()
    client: str | None = None
    if ours and ours in categories:
        client = ours
    else:
        client = next(
            (known_clients[c.casefold()] for c in categories if c.casefold() in known_clients),
            None,
        )
    meeting = _key_of(todo.get(X_MEETING))
    related = {str(v) for v in _values(todo, "RELATED-TO")}
    if meeting is not None and _uid_of_key(meeting) not in related:
        meeting = None  # another app unlinked it
    return TaskFields(
        text=str(todo.get("SUMMARY", "")),
        notes=str(todo.get("DESCRIPTION", "")),
        due=due,
        due_before=_key_of(todo.get(X_DUE_BEFORE)),
        client=client,
        done=done,
        meeting=meeting,
    )


def _uid_of_key(key: str) -> str:
    try:
        return split_meeting_key(key)[0]
    except (StoreError, ValueError):
        return key


def render(
    fields: TaskFields,
    uid: str,
    previous: str | None,
    now: datetime,
    known_clients: dict[str, str],
    completed_at: datetime | None = None,
) -> str:
    """The task to write: the server's last copy with only the changed fields replaced."""
    found = _todo_of(previous) if previous else None
    if found is None:
        parsed = icalendar.Calendar()
        parsed.add("VERSION", "2.0")
        parsed.add("PRODID", PRODID)
        todo: icalendar.cal.Component = icalendar.Todo()
        todo.add("UID", uid)
        todo.add("CREATED", now.astimezone(UTC))
        parsed.add_component(todo)
        old = TaskFields(text="\0")  # differs from any text: everything is written
        old_client, old_meeting = None, None
    else:
        parsed, todo = found
        old = remote_fields(todo, known_clients)
        old_client, old_meeting = old.client, old.meeting
        if previous is not None and old == fields:
            return previous
    if fields.text != old.text:
        _set(todo, "SUMMARY", fields.text)
    if fields.notes != old.notes or found is None:
        _set(todo, "DESCRIPTION", fields.notes or None)
    if fields.due != old.due or found is None:
        todo.pop("DUE", None)
        if fields.due:
            todo.add("DUE", date.fromisoformat(fields.due))
    if fields.due_before != old.due_before or found is None:
        _set(todo, X_DUE_BEFORE, quote(fields.due_before, safe="") if fields.due_before else None)
    if fields.client != old.client or found is None:
        categories = [c for c in _categories(todo) if c != old_client]
        if fields.client and fields.client not in categories:
            categories.insert(0, fields.client)
        todo.pop("CATEGORIES", None)
        if categories:
            todo.add("CATEGORIES", categories)
        _set(todo, X_CLIENT, fields.client)
    if fields.done != old.done or found is None:
        for name in ("STATUS", "COMPLETED", "PERCENT-COMPLETE"):
            todo.pop(name, None)
        if fields.done:
            todo.add("STATUS", "COMPLETED")
            todo.add("COMPLETED", (completed_at or now).astimezone(UTC))
            todo.add("PERCENT-COMPLETE", 100)
        else:
            todo.add("STATUS", "NEEDS-ACTION")
    if fields.meeting != old.meeting or found is None:
        related = [
            v for v in _values(todo, "RELATED-TO")
            if old_meeting is None or str(v) != _uid_of_key(old_meeting)
        ]  # fmt: skip
        todo.pop("RELATED-TO", None)
        for value in related:
            todo.add("RELATED-TO", value)
        if fields.meeting:
            todo.add("RELATED-TO", _uid_of_key(fields.meeting))
        _set(todo, X_MEETING, quote(fields.meeting, safe="") if fields.meeting else None)
    stamp = now.astimezone(UTC)
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        todo.pop(name, None)
        todo.add(name, stamp)
    if found is not None:
        sequence = todo.pop("SEQUENCE", 0)
        try:
            todo.add("SEQUENCE", int(sequence) + 1)
        except (TypeError, ValueError):
            todo.add("SEQUENCE", 1)
    return str(parsed.to_ical().decode("utf-8"))


def _set(todo: icalendar.cal.Component, name: str, value: str | None) -> None:
    todo.pop(name, None)
    if value is not None and value != "":
        todo.add(name, value)


# --------------------------------------------------------------------------- connecting


@dataclass(frozen=True)
class ConnectResult:
    list_name: str = ""
    created: bool = False
    choices: tuple[str, ...] = ()
    """Several task lists and none named: the user must pick one (nothing connected)."""


def connect_task_list(
    store: Store,
    url: str,
    *,
    username: str | None,
    password: str | None,
    credentials: CredentialStore,
    list_name: str | None = None,
    password_command: str | None = None,
) -> ConnectResult:
    """Connect to a task list: the address itself, or the account's list ``list_name``
    (created when there is none of that name), or its only list (created when none).

    Raises:
        FetchError: the server cannot be reached, refuses the password, is no CalDAV server.
        CredentialsUnavailable: no keyring to keep the address in (nothing is stored).
    """
    try:
        address = normalise_url(url)
    except UnusableAddress as error:
        raise FetchError("address", str(error)) from None
    secret = Secret(address, username, password)
    here = TaskServer(secret).describe_self()
    chosen: RemoteList | None = None
    created = False
    if here is not None and (
        list_name is None or here.name.casefold() == list_name.strip().casefold()
    ):
        chosen = here
    else:
        lists, principal = discover_lists(secret)
        if list_name is not None:
            wanted = list_name.strip()
            chosen = next((t for t in lists if t.name.casefold() == wanted.casefold()), None)
            if chosen is None:
                chosen, created = create_list(secret, principal, wanted), True
        elif len(lists) == 1:
            chosen = lists[0]
        elif not lists:
            chosen, created = create_list(secret, principal, DEFAULT_LIST), True
        else:
            return ConnectResult(choices=tuple(t.name for t in lists))
    sync = TaskSync(store)
    previous = sync.task_list()
    same_list = False
    if previous is not None:
        with contextlib.suppress(CredentialsUnavailable):
            known = credentials.get(previous.secret_ref)
            same_list = known is not None and known.url.rstrip("/") == chosen.url.rstrip("/")
    ref = SECRET_PREFIX + secrets.token_hex(6)
    # With a password command only the address and user name are kept; the command is
    # run again at every sync.
    kept = Secret(chosen.url, username, None if password_command else password)
    credentials.set(ref, kept)
    try:
        sync.connect(
            secret_ref=ref, display_url=redact_url(chosen.url), list_name=chosen.name,
            password_command=password_command, same_list=same_list,
        )  # fmt: skip
    except BaseException:
        credentials.delete(ref)
        raise
    if previous is not None:
        _forget_secret(credentials, previous.secret_ref)
    return ConnectResult(chosen.name, created)


def disconnect_task_list(store: Store, credentials: CredentialStore | None = None) -> bool:
    """Stop syncing; the follow-ups stay, the tasks on the server stay. False: none was."""
    sync = TaskSync(store)
    state = sync.task_list()
    if state is None:
        return False
    sync.disconnect()
    if credentials is not None:
        _forget_secret(credentials, state.secret_ref)
    return True


def _forget_secret(credentials: CredentialStore, ref: str) -> None:
    # A keyring that cannot be reached leaves the entry, holding nothing the store uses.
    with contextlib.suppress(CredentialsUnavailable):
        credentials.delete(ref)


# --------------------------------------------------------------------------- sync


@dataclass
class SyncReport:
    received: int = 0
    """Follow-ups added or changed from the server."""
    removed: int = 0
    """Follow-ups deleted because their task was deleted on the server."""
    sent: int = 0
    """Tasks written or deleted on the server."""
    conflicts: int = 0
    """Fields edited on both sides (the server's value won; the other is in the notes)."""
    kept: int = 0
    """Tasks deleted on the server but changed here, written back."""
    requests: int = 0
    seconds: float = 0.0
    pending: int = 0
    """Changes still waiting (0 after a successful sync)."""
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.received} received", f"{self.sent} sent"]
        if self.removed:
            parts.append(f"{self.removed} deleted")
        if self.conflicts:
            parts.append(f"{self.conflicts} edited on both sides (both values kept)")
        if self.kept:
            parts.append(f"{self.kept} deleted elsewhere but changed here (kept)")
        return ", ".join(parts)


class _Sync:
    def __init__(self, store: Store, server: TaskServer, now: datetime) -> None:
        self.store = store
        self.server = server
        self.now = now
        self.tasks = TaskSync(store)
        self.follow_ups = FollowUps(store)
        self.report = SyncReport()

    # names of clients, casefolded → as spelt
    def known_clients(self) -> dict[str, str]:
        return {name.casefold(): name for name in _clients(self.store).values()}

    def client_id(self, name: str | None) -> int | None:
        if not name:
            return None
        clients = Clients(self.store)
        for client in clients.all():
            if client.name.casefold() == name.casefold():
                return client.id
        return clients.create(name).id

    # ------------------------------------------------------------------ receive

    def receive(self, token: str | None) -> None:
        links = self.tasks.links(with_data=False)
        by_path = {link.href: link for link in links.values() if link.href}
        listing = self.server.changes(token, by_path)
        wanted = [
            p for p, tag in listing.etags.items() if tag is None or _etag_of(by_path.get(p)) != tag
        ]
        fetched = self.server.fetch(wanted) if wanted else {}
        with self.store.transaction():
            for path, (etag, data) in sorted(fetched.items()):
                self.take(path, etag, data)
            for path in sorted(listing.removed):
                link = by_path.get(path)
                if link is not None:
                    self.gone(self.tasks.link(link.uid) or link)
            self.tasks.set_token(listing.token)

    def take(self, path: str, etag: str | None, data: str) -> None:
        """One task as the server has it now, merged into its follow-up."""
        found = _todo_of(data)
        if found is None:
            return  # an event in a mixed calendar, or nothing readable: not a follow-up
        todo = found[1]
        uid = str(todo.get("UID"))
        clients = self.known_clients()
        remote = remote_fields(todo, clients)
        link = self.tasks.link(uid)
        item: FollowUp | None = None
        base: TaskFields | None = None
        if link is not None and link.follow_up_id is not None:
            item = self.follow_ups.get(link.follow_up_id)
            base = _base(link)
        elif link is None:
            item = self.match(uid, remote.text)
        if item is None:
            if link is not None and link.href is None:
                return  # deleted here and never agreed: nothing to merge with
            item = self.create(uid, remote, todo)
            self.report.received += 1
        else:
            local = local_fields(item, _clients(self.store))
            merged = merge(base, local, remote)
            if merged.fields != local:
                self.apply(item, local, merged.fields, todo)
                self.report.received += 1
            self.report.conflicts += len(merged.conflicts)
        self.tasks.save(TaskLink(uid, item.id, path, etag, _base_text(remote), data))

    def match(self, uid: str, text: str) -> FollowUp | None:
        """A follow-up of this store the task already is (exported before, or ours)."""
        item = self.follow_ups.by_ical_uid(uid)
        if item is not None:
            return item
        hit = OUR_UID.match(uid)
        if hit is None:
            return None
        try:
            candidate = self.follow_ups.get(int(hit.group(1)))
        except StoreError:
            return None
        if follow_up_uid(self.store, candidate) != uid:
            return None
        return None if self.tasks.is_linked(candidate.id) else candidate

    def create(self, uid: str, fields: TaskFields, todo: Any) -> FollowUp:
        item = self.follow_ups.add(
            fields.text, due=_day(fields.due),
            client_id=self.client_id(fields.client), meeting_key=fields.meeting,
            due_before=fields.due_before, ical_uid=uid, notes=fields.notes,
        )  # fmt: skip
        if fields.done:
            item = self.follow_ups.set_done(item.id, True, _completed(todo))
        return item

    def apply(self, item: FollowUp, local: TaskFields, fields: TaskFields, todo: Any) -> None:
        self.follow_ups.update(
            item.id, text=fields.text, due=_day(fields.due),
            client_id=self.client_id(fields.client), meeting_key=fields.meeting,
            notes=fields.notes, due_before=fields.due_before,
        )  # fmt: skip
        if fields.done != local.done:
            self.follow_ups.set_done(
                item.id, fields.done, _completed(todo) if fields.done else None
            )

    def gone(self, link: TaskLink) -> None:
        """The task was deleted on the server."""
        if link.follow_up_id is None:
            self.tasks.forget(link.uid)
            return
        item = self.follow_ups.get(link.follow_up_id)
        base = _base(link)
        if base is not None and local_fields(item, _clients(self.store)) == base:
            self.follow_ups.delete(item.id)
            self.tasks.forget(link.uid)
            self.report.removed += 1
        else:
            # Changed here since: written back as new (keeping what else the task had).
            self.tasks.save(TaskLink(link.uid, link.follow_up_id, None, None, link.base, link.data))
            self.report.kept += 1

    # ------------------------------------------------------------------ send

    def send(self) -> None:
        for follow_up_id, light in _pending(self.store, self.tasks.links(with_data=False)):
            link = self.tasks.link(light.uid) if light is not None else None
            if follow_up_id is None:
                # Only while it is still a deletion: a follow-up sent earlier in this turn
                # may have taken the task back (the same UID, after a restore from backup).
                if link is not None and link.follow_up_id is None and link.href:
                    self.send_deletion(link)
                continue
            item = self.follow_ups.by_id(follow_up_id)
            if item is not None:  # else deleted meanwhile: a deletion next time
                self.send_follow_up(item, link)

    def send_follow_up(self, item: FollowUp, link: TaskLink | None) -> None:
        uid = link.uid if link is not None else follow_up_uid(self.store, item)
        if link is None:
            clash = self.tasks.link(uid)
            if clash is not None and clash.follow_up_id not in (None, item.id):
                # Kept before writing: a random UID could not be worked out again.
                uid = f"daybrief-{secrets.token_hex(8)}@daybrief.invalid"
                self.follow_ups.set_ical_uid(item.id, uid)
            link = TaskLink(uid, item.id, None, None, None, None)
        for _ in range(MAX_RETRIES):
            try:
                current = self.follow_ups.get(item.id)
            except StoreError:
                return  # deleted here meanwhile: its link is a queued deletion now
            fields = local_fields(current, _clients(self.store))
            data = render(fields, uid, link.data, self.now, self.known_clients(), current.done_at)
            path = link.href or self.server.new_path(uid)
            try:
                etag = self.server.put(path, data, link.etag if link.href else None)
            except PreconditionFailed:
                link = self.refetch(link, path)
                if link is None:
                    return  # the follow-up was deleted meanwhile
                continue
            except Gone:
                link = TaskLink(uid, item.id, None, None, link.base, link.data)
                continue
            with self.store.transaction():
                still = self.follow_ups.by_id(item.id)
                if still is not None and still.ical_uid is None:
                    self.follow_ups.set_ical_uid(item.id, uid)
                # Deleted here while it was being sent: the link is its queued deletion.
                owner = item.id if still is not None else None
                self.tasks.save(TaskLink(uid, owner, path, etag, _base_text(fields), data))
            self.report.sent += 1
            return
        self.report.messages.append(
            f"{item.text!r}: changed on the server while sending; next time"
        )

    def refetch(self, link: TaskLink, path: str) -> TaskLink | None:
        """After a 412: the server's copy merged in; the link to write again with."""
        try:
            etag, data = self.server.get(path)
        except Gone:
            return TaskLink(link.uid, link.follow_up_id, None, None, link.base, link.data)
        found = _todo_of(data)
        if link.href is None and (found is None or str(found[1].get("UID")) != link.uid):
            # A new task whose path another task has: written under a path of its own.
            fresh = self.server.new_path(f"{link.uid}-{secrets.token_hex(4)}")
            return TaskLink(link.uid, link.follow_up_id, fresh, None, link.base, link.data)
        with self.store.transaction():
            if link.href is None:
                self.tasks.save(TaskLink(link.uid, link.follow_up_id, path, None, None, None))
            self.take(path, etag, data)
        fresh_link = self.tasks.link(link.uid)
        if fresh_link is None or fresh_link.follow_up_id is None:
            return None
        return fresh_link

    def send_deletion(self, link: TaskLink) -> None:
        assert link.href is not None
        for _ in range(MAX_RETRIES):
            try:
                self.server.delete(link.href, link.etag)
            except PreconditionFailed:
                # Changed on the server since: the server's edit wins over this deletion.
                try:
                    etag, data = self.server.get(link.href)
                except Gone:
                    continue  # and gone since after all: the next DELETE says 404, done
                with self.store.transaction():
                    self.tasks.forget(link.uid)
                    self.take(link.href, etag, data)
                self.report.kept += 1
                return
            self.tasks.forget(link.uid)
            self.report.sent += 1
            return


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _completed(todo: Any) -> datetime | None:
    value = todo.get("COMPLETED")
    moment = getattr(value, "dt", None)
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _etag_of(link: TaskLink | None) -> str | None:
    return link.etag if link is not None else None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def secret_for(state: TaskList, credentials: CredentialStore) -> Secret:
    """What it takes to reach the list: the keyring entry, and the password command's answer.

    Raises:
        CredentialsUnavailable: no keyring, no entry (connect again), or the command failed.
    """
    secret = credentials.get(state.secret_ref)
    if secret is None:
        missing = CredentialsUnavailable("no keyring entry")
        # One line of its own: the keyring works, the entry is gone.
        missing.args = (
            "the task list's address is not in the keyring any more: "
            "daybrief tasks connect it again",
        )
        raise missing
    if state.password_command:
        return Secret(secret.url, secret.username, password_from_command(state.password_command))
    return secret


def sync_tasks(
    store: Store,
    *,
    credentials: CredentialStore,
    now: datetime,
    secret: Secret | None = None,
    server_factory: Callable[[Secret], TaskServer] = TaskServer,
) -> SyncReport:
    """One sync with the connected task list (see the module's description).

    Raises:
        NotConnected: no task list is connected.
        TaskSyncFailed: the server could not be reached or refused (recorded as the list's
            problem; what changed here stays queued and nothing here is lost).
        CredentialsUnavailable: no keyring entry for the list, or the password command
            failed (recorded as the problem too).
    """
    tasks = TaskSync(store)
    state = tasks.task_list()
    if state is None:
        raise NotConnected("no task list connected: daybrief tasks connect URL --user U first")
    started = time.monotonic()
    server: TaskServer | None = None
    try:
        server = server_factory(secret or secret_for(state, credentials))
        run = _Sync(store, server, now)
        run.receive(state.sync_token)
        for _ in range(MAX_RETRIES):
            sent = run.report.sent
            run.send()
            if run.report.sent == sent:
                break
            # Our writes moved the server on: take its token again (our own tasks are
            # known by ETag and skipped), or a task made and deleted elsewhere since could
            # go unreported; anything changed meanwhile is merged and sent in the next turn.
            run.receive(TaskSync(store).token())
    except FetchError as error:
        tasks.record_failure(now, error.reason)
        raise TaskSyncFailed(error.reason, error.kind) from None
    except (Gone, PreconditionFailed):
        # The list itself answered 404/412: deleted or moved on the server.
        reason = f"{state.display_url} has no task list at this address any more (connect again)"
        tasks.record_failure(now, reason)
        raise TaskSyncFailed(reason, "not-found") from None
    except CredentialsUnavailable as error:
        tasks.record_failure(now, str(error))
        raise
    tasks.record_success(now)
    report = run.report
    report.requests = server.requests
    report.seconds = time.monotonic() - started
    report.pending = pending_changes(store)
    return report


def conflicted(item: FollowUp) -> bool:
    """The follow-up carries a value that lost a conflict (shown in the window)."""
    return has_conflict_note(item.notes)


# --------------------------------------------------------------------------- the window's


@dataclass(frozen=True)
class SyncOutcome:
    """A sync as the window shows it: the state after it, what it did, or why it failed."""

    status: TaskListStatus
    report: SyncReport | None = None
    problem: str = ""

    @property
    def changed_here(self) -> bool:
        return self.report is not None and bool(self.report.received or self.report.removed)


def sync_store_file(path: Path, *, credentials: CredentialStore, now: datetime) -> SyncOutcome:
    """One sync on a store of its own (for a worker thread); failures are in the outcome."""
    from daybrief.store import open_store

    with open_store(path) as store:
        if TaskSync(store).task_list() is None:
            return SyncOutcome(TaskListStatus(False))
        report: SyncReport | None = None
        problem = ""
        try:
            report = sync_tasks(store, credentials=credentials, now=now)
        except TaskSyncFailed as error:
            problem = error.reason
        except CredentialsUnavailable as error:
            problem = str(error)
        return SyncOutcome(task_list_status(store), report, problem)


def connect_store_file(
    path: Path,
    url: str,
    *,
    username: str | None,
    password: str | None,
    credentials: CredentialStore,
    list_name: str | None = None,
) -> ConnectResult:
    """:func:`connect_task_list` on a store of its own (for a worker thread); raises the same."""
    from daybrief.store import open_store

    with open_store(path) as store:
        return connect_task_list(
            store, url, username=username, password=password, credentials=credentials,
            list_name=list_name,
        )  # fmt: skip
