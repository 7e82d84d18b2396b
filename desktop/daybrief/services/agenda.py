"""What the window shows: a day's agenda, a week at a glance and the hygiene list.

Plain data built from the store's calendars and the user's data; the ui wraps it in
Qt models and never computes meaning itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from daybrief.core.clients import ClientDirectory
from daybrief.core.confirmation import Unconfirmed, find_unconfirmed, identity
from daybrief.core.conflicts import Conflict, clusters, find_double_bookings, is_busy
from daybrief.core.model import Occurrence
from daybrief.core.roles import is_mine
from daybrief.services.clients import client_directory
from daybrief.services.hygiene import conflict_problem_key, unconfirmed_problem_key
from daybrief.services.preferences import Preferences, zone_label
from daybrief.services.queries import calendar_colours, occurrences_in_store, orphaned_meetings
from daybrief.services.rules import instance_key
from daybrief.store.checklists import Checklists
from daybrief.store.db import Store
from daybrief.store.models import MeetingSnapshot

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class ChecklistProgress:
    done: int = 0
    total: int = 0
    required_open: int = 0

    def label(self) -> str:
        if not self.total:
            return ""
        text = f"{self.done}/{self.total}"
        if self.required_open:
            text += f" · {self.required_open} required open"
        return text


@dataclass(frozen=True)
class AgendaRow:
    occurrence: Occurrence
    key: str | None
    """The meeting key user data hangs on; None for an event without a UID."""
    start: datetime
    end: datetime
    """Both in the user's zone."""
    organiser_time: str | None
    """The meeting's time in the zone it was written in, when that zone differs from ours."""
    clients: tuple[str, ...]
    client_domains: tuple[str, ...]
    """The domain each client was recognised by, in the order of ``clients``."""
    link: str | None
    conflicts_with: tuple[Occurrence, ...]
    unconfirmed: Unconfirmed | None
    checklist: ChecklistProgress
    outside_hours: bool
    busy: bool
    context: bool = False
    """Not the user's meeting (core.roles: another person's in their calendar, or an
    information calendar's entry): drawn faded, never a problem, never counted."""
    role: str = "mine"
    """The role of the calendar it came from (of the strongest, when in several)."""
    colour: str | None = None
    """The calendar's colour (#RRGGBB) when the user chose one."""

    @property
    def summary(self) -> str:
        return self.occurrence.summary or "(no title)"

    def time_label(self) -> str:
        if self.occurrence.all_day:
            return "All day"
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class DayAgenda:
    day: date
    zone: tzinfo
    rows: list[AgendaRow]
    conflicts: list[Conflict]
    unconfirmed: list[Unconfirmed]

    @property
    def problem_count(self) -> int:
        return len(self.conflicts) + len(self.unconfirmed)

    @property
    def meetings(self) -> int:
        """The user's meetings of the day; context entries are not counted."""
        return sum(not row.context for row in self.rows)

    @property
    def open_required_items(self) -> int:
        """Required items still open on the user's meetings (context is never counted)."""
        return sum(row.checklist.required_open for row in self.rows if not row.context)


@dataclass(frozen=True)
class DaySummary:
    day: date
    meetings: int
    first_start: datetime | None
    booked: timedelta
    conflicts: int
    unconfirmed: int
    working_day: bool


@dataclass(frozen=True)
class HygieneItem:
    """One problem to clean up: a double-booking, an unconfirmed meeting, a vanished one."""

    kind: str
    """``conflict``, ``unconfirmed`` or ``gone``."""
    problem_key: str
    """Stable across refreshes, for remembering "handled" and "ignore this one"."""
    when: datetime | None
    title: str
    detail: str
    occurrences: tuple[Occurrence, ...] = ()
    unconfirmed: Unconfirmed | None = None
    snapshot: MeetingSnapshot | None = None
    mail_to: tuple[str, ...] = field(default=())


def key_of(occurrence: Occurrence) -> str | None:
    """The meeting key user data hangs on; None for an event without a usable UID."""
    return instance_key(occurrence)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def meeting_link(occurrence: Occurrence) -> str | None:
    """The conference link, else a web address in the location; only http(s) is offered."""
    url = occurrence.event.conference_url
    if url and url.lower().startswith(("https://", "http://")):
        return url
    match = _URL.search(occurrence.event.location or "")
    return match.group(0) if match else None


