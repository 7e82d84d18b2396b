"""Follow-ups: "What do I owe them?" — due-date picks, grouping, and tasks (VTODO) in and out.

A follow-up is due on a day, or "before my next meeting with this client": then it keeps
that meeting's key and its due date follows the meeting when the calendar moves it.
Exported as VTODOs (RELATED-TO the meeting's UID) any task app reads; importing that
file back updates what is there (done, text, due) and adds only what is new.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

import icalendar

from daybrief.core.clients import ClientDirectory
from daybrief.core.errors import InvalidCalendar
from daybrief.core.keys import key_of, meeting_key, split_meeting_key
from daybrief.core.model import Occurrence, format_utc
from daybrief.core.roles import is_mine
from daybrief.services.export.ics import calendar, text_value
from daybrief.services.preferences import Preferences, zone_label
from daybrief.store._rows import UNCHANGED, Unchanged
from daybrief.store.clients import Clients
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.followups import FollowUps
from daybrief.store.meetings import Meetings
from daybrief.store.models import FollowUp
from daybrief.store.settings import Settings

OUR_UID = re.compile(r"\Adaybrief-follow-up-(\d+)(?:-([0-9a-f]+))?@daybrief\.invalid\Z")
STORE_TOKEN = "store_token"
GROUPS = ("Overdue", "Today", "Tomorrow", "Later", "No due date")


# --------------------------------------------------------------------------- due dates


def due_tomorrow(today: date) -> date:
    return today + timedelta(days=1)


def due_next_working_day(today: date, preferences: Preferences) -> date:
    return preferences.next_working_day(today)


def due_end_of_week(today: date, preferences: Preferences) -> date:
    """The last working day of this week; from that day on, the next week's."""
    monday = today - timedelta(days=today.weekday())
    for week in (monday, monday + timedelta(days=7)):
        days = [week + timedelta(days=n) for n in range(7)]
        working = [d for d in days if preferences.is_working_day(d)] or days[4:5]
        if working[-1] > today:
            return working[-1]
    return today + timedelta(days=7)


@dataclass(frozen=True)
class NextMeeting:
    key: str
    day: date
    summary: str


def next_meeting_with(
    client: str,
    occurrences: Iterable[Occurrence],
    directory: ClientDirectory,
    after: datetime,
    zone: tzinfo,
    me: Collection[str] = (),
) -> NextMeeting | None:
    """The user's next meeting with ``client`` starting after ``after``.

    ``me``: the user's addresses, so that their meetings in a team calendar count and a
    colleague's meeting with the client there does not (core.roles).
    """
    for occurrence in sorted(occurrences, key=lambda o: o.start):
        if occurrence.start <= after or occurrence.event.status == "CANCELLED":
            continue
        if not is_mine(occurrence, me):
            continue
        event = occurrence.event
        if client in directory.clients_of(event.attendees, event.organizer):
            key = key_of(occurrence)
            if key is not None:
                day = occurrence.start_date or occurrence.start.astimezone(zone).date()
                return NextMeeting(key, day, occurrence.summary)
    return None


def sync_anchored_due_dates(store: Store, zone: tzinfo) -> int:
    """Move the due date of follow-ups "before my next meeting" with their meeting.

    The meeting's snapshot is kept current by every import (it carries user data), so its
    start is where the calendar has it now; a meeting that left the calendar keeps the
    follow-up's last date. Returns how many moved.
    """
    follow_ups = FollowUps(store)
    meetings = Meetings(store)
    moved = 0
    with store.transaction():
        for item in follow_ups.anchored():
            snapshot = meetings.get(item.due_before or "")
            if snapshot is None or snapshot.start_utc is None:
                continue
            day = snapshot.start_utc.astimezone(zone).date()
            if day != item.due_date:
                follow_ups.set_anchor(item.id, item.due_before, day)
                moved += 1
    return moved


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    client: str
    """The client's name, or '' for none."""
    meeting: str
    """The summary of the meeting it came from, or ''."""


