"""The evening review as plain data: which days it covers, and its problems.

One definition of a problem for every surface (briefing and its exports, every window
page, the tray, reminders, the command line). A :class:`Problem` is first-class:

* its ``id`` is stable across runs, refreshes and re-imports: a hash of its kind and the
  keys of the meetings it is about (UID + RECURRENCE-ID), never of their times;
* its ``state`` (open, handled, ignored) is what the user said, remembered by id together
  with the ``facts`` it was about when they said it. When a new fact appears (a meeting
  moved, an answer changed, an item was unticked) the problem is open again; facts that
  merely went away (one invitee answered) keep it closed;
* a problem whose meetings are over is no problem: it is left out;
* three or more meetings linked by overlaps are one double-booking listing them all.

No Qt, no SQL, no I/O. See ``docs/review.md``.

Warning:
    Texts here come from calendars and are raw: every renderer escapes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from daybrief.core.confirmation import Unconfirmed, find_unconfirmed, user_partstat
from daybrief.core.conflicts import (
    Conflict,
    clusters,
    find_double_bookings,
    find_time_off_clashes,
    is_busy,
    is_time_off,
)
from daybrief.core.keys import ref_of
from daybrief.core.model import Occurrence, format_utc, recurrence_key
from daybrief.core.roles import is_mine
from daybrief.core.settings import WorkingWeek

meeting_ref = ref_of
"""A meeting's name in problems: its key (core/keys.py), or one made for a meeting without UID."""

_TITLE_IN_TEXT = 120
"""Titles quoted inside a problem line are cut here: a 10 kB title must not bury the rest."""

_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class WorkingPattern:
    """The user's working week and thresholds; defaults Mon–Fri 09:00–17:30.

    A back-to-back run is a chain of busy meetings whose gaps are shorter than
    ``back_to_back_gap``; it is a problem when it holds at least ``back_to_back_meetings``
    meetings, or at least two meetings spanning ``back_to_back_span`` or more.
    """

    working_days: frozenset[int] = frozenset(range(5))
    """Weekday numbers, Monday = 0."""
    day_start: time = time(9, 0)
    day_end: time = time(17, 30)
    back_to_back_gap: timedelta = timedelta(minutes=5)
    back_to_back_meetings: int = 3
    back_to_back_span: timedelta = timedelta(hours=3)
    prep_minutes: int = 30
    """Longest prep slot suggested before a meeting with open required items."""
    prep_min_minutes: int = 15
    """Shorter gaps are not worth suggesting."""
    prep_slots_per_meeting: int = 2

    @property
    def week(self) -> WorkingWeek:
        return WorkingWeek(self.working_days, self.day_start, self.day_end)

    def is_working_day(self, day: date) -> bool:
        return self.week.is_working_day(day)

    def next_working_day(self, today: date) -> date:
        """The first working day after ``today`` (Friday → Monday); tomorrow if none is set."""
        return self.week.next_working_day(today)


# --------------------------------------------------------------------------- the period


@dataclass(frozen=True, slots=True)
class ReviewPeriod:
    """``[start, end)`` in the user's zone, and the calendar days it touches."""

    start: datetime
    end: datetime
    days: tuple[date, ...]
    evening: bool
    """True when it looks ahead to the next working day (after work, or on a day off)."""

    @property
    def last_day(self) -> date:
        return self.days[-1]


def review_period(now: datetime, zone: tzinfo, pattern: WorkingPattern) -> ReviewPeriod:
    """What the review covers at ``now``.

    During a working day (until it ends): from now to the end of today. Otherwise (the
    evening, a weekend, a holiday): from now to the end of the next working day, with every
    day in between, so Friday evening covers Saturday, Sunday and Monday.
    """
    local = now.astimezone(zone)
    today = local.date()
    if pattern.is_working_day(today) and local.time() < pattern.day_end:
        return ReviewPeriod(local, _midnight(today + timedelta(days=1), zone), (today,), False)
    last = pattern.next_working_day(today)
    days = tuple(today + timedelta(days=n) for n in range((last - today).days + 1))
    return ReviewPeriod(local, _midnight(last + timedelta(days=1), zone), days, True)


def days_period(first: date, last: date, zone: tzinfo) -> ReviewPeriod:
    """An explicit range of whole days (``--date``, ``--days``, a window page)."""
    if last < first:
        first, last = last, first
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    end = _midnight(last + timedelta(days=1), zone)
    return ReviewPeriod(_midnight(first, zone), end, days, False)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), zone)