def meeting_clients(occurrence: Occurrence, directory: ClientDirectory) -> dict[str, str]:
    """Clients in a meeting, name → the domain it is known by (SPEC §2 Client)."""
    event = occurrence.event
    found: dict[str, str] = {}
    addresses = [event.organizer] if event.organizer else []
    addresses += [a.email for a in event.attendees if a.cutype.upper() not in ("ROOM", "RESOURCE")]
    for address in addresses:
        name = directory.client_of(address)
        domain = directory.domain_of_client(address)
        if name is not None and domain is not None:
            found.setdefault(name, domain)
    return found


def _organiser_time(occurrence: Occurrence, zone: tzinfo) -> str | None:
    written = occurrence.zone
    if written is None or occurrence.all_day:
        return None
    ours = occurrence.start.astimezone(zone)
    theirs = occurrence.start.astimezone(written)
    if ours.utcoffset() == theirs.utcoffset():
        return None
    end = occurrence.end.astimezone(written)
    return f"{theirs:%H:%M}–{end:%H:%M} {zone_label(written)}"


def _outside_hours(start: datetime, end: datetime, preferences: Preferences) -> bool:
    if not preferences.is_working_day(start.date()):
        return True
    day_start = datetime.combine(start.date(), preferences.work_start, start.tzinfo)
    day_end = datetime.combine(start.date(), preferences.work_end, start.tzinfo)
    return start < day_start or end > day_end