@dataclass(frozen=True)
class FollowUpGroup:
    title: str
    rows: list[FollowUpRow] = field(default_factory=list)


def due_group(due: date | None, today: date) -> str:
    if due is None:
        return "No due date"
    if due < today:
        return "Overdue"
    if due == today:
        return "Today"
    if due == today + timedelta(days=1):
        return "Tomorrow"
    return "Later"


def follow_up_rows(store: Store, *, include_done: bool = False) -> list[FollowUpRow]:
    clients = {client.id: client.name for client in Clients(store).all()}
    meetings = Meetings(store)
    rows = []
    for item in FollowUps(store).query(include_done=include_done, include_undated=True):
        snapshot = meetings.get(item.meeting_key) if item.meeting_key else None
        rows.append(
            FollowUpRow(
                item,
                clients.get(item.client_id, "") if item.client_id is not None else "",
                snapshot.summary if snapshot is not None else "",
            )
        )
    return rows


def by_due(rows: Sequence[FollowUpRow], today: date) -> list[FollowUpGroup]:
    """Overdue (oldest first), today, tomorrow, later, undated; empty groups left out."""
    groups = {title: FollowUpGroup(title) for title in GROUPS}
    for row in sorted(rows, key=lambda r: (r.follow_up.due_date or date.max, r.follow_up.id)):
        groups[due_group(row.follow_up.due_date, today)].rows.append(row)
    return [group for group in groups.values() if group.rows]


def by_client(rows: Sequence[FollowUpRow]) -> list[FollowUpGroup]:
    """One group per client (by name), then follow-ups with no client."""
    groups: dict[str, FollowUpGroup] = {}
    for row in sorted(rows, key=lambda r: (r.follow_up.due_date or date.max, r.follow_up.id)):
        title = row.client or "No client"
        groups.setdefault(title, FollowUpGroup(title)).rows.append(row)
    named = sorted((g for t, g in groups.items() if t != "No client"), key=lambda g: g.title)
    return named + ([groups["No client"]] if "No client" in groups else [])


# --------------------------------------------------------------------------- tasks (VTODO)


def _utc(moment: datetime) -> str:
    # From format_utc: strftime leaves years before 1000 unpadded.
    return format_utc(moment).replace("-", "").replace(":", "")


def store_token(store: Store) -> str:
    """A random name for this store, so a task exported from another store never matches."""
    settings = Settings(store)
    token = settings.get_as(STORE_TOKEN, str, "")
    if not token:
        token = secrets.token_hex(4)
        settings.set(STORE_TOKEN, token)
    return token


def follow_up_uid(store: Store, item: FollowUp) -> str:
    return item.ical_uid or f"daybrief-follow-up-{item.id}-{store_token(store)}@daybrief.invalid"


def follow_ups_to_ics(store: Store, now: datetime, *, include_done: bool = False) -> str:
    """Every open follow-up (or all) as a VTODO, RELATED-TO the meeting it came from."""
    components = []
    for row in follow_up_rows(store, include_done=include_done):
        item = row.follow_up
        lines = [
            "BEGIN:VTODO",
            f"UID:{text_value(follow_up_uid(store, item))}",
            f"DTSTAMP:{_utc(now)}",
            f"SUMMARY:{text_value(item.text)}",
            f"STATUS:{'COMPLETED' if item.done else 'NEEDS-ACTION'}",
        ]
        if item.done and item.done_at is not None:
            lines.append(f"COMPLETED:{_utc(item.done_at)}")
        if item.due_date is not None:
            lines.append(f"DUE;VALUE=DATE:{item.due_date:%Y%m%d}")
        if row.client:
            lines.append(f"CATEGORIES:{text_value(row.client)}")
        if item.meeting_key:
            uid = split_meeting_key(item.meeting_key)[0]
            lines.append(f"RELATED-TO:{text_value(uid)}")
        if row.meeting:
            lines.append(f"DESCRIPTION:{text_value('From: ' + row.meeting)}")
        lines.append("END:VTODO")
        components.append(lines)
    return calendar(components)