def day_window(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """``[start, end)`` of a calendar day in ``zone``, in UTC (23 or 25 h across DST)."""
    start = _midnight(day, zone).astimezone(UTC)
    return start, _midnight(day + timedelta(days=1), zone).astimezone(UTC)


def on_day(occurrence: Occurrence, day: date, zone: tzinfo) -> bool:
    return _on(occurrence, day, day_window(day, zone))


def _on(occurrence: Occurrence, day: date, window: tuple[datetime, datetime]) -> bool:
    if occurrence.all_day and occurrence.start_date is not None:
        end_date = occurrence.end_date or occurrence.start_date + timedelta(days=1)
        return occurrence.start_date <= day < max(end_date, occurrence.start_date + timedelta(1))
    start, end = window
    if occurrence.start == occurrence.end:
        return start <= occurrence.start < end
    return occurrence.start < end and start < occurrence.end


def occurrences_on(day: date, occurrences: Iterable[Occurrence], zone: tzinfo) -> list[Occurrence]:
    """The occurrences that touch ``day`` (the day's window worked out once)."""
    window = day_window(day, zone)
    return [o for o in occurrences if _on(o, day, window)]


# --------------------------------------------------------------------------- problems


class ProblemKind(StrEnum):
    DOUBLE_BOOKING = "double-booking"
    UNCONFIRMED = "unconfirmed"
    OPEN_ITEMS = "open-items"
    TIME_OFF = "time-off"
    OUTSIDE_HOURS = "outside-hours"
    BACK_TO_BACK = "back-to-back"


PROBLEM_ORDER = list(ProblemKind)


class ProblemState(StrEnum):
    OPEN = "open"
    HANDLED = "handled"
    IGNORED = "ignored"


class Role(StrEnum):
    ORGANISER = "organiser"
    NOT_ANSWERED = "not answered"
    YOU = "you"


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str
    """The calendar's CN, or "" when it gives none."""
    role: Role

    @property
    def label(self) -> str:
        return self.name or self.email


@dataclass(frozen=True, slots=True)
class ProblemMeeting:
    """One meeting a problem is about, as much as a draft or a link needs."""

    key: str
    uid: str | None
    recurrence_id: str | None
    start: datetime
    """UTC."""
    end: datetime
    summary: str
    calendar: str
    all_day: bool = False
    organizer: str | None = None
    organizer_name: str = ""
    attendees: tuple[tuple[str, str], ...] = ()
    """(address, name) of the people invited (rooms and resources left out)."""
    organised_by_me: bool = False

    @property
    def title(self) -> str:
        return self.summary or "(no title)"


@dataclass(frozen=True, slots=True)
class Problem:
    id: str
    kind: ProblemKind
    day: date
    meetings: tuple[ProblemMeeting, ...]
    people: tuple[Person, ...]
    reason: str
    """A sentence: "waiting on 1 of 2: Jane Doe"."""
    text: str
    """One line naming the meetings and the reason, for lists."""
    at: datetime | None
    """When it starts, in the user's zone (sorting and display)."""
    facts: tuple[str, ...]
    """What it is about; a new fact reopens a handled problem."""
    ends: datetime
    """UTC; from then on it is over (the overlap ended, the meeting ended)."""
    state: ProblemState = ProblemState.OPEN

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.meetings)

    @property
    def is_open(self) -> bool:
        return self.state is ProblemState.OPEN


@dataclass(frozen=True, slots=True)
class RememberedState:
    """What the user said about a problem, and the facts it was about then."""

    state: ProblemState
    facts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    text: str
    required: bool = False
    done: bool = False


@dataclass(frozen=True, slots=True)
class ProblemInputs:
    """The user's data that problems depend on, gathered by a service."""

    me: frozenset[str] = frozenset()
    checklists: Mapping[str, Sequence[ChecklistEntry]] = field(default_factory=dict)
    """By meeting key: series items and instance items together."""
    time_off_uids: frozenset[str] = frozenset()
    """All-day events the user marked as time off (besides Outlook's BUSYSTATUS OOF)."""
    states: Mapping[str, RememberedState] = field(default_factory=dict)
    answered: Mapping[str, str] = field(default_factory=dict)
    """Meeting key → the PARTSTAT the user sent and the calendar does not show yet."""