class AgendaService:
    """Builds the window's views from one store; cheap enough to call on every navigation."""

    def __init__(self, store: Store, preferences: Preferences) -> None:
        self.store = store
        self.preferences = preferences
        # What depends on the calendars alone, kept for this service's life: the window
        # makes a new service whenever calendars or preferences change, and a ticked
        # checklist item then costs one day's query, not the whole horizon again.
        self._week_cache: dict[tuple[date, int], list[DaySummary]] = {}
        self._hygiene_cache: dict[date, list[HygieneItem]] = {}

    @property
    def zone(self) -> tzinfo:
        return self.preferences.zone()

    def occurrences(self, first: date, days: int) -> list[Occurrence]:
        zone = self.zone
        start, _ = day_bounds(first, zone)
        _, end = day_bounds(first + timedelta(days=days - 1), zone)
        found = occurrences_in_store(self.store, start, end, zone, zone_label(zone))
        return [o for o in found if o.event.status != "CANCELLED"]

    def _me(self) -> frozenset[str]:
        return identity(self.preferences.addresses)

    def directory(self) -> ClientDirectory:
        return client_directory(self.store, self.preferences.addresses)

    def day(self, day: date) -> DayAgenda:
        zone = self.zone
        occurrences = self.occurrences(day, 1)
        me = self._me()
        conflicts = find_double_bookings(occurrences, me)
        unconfirmed = find_unconfirmed(occurrences, me)
        partners: dict[int, list[Occurrence]] = defaultdict(list)
        for conflict in conflicts:
            partners[id(conflict.a)].append(conflict.b)
            partners[id(conflict.b)].append(conflict.a)
        reasons = {id(item.occurrence): item for item in unconfirmed}
        directory = self.directory()
        checklists = Checklists(self.store)
        colours = calendar_colours(self.store)
        rows = []
        for occurrence in sorted(occurrences, key=lambda o: (not o.all_day, o.start, o.summary)):
            key = key_of(occurrence)
            start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
            clients = meeting_clients(occurrence, directory)
            rows.append(
                AgendaRow(
                    occurrence=occurrence,
                    key=key,
                    start=start,
                    end=end,
                    organiser_time=_organiser_time(occurrence, zone),
                    clients=tuple(clients),
                    client_domains=tuple(clients.values()),
                    link=meeting_link(occurrence),
                    conflicts_with=tuple(partners.get(id(occurrence), ())),
                    unconfirmed=reasons.get(id(occurrence)),
                    checklist=self._progress(checklists, key),
                    outside_hours=not occurrence.all_day
                    and is_busy(occurrence, me)
                    and _outside_hours(start, end, self.preferences),
                    busy=is_busy(occurrence, me),
                    context=not is_mine(occurrence, me),
                    role=occurrence.event.role,
                    colour=colours.get(occurrence.calendar),
                )
            )
        return DayAgenda(day, zone, rows, conflicts, unconfirmed)

    @staticmethod
    def _progress(checklists: Checklists, key: str | None) -> ChecklistProgress:
        if key is None:
            return ChecklistProgress()
        items = checklists.items(key)
        return ChecklistProgress(
            done=sum(item.done for item in items),
            total=len(items),
            required_open=sum(item.required and not item.done for item in items),
        )

    def week(self, first: date, days: int = 7) -> list[DaySummary]:
        cached = self._week_cache.get((first, days))
        if cached is None:
            cached = self._week_cache[(first, days)] = self._week(first, days)
        return cached

    def _week(self, first: date, days: int) -> list[DaySummary]:
        zone = self.zone
        occurrences = self.occurrences(first, days)
        me = self._me()
        by_day: dict[date, list[Occurrence]] = defaultdict(list)
        for occurrence in occurrences:
            local = occurrence.start_date if occurrence.all_day else None
            by_day[local or occurrence.start.astimezone(zone).date()].append(occurrence)
        summaries = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            meetings = [o for o in by_day.get(day, []) if is_mine(o, me)]
            timed = [o for o in meetings if not o.all_day and is_busy(o, me)]
            summaries.append(
                DaySummary(
                    day=day,
                    meetings=len(meetings),
                    first_start=min((o.start for o in timed), default=None),
                    booked=sum((o.duration for o in timed), timedelta()),
                    conflicts=len(find_double_bookings(meetings, me)),
                    unconfirmed=len(find_unconfirmed(meetings, me)),
                    working_day=self.preferences.is_working_day(day),
                )
            )
        return summaries

    def hygiene(self, today: date) -> list[HygieneItem]:
        """Every double-booking and unconfirmed meeting ahead, then meetings that vanished."""
        problems = self._hygiene_cache.get(today)
        if problems is None:
            problems = self._hygiene_cache[today] = self._calendar_problems(today)
        return [*problems, *self._gone()]

    def _calendar_problems(self, today: date) -> list[HygieneItem]:
        zone = self.zone
        occurrences = [
            o
            for o in self.occurrences(today, self.preferences.hygiene_days)
            if o.end.astimezone(zone).date() >= today
        ]
        me = self._me()
        items: list[HygieneItem] = []
        conflicts = find_double_bookings(occurrences, me)
        # Three or more meetings linked by overlaps: each pair says which pile-up it is in.
        pile_of = {
            id(member): group for group in clusters(conflicts) if len(group) > 2 for member in group
        }
        for conflict in conflicts:
            pair = sorted((conflict.a, conflict.b), key=lambda o: (o.start, o.summary))
            detail = f"double-booked, {conflict.overlap_minutes} min overlap"
            pile = pile_of.get(id(conflict.a))
            if pile is not None:
                first = pile[0].start.astimezone(zone)
                detail += f"; one of {len(pile)} overlapping meetings from {first:%H:%M}"
            keys = sorted(str(key_of(o) or o.summary) for o in pair)
            items.append(
                HygieneItem(
                    kind="conflict",
                    problem_key=conflict_problem_key(conflict)
                    or "conflict:" + "|".join(keys) + f"@{conflict.overlap_start:%Y%m%dT%H%M}",
                    when=conflict.overlap_start.astimezone(zone),
                    title=f"{pair[0].summary or '(no title)'} × {pair[1].summary or '(no title)'}",
                    detail=detail,
                    occurrences=tuple(pair),
                    mail_to=tuple(
                        o.event.organizer
                        for o in pair
                        if o.event.organizer and o.event.organizer not in me
                    ),
                )
            )
        for item in find_unconfirmed(occurrences, me):
            occurrence = item.occurrence
            waiting = tuple(item.waiting_on)
            identity_text = key_of(occurrence) or occurrence.summary
            items.append(
                HygieneItem(
                    kind="unconfirmed",
                    problem_key=unconfirmed_problem_key(item)
                    or f"unconfirmed:{identity_text}:{item.reason}",
                    when=occurrence.start.astimezone(zone),
                    title=occurrence.summary or "(no title)",
                    detail=item.description,
                    occurrences=(occurrence,),
                    unconfirmed=item,
                    mail_to=waiting
                    or tuple(a for a in [occurrence.event.organizer] if a and a not in me),
                )
            )
        items.sort(key=lambda i: (i.when or datetime.max.replace(tzinfo=UTC), i.kind))
        return items

    def _gone(self) -> list[HygieneItem]:
        """Meetings with the user's data that left every calendar (user data: never cached)."""
        zone = self.zone
        items = []
        for snapshot in orphaned_meetings(self.store):
            items.append(
                HygieneItem(
                    kind="gone",
                    problem_key=f"gone:{snapshot.meeting_key}",
                    when=snapshot.start_utc.astimezone(zone) if snapshot.start_utc else None,
                    title=snapshot.summary or "(no title)",
                    detail="no longer in your calendar; your notes and checklist are kept",
                    snapshot=snapshot,
                )
            )
        return items