def follow_ups_to_markdown(store: Store, today: date) -> str:
    lines = ["# Follow-ups", ""]
    for group in by_due(follow_up_rows(store), today):
        lines += [f"## {group.title}", ""]
        for row in group.rows:
            item = row.follow_up
            extra = [f"due {item.due_date:%a %d %b}"] if item.due_date else []
            extra += [row.client] if row.client else []
            tail = f" ({', '.join(extra)})" if extra else ""
            lines.append(f"- [ ] {_md(item.text)}{_md(tail)}")
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~-])", r"\\\1", " ".join(text.split()))


@dataclass
class TaskImport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {len(self.skipped)} skipped" if self.skipped else "")


def import_follow_ups_ics(store: Store, data: bytes, source: str = "tasks.ics") -> TaskImport:
    """Read VTODOs back: ours (and those imported before) are updated, the rest added.

    Raises:
        InvalidCalendar: not an iCalendar file at all.
    """
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        raise InvalidCalendar(source, f"not an iCalendar file: {error}") from None
    follow_ups = FollowUps(store)
    result = TaskImport()
    with store.transaction():
        for number, todo in enumerate(parsed.walk("VTODO"), start=1):
            uid = str(todo.get("UID", "")).strip()
            text = " ".join(str(todo.get("SUMMARY", "")).split())
            if not text:
                result.skipped.append(f"{source}: task {number} has no summary")
                continue
            done = str(todo.get("STATUS", "")).upper() == "COMPLETED" or "COMPLETED" in todo
            due = _due(todo)
            existing = _ours(store, follow_ups, uid, text) or (
                follow_ups.by_ical_uid(uid) if uid else None
            )
            if existing is None:
                added = follow_ups.add(text, due=due, ical_uid=uid or None)
                if done:
                    follow_ups.set_done(added.id, True)
                result.added += 1
                continue
            changed = False
            # Task apps keep one line of text: a line break of ours is no edit of theirs.
            same_text = " ".join(existing.text.split()) == text
            if existing.due_before is None and (not same_text or existing.due_date != due):
                follow_ups.update(existing.id, text=existing.text if same_text else text, due=due)
                changed = True
            elif not same_text:
                follow_ups.update(existing.id, text=text)
                changed = True
            if existing.done != done:
                follow_ups.set_done(existing.id, done)
                changed = True
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
    return result


def _ours(store: Store, follow_ups: FollowUps, uid: str, text: str) -> FollowUp | None:
    """The follow-up a UID we wrote names, when it was written by this store.

    The briefing's export carries no store token; its tasks match only with the same text.
    """
    match = OUR_UID.match(uid)
    if match is None:
        return None
    try:
        item = follow_ups.get(int(match.group(1)))
    except StoreError:
        return None
    token = match.group(2)
    if token is not None:
        return item if token == store_token(store) else None
    return item if item.text.casefold() == text.casefold() else None


def _due(todo: icalendar.cal.Component) -> date | None:
    value = todo.get("DUE")
    if value is None:
        return None
    moment = value.dt
    return moment.date() if isinstance(moment, datetime) else moment


@dataclass(frozen=True)
class QuickFollowUp:
    item: FollowUp
    client: str | None
    anchor: NextMeeting | None
    """The next meeting with the client it is due before, when there is one."""


def follow_up_from_meeting(
    store: Store,
    preferences: Preferences,
    meeting_key: str,
    people: Sequence[str],
    meeting_end: datetime,
    text: str,
) -> QuickFollowUp:
    """A follow-up from a meeting in one step: its client when the meeting has exactly one,
    due before the next meeting with that client (moving with it), else the next working day.

    Raises:
        ValueError: an empty text.
    """
    from daybrief.services.clients import client_directory
    from daybrief.services.queries import occurrences_in_store

    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("a follow-up needs some text")
    zone = preferences.zone()
    directory = client_directory(store, preferences.addresses)
    found: dict[str, str] = {}
    for address in people:
        name = directory.client_of(address)
        domain = directory.domain_of_client(address)
        if name is not None and domain is not None:
            found.setdefault(name, domain)
    client = next(iter(found)) if len(found) == 1 else None
    anchor = None
    if client is not None:
        ahead = occurrences_in_store(
            store, meeting_end, meeting_end + timedelta(days=60), zone, zone_label(zone)
        )
        anchor = next_meeting_with(client, ahead, directory, meeting_end, zone)
    local_end = meeting_end.astimezone(zone).date()
    due = anchor.day if anchor is not None else due_next_working_day(local_end, preferences)
    client_id = Clients(store).ensure_for_domain(found[client], client).id if client else None
    item = FollowUps(store).add(
        cleaned,
        due=due,
        client_id=client_id,
        meeting_key=meeting_key,
        due_before=anchor.key if anchor is not None else None,
    )
    return QuickFollowUp(item, client, anchor)