def problem_id(kind: ProblemKind | str, keys: Iterable[str]) -> str:
    """Stable: the kind and the meetings' keys, in any order; 12 hex digits."""
    payload = json.dumps([str(kind), sorted(keys)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def _short(text: str, limit: int = _TITLE_IN_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title(occurrence: Occurrence) -> str:
    return occurrence.summary or "(no title)"


def _hm(moment: datetime, zone: tzinfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


Namer = Callable[[str, str | None], str]
"""An attendee's display name from (email, CN)."""


def plain_namer(email: str, cn: str | None) -> str:
    return cn.strip() if cn and cn.strip() else email


def _fact(occurrence: Occurrence) -> str:
    return f"{meeting_ref(occurrence)}@{format_utc(occurrence.start)}/{format_utc(occurrence.end)}"


def _problem_meeting(occurrence: Occurrence, me: frozenset[str]) -> ProblemMeeting:
    event = occurrence.event
    rid = recurrence_key(occurrence)
    return ProblemMeeting(
        key=meeting_ref(occurrence),
        uid=event.uid,
        recurrence_id=rid or None,
        start=occurrence.start,
        end=occurrence.end,
        summary=event.summary,
        calendar=occurrence.calendar,
        all_day=occurrence.all_day,
        organizer=event.organizer,
        organizer_name=(event.organizer_cn or "").strip(),
        attendees=tuple(
            (a.email, (a.cn or "").strip())
            for a in event.attendees
            if a.email and a.cutype.upper() not in _NOT_PEOPLE
        ),
        organised_by_me=bool(me and event.organizer in me),
    )


def _you(occurrences: Iterable[Occurrence], me: frozenset[str]) -> tuple[Person, ...]:
    for occurrence in occurrences:
        event = occurrence.event
        if event.organizer in me and event.organizer:
            return (Person(event.organizer, (event.organizer_cn or "").strip(), Role.YOU),)
        for attendee in event.attendees:
            if attendee.email in me:
                return (Person(attendee.email, (attendee.cn or "").strip(), Role.YOU),)
    return (Person(sorted(me)[0], "", Role.YOU),) if me else ()


def _organisers(occurrences: Iterable[Occurrence], me: frozenset[str]) -> tuple[Person, ...]:
    found: dict[str, Person] = {}
    for occurrence in occurrences:
        event = occurrence.event
        if event.organizer and event.organizer not in me:
            found.setdefault(
                event.organizer,
                Person(event.organizer, (event.organizer_cn or "").strip(), Role.ORGANISER),
            )
    return tuple(found.values())


def find_problems(
    day: date,
    occurrences: Iterable[Occurrence],
    zone: tzinfo,
    now: datetime,
    pattern: WorkingPattern,
    inputs: ProblemInputs,
    *,
    namer: Namer = plain_namer,
) -> list[Problem]:
    """Every problem of ``day`` that is not over at ``now``, with the user's states applied.

    Args:
        occurrences: at least the day's (others are ignored), merged across calendars.
        namer: how people are named in reasons (a redacted briefing names no address).
    """
    day_occurrences = sorted(
        occurrences_on(day, occurrences, zone),
        key=lambda o: (not o.all_day, o.start, o.end, o.summary),
    )
    me = inputs.me
    busy = [o for o in day_occurrences if is_busy(o, me)]
    problems: list[Problem] = []
    problems += _double_bookings(day, day_occurrences, zone, me)
    problems += _unconfirmed(day, day_occurrences, zone, inputs, namer)
    problems += _open_items(day, day_occurrences, zone, inputs)
    problems += _time_off(day, day_occurrences, zone, inputs)
    problems += _outside_hours(day, busy, zone, pattern, me)
    problems += _back_to_back(day, busy, zone, pattern, me)
    now_utc = now.astimezone(UTC)
    problems = [p for p in problems if p.ends > now_utc]
    problems.sort(key=lambda p: (PROBLEM_ORDER.index(p.kind), p.at or now, p.text))
    return [with_state(p, inputs.states.get(p.id)) for p in problems]


def with_state(problem: Problem, remembered: RememberedState | None) -> Problem:
    """The problem in the state the user left it, unless something new happened since."""
    if remembered is None or remembered.state is ProblemState.OPEN:
        return problem
    if not set(problem.facts) <= remembered.facts:
        return problem  # reopened: it is about something the user has not seen
    return replace(problem, state=remembered.state)


def _double_bookings(
    day: date, occurrences: list[Occurrence], zone: tzinfo, me: frozenset[str]
) -> list[Problem]:
    conflicts = find_double_bookings(occurrences, me)
    groups = clusters(conflicts)
    group_of = {id(member): n for n, group in enumerate(groups) for member in group}
    overlaps_of: list[list[Conflict]] = [[] for _ in groups]
    for conflict in conflicts:
        overlaps_of[group_of[id(conflict.a)]].append(conflict)
    problems = []
    for group, overlaps in zip(groups, overlaps_of, strict=True):
        reason = _double_booking_text(group, overlaps, zone)
        problems.append(
            Problem(
                id=problem_id(ProblemKind.DOUBLE_BOOKING, (meeting_ref(o) for o in group)),
                kind=ProblemKind.DOUBLE_BOOKING,
                day=day,
                meetings=tuple(_problem_meeting(o, me) for o in group),
                people=_organisers(group, me) + _you(group, me),
                reason=reason,
                text=reason,
                at=group[0].start.astimezone(zone),
                facts=tuple(sorted(_fact(o) for o in group)),
                ends=max(c.overlap_end for c in overlaps),
            )
        )
    return problems


def _double_booking_text(group: list[Occurrence], overlaps: list[Conflict], zone: tzinfo) -> str:
    if len(group) == 2:
        a, b = group
        minutes = overlaps[0].overlap_minutes if overlaps else 0
        return (
            f"{_short(_title(a))} ({_hm(a.start, zone)}–{_hm(a.end, zone)}) and "
            f"{_short(_title(b))} ({_hm(b.start, zone)}–{_hm(b.end, zone)}) overlap by "
            f"{minutes} min"
        )
    names = ", ".join(_short(_title(o), 60) for o in group)
    last_end = max(o.end for o in group)
    return (
        f"{len(group)} meetings overlap between {_hm(group[0].start, zone)} "
        f"and {_hm(last_end, zone)}: {names}"
    )


def unconfirmed_text(reason: Unconfirmed, namer: Namer) -> str:
    if reason.reason != "waiting-on":
        return reason.description
    names = {a.email: a.cn for a in reason.occurrence.event.attendees}
    who = ", ".join(namer(email, names.get(email)) for email in reason.waiting_on)
    return f"waiting on {len(reason.waiting_on)} of {reason.required}: {who}"


def unconfirmed_by_key(
    occurrences: Iterable[Occurrence], inputs: ProblemInputs
) -> dict[str, Unconfirmed]:
    """Why each meeting is not confirmed, by key: declined ones and answered ones left out."""
    me = inputs.me
    found = {}
    for item in find_unconfirmed(occurrences, me):
        occurrence = item.occurrence
        if me and user_partstat(occurrence, me) == "DECLINED":
            continue
        key = meeting_ref(occurrence)
        if item.reason in ("needs-action", "tentative") and key in inputs.answered:
            continue  # answered from Daybrief: waiting for the calendar to show it
        found[key] = item
    return found


def _unconfirmed(
    day: date,
    occurrences: list[Occurrence],
    zone: tzinfo,
    inputs: ProblemInputs,
    namer: Namer,
) -> list[Problem]:
    me = inputs.me
    problems = []
    for key, item in unconfirmed_by_key(occurrences, inputs).items():
        occurrence = item.occurrence
        event = occurrence.event
        reason = unconfirmed_text(item, namer)
        when = "all day" if occurrence.all_day else _hm(occurrence.start, zone)
        if item.reason == "waiting-on":
            cns = {a.email: (a.cn or "").strip() for a in event.attendees}
            people = tuple(Person(e, cns.get(e, ""), Role.NOT_ANSWERED) for e in item.waiting_on)
        else:
            people = _organisers([occurrence], me)
        facts = [_fact(occurrence), f"reason:{item.reason}"]
        facts += [f"waiting:{email}" for email in item.waiting_on]
        problems.append(
            Problem(
                id=problem_id(ProblemKind.UNCONFIRMED, [key]),
                kind=ProblemKind.UNCONFIRMED,
                day=day,
                meetings=(_problem_meeting(occurrence, me),),
                people=people + _you([occurrence], me),
                reason=reason,
                text=f"{_short(_title(occurrence))} ({when}): {reason}",
                at=_local_start(occurrence, zone),
                facts=tuple(sorted(facts)),
                ends=occurrence.end,
            )
        )
    return problems


def _local_start(occurrence: Occurrence, zone: tzinfo) -> datetime:
    if occurrence.all_day and occurrence.start_date is not None:
        return datetime.combine(occurrence.start_date, time(), zone)
    return occurrence.start.astimezone(zone)


def open_required(occurrence: Occurrence, inputs: ProblemInputs) -> tuple[ChecklistEntry, ...]:
    return tuple(
        item
        for item in inputs.checklists.get(meeting_ref(occurrence), ())
        if item.required and not item.done
    )


def _open_items(
    day: date, occurrences: list[Occurrence], zone: tzinfo, inputs: ProblemInputs
) -> list[Problem]:
    problems = []
    for occurrence in occurrences:
        items = open_required(occurrence, inputs)
        if not items or occurrence.event.status == "CANCELLED":
            continue
        if not is_mine(occurrence, inputs.me):
            continue  # context (core.roles) is never a problem, whatever is attached to it
        count = len(items)
        names = ", ".join(_short(item.text, 60) for item in items)
        reason = f"{count} required item{'s' if count != 1 else ''} not done: {names}"
        start = _local_start(occurrence, zone)
        key = meeting_ref(occurrence)
        problems.append(
            Problem(
                id=problem_id(ProblemKind.OPEN_ITEMS, [key]),
                kind=ProblemKind.OPEN_ITEMS,
                day=day,
                meetings=(_problem_meeting(occurrence, inputs.me),),
                people=_you([occurrence], inputs.me),
                reason=reason,
                text=f"{_short(_title(occurrence))} ({start:%H:%M}): {reason}",
                at=start,
                facts=tuple(sorted([_fact(occurrence), *(f"item:{i.text}" for i in items)])),
                ends=occurrence.end,
            )
        )
    return problems


def _time_off(
    day: date, occurrences: list[Occurrence], zone: tzinfo, inputs: ProblemInputs
) -> list[Problem]:
    def time_off(occurrence: Occurrence) -> bool:
        return is_time_off(occurrence) or (
            occurrence.all_day and occurrence.uid in inputs.time_off_uids
        )

    problems = []
    for clash in find_time_off_clashes(occurrences, inputs.me, time_off):
        meeting = clash.meeting
        off = _short(_title(clash.time_off), 60)
        reason = f"during your time off ({off})"
        problems.append(
            Problem(
                id=problem_id(
                    ProblemKind.TIME_OFF, [meeting_ref(meeting), meeting_ref(clash.time_off)]
                ),
                kind=ProblemKind.TIME_OFF,
                day=day,
                meetings=(_problem_meeting(meeting, inputs.me),),
                people=_organisers([meeting], inputs.me) + _you([meeting], inputs.me),
                reason=reason,
                text=f"{_short(_title(meeting))} ({_hm(meeting.start, zone)}) is {reason}",
                at=meeting.start.astimezone(zone),
                facts=(_fact(meeting), _fact(clash.time_off)),
                ends=meeting.end,
            )
        )
    return problems


def outside_hours(occurrence: Occurrence, day: date, zone: tzinfo, pattern: WorkingPattern) -> str:
    """Why a busy meeting is outside the user's hours ("" when it is not)."""
    start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
    if not pattern.is_working_day(day):
        return "on a day you do not work"
    if start < datetime.combine(day, pattern.day_start, zone) or end > datetime.combine(
        day, pattern.day_end, zone
    ):
        return f"outside your working hours ({pattern.day_start:%H:%M}–{pattern.day_end:%H:%M})"
    return ""


def _outside_hours(
    day: date,
    busy: list[Occurrence],
    zone: tzinfo,
    pattern: WorkingPattern,
    me: frozenset[str],
) -> list[Problem]:
    problems = []
    for occurrence in busy:
        reason = outside_hours(occurrence, day, zone, pattern)
        if not reason:
            continue
        start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
        key = meeting_ref(occurrence)
        problems.append(
            Problem(
                id=problem_id(ProblemKind.OUTSIDE_HOURS, [key]),
                kind=ProblemKind.OUTSIDE_HOURS,
                day=day,
                meetings=(_problem_meeting(occurrence, me),),
                people=_organisers([occurrence], me) + _you([occurrence], me),
                reason=reason,
                text=f"{_short(_title(occurrence))} ({start:%H:%M}–{end:%H:%M}) is {reason}",
                at=start,
                facts=(_fact(occurrence),),
                ends=occurrence.end,
            )
        )
    return problems


def back_to_back_runs(busy: list[Occurrence], pattern: WorkingPattern) -> list[list[Occurrence]]:
    runs: list[list[Occurrence]] = []
    current: list[Occurrence] = []
    current_end: datetime | None = None
    for occurrence in sorted(busy, key=lambda o: (o.start, o.end)):
        if current_end is not None and occurrence.start - current_end < pattern.back_to_back_gap:
            current.append(occurrence)
            current_end = max(current_end, occurrence.end)
            continue
        if current:
            runs.append(current)
        current, current_end = [occurrence], occurrence.end
    if current:
        runs.append(current)

    def qualifies(run: list[Occurrence]) -> bool:
        if len(run) >= pattern.back_to_back_meetings:
            return True
        span = max(o.end for o in run) - run[0].start
        return len(run) >= 2 and span >= pattern.back_to_back_span

    return [run for run in runs if qualifies(run)]


def _back_to_back(
    day: date,
    busy: list[Occurrence],
    zone: tzinfo,
    pattern: WorkingPattern,
    me: frozenset[str],
) -> list[Problem]:
    problems = []
    gap = int(pattern.back_to_back_gap.total_seconds() // 60)
    for run in back_to_back_runs(busy, pattern):
        first, last_end = run[0].start, max(o.end for o in run)
        reason = (
            f"From {_hm(first, zone)} to {_hm(last_end, zone)}: {len(run)} "
            f"meetings with no break of {gap} min"
        )
        problems.append(
            Problem(
                id=problem_id(ProblemKind.BACK_TO_BACK, (meeting_ref(o) for o in run)),
                kind=ProblemKind.BACK_TO_BACK,
                day=day,
                meetings=tuple(_problem_meeting(o, me) for o in run),
                people=_you(run, me),
                reason=reason,
                text=reason,
                at=first.astimezone(zone),
                facts=tuple(sorted(_fact(o) for o in run)),
                ends=last_end,
            )
        )
    return problems


# --------------------------------------------------------------------------- the review


@dataclass(frozen=True, slots=True)
class Review:
    period: ReviewPeriod
    problems: tuple[Problem, ...]
    """Every problem of the period, open first, then handled and ignored ones."""

    @property
    def open(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_open)

    @property
    def closed(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_open)

    def open_count(self, kind: ProblemKind | None = None) -> int:
        return sum(1 for p in self.open if kind is None or p.kind is kind)

    def on(self, day: date) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.day == day)

    def find(self, problem_id_or_prefix: str) -> list[Problem]:
        text = problem_id_or_prefix.strip().lower()
        exact = [p for p in self.problems if p.id == text]
        return exact or [p for p in self.problems if text and p.id.startswith(text)]


def build_review(
    period: ReviewPeriod,
    occurrences: Sequence[Occurrence],
    zone: tzinfo,
    now: datetime,
    pattern: WorkingPattern,
    inputs: ProblemInputs,
    *,
    namer: Namer = plain_namer,
) -> Review:
    """The problems of every day of ``period``, each once (a meeting across midnight is
    about the day it starts), none of them over at ``now``."""
    seen: set[str] = set()
    found: list[Problem] = []
    cutoff = max(now, period.start)
    for day, todays in _by_day(period.days, occurrences, zone).items():
        for problem in find_problems(day, todays, zone, cutoff, pattern, inputs, namer=namer):
            if problem.id not in seen:
                seen.add(problem.id)
                found.append(problem)
    found.sort(key=lambda p: (not p.is_open, p.day))
    return Review(period, tuple(found))


def _by_day(
    days: Sequence[date], occurrences: Iterable[Occurrence], zone: tzinfo
) -> dict[date, list[Occurrence]]:
    """Each day's occurrences (a meeting across midnight is on both days), in one pass."""
    buckets: dict[date, list[Occurrence]] = {day: [] for day in days}
    first, last = days[0], days[-1]
    for occurrence in occurrences:
        if occurrence.all_day and occurrence.start_date is not None:
            begin = occurrence.start_date
            end_date = occurrence.end_date or begin + timedelta(days=1)
            finish = max(end_date, begin + timedelta(days=1)) - timedelta(days=1)
        else:
            begin = occurrence.start.astimezone(zone).date()
            finish = occurrence.end.astimezone(zone).date()
        day = max(begin, first)
        while day <= min(finish, last):
            buckets[day].append(occurrence)
            day += timedelta(days=1)
    return buckets


# --------------------------------------------------------------------------- drafts


@dataclass(frozen=True, slots=True)
class Draft:
    """A message that could fix (part of) a problem, for the people who can fix it."""

    problem: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    meeting: str
    """The key of the meeting it is about."""


def _single_line(text: str) -> str:
    return " ".join(text.split())


def _when(meeting: ProblemMeeting, zone: tzinfo) -> str:
    start = meeting.start.astimezone(zone)
    if meeting.all_day:
        return f"{start:%A %d %B}"
    return f"{start:%A %d %B at %H:%M} ({start.tzname()})"


def drafts_for(
    problem: Problem, me: frozenset[str], zone: tzinfo, *, sender_name: str = ""
) -> list[Draft]:
    """The messages that fit the problem; none when nobody else can fix it.

    A double-booking gets one draft per meeting that could move, each to that meeting's
    people only (its organiser, or its attendees when it is yours): no draft names or
    addresses another meeting's people, and none goes to the user.
    """
    sign = f"\n\nThanks,\n{sender_name}" if sender_name else "\n\nThanks!"

    def others(addresses: Iterable[str]) -> tuple[str, ...]:
        seen: list[str] = []
        for address in addresses:
            if address and address not in me and address not in seen:
                seen.append(address)
        return tuple(seen)

    drafts = []
    if problem.kind is ProblemKind.DOUBLE_BOOKING:
        for meeting in problem.meetings:
            if meeting.organised_by_me or not meeting.organizer:
                to = others(a for a, _ in meeting.attendees)
            else:
                to = others([meeting.organizer])
            if not to:
                continue
            title = _single_line(meeting.summary) or "our meeting"
            body = (
                f"Hi,\n\nI am double-booked on {_when(meeting, zone)}: “{title}” overlaps "
                "with another commitment. Would another time that day or later in the week "
                "work for you? Happy to fit around your calendar."
            )
            drafts.append(
                Draft(problem.id, to, (), f"Could we move “{title}”?", body + sign, meeting.key)
            )
        return drafts
    if problem.kind is not ProblemKind.UNCONFIRMED or not problem.meetings:
        return drafts
    meeting = problem.meetings[0]
    title = _single_line(meeting.summary) or "our meeting"
    when = _when(meeting, zone)
    waiting = others(p.email for p in problem.people if p.role is Role.NOT_ANSWERED)
    if waiting:
        subject = f"Are you able to join “{title}”?"
        body = (
            f"Hi,\n\nA quick check that {when} still works for “{title}”. "
            "Could you accept or decline the invitation so I can plan the agenda?"
        )
        return [Draft(problem.id, waiting, (), subject, body + sign, meeting.key)]
    organiser = others([meeting.organizer or ""])
    if not organiser:
        return drafts
    if "reason:event-tentative" in problem.facts:
        subject = f"Is “{title}” confirmed?"
        body = (
            f"Hi,\n\n“{title}” on {when} is still marked tentative. Is it going ahead as planned?"
        )
    else:
        subject = f"Confirming “{title}”"
        body = f"Hi,\n\nConfirming that I will join “{title}” on {when}. See you there."
    return [Draft(problem.id, organiser, (), subject, body + sign, meeting.key)]


@dataclass(frozen=True, slots=True)
class MeetingProblems:
    """One meeting of the review and its problems: the review page's card."""

    meeting: ProblemMeeting
    problems: tuple[Problem, ...]


def by_meeting(problems: Iterable[Problem]) -> list[MeetingProblems]:
    """Problems grouped under their meetings, in meeting order.

    A problem about several meetings (a double-booking, a back-to-back run) is under each of
    them: it can be dealt with from either, and closing it anywhere closes it.
    """
    meetings: dict[str, ProblemMeeting] = {}
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        for meeting in problem.meetings:
            meetings.setdefault(meeting.key, meeting)
            grouped.setdefault(meeting.key, []).append(problem)
    order = sorted(meetings, key=lambda key: (meetings[key].start, meetings[key].title, key))
    return [MeetingProblems(meetings[key], tuple(grouped[key])) for key in order]