# --------------------------------------------------------------------------- entries


def _client_named(store: Store, name: str | None) -> int | None:
    """The client of that name (any case), made when there is none; None for no name."""
    if name is None or not name.strip():
        return None
    clients = Clients(store)
    for client in clients.all():
        if client.name.casefold() == name.strip().casefold():
            return client.id
    return clients.create(name.strip()).id


def add_follow_up(
    store: Store,
    text: str,
    *,
    due: date | None = None,
    client: str | None = None,
    meeting_uid: str | None = None,
) -> FollowUp:
    """A new follow-up; ``client`` by name (made if new), ``meeting_uid`` a meeting's UID.

    Raises:
        ValueError: no text.
    """
    if not text.strip():
        raise ValueError("a follow-up needs some text")
    with store.transaction():
        return FollowUps(store).add(
            text.strip(), due=due, client_id=_client_named(store, client),
            meeting_key=meeting_key(meeting_uid.strip()) if meeting_uid else None,
        )  # fmt: skip


def edit_follow_up(
    store: Store,
    follow_up_id: int,
    *,
    text: str | None = None,
    due: date | Unchanged | None = UNCHANGED,
    client: str | Unchanged | None = UNCHANGED,
) -> FollowUp:
    """Change what is given (``client`` '' or None: no client; ``due`` None: no date).

    Raises:
        LookupError: no such follow-up.
        ValueError: empty text.
    """
    if text is not None and not text.strip():
        raise ValueError("a follow-up needs some text")
    with store.transaction():
        follow_ups = FollowUps(store)
        existing = _existing(follow_ups, follow_up_id)
        changes: dict[str, object] = {}
        if text is not None:
            changes["text"] = text.strip()
        if not isinstance(due, Unchanged):
            changes["due"] = due
            if existing.due_before is not None:
                follow_ups.set_anchor(follow_up_id, None, existing.due_date)  # a date by hand
        if not isinstance(client, Unchanged):
            changes["client_id"] = _client_named(store, client)
        return follow_ups.update(follow_up_id, **changes)  # type: ignore[arg-type]


def tick_follow_up(store: Store, follow_up_id: int, done: bool = True) -> FollowUp:
    """Raises LookupError: no such follow-up."""
    with store.transaction():
        follow_ups = FollowUps(store)
        _existing(follow_ups, follow_up_id)
        return follow_ups.set_done(follow_up_id, done)


def _existing(follow_ups: FollowUps, follow_up_id: int) -> FollowUp:
    try:
        return follow_ups.get(follow_up_id)
    except StoreError:
        raise LookupError(f"no follow-up {follow_up_id} (see: daybrief followups list)") from None


def follow_up_dicts(store: Store, *, include_done: bool = False) -> list[dict[str, object]]:
    """Follow-ups as plain data (the command line's JSON), by due date."""
    out: list[dict[str, object]] = []
    for row in follow_up_rows(store, include_done=include_done):
        item = row.follow_up
        out.append(
            {
                "id": item.id,
                "text": item.text,
                "due": item.due_date.isoformat() if item.due_date else None,
                "client": row.client or None,
                "done": item.done,
                "meeting_uid": split_meeting_key(item.meeting_key)[0] if item.meeting_key else None,
            }
        )
    return out
