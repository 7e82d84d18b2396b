"""The briefing for one day (docs/semantics.md): plain data the window shows and exports.

:func:`build_briefing` takes the day's occurrences, the user's own data (checklists,
follow-ups, goals, client names, the last look) and a clock, and returns a frozen
:class:`Briefing`: headline, problems first, the meetings in order, follow-ups by client,
goals, the day's wins once the working day is over, prep-time suggestions, and what
changed since the user last looked. No Qt, no SQL, no I/O: the service gathers inputs.

Warning:
    Every text in a briefing that came from a calendar (titles, locations, names,
    descriptions, URLs) is raw and untrusted. Renderers must escape it for their format;
    nothing here does, because what "escaped" means differs per format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from daybrief.core.clients import ClientDirectory
from daybrief.core.clock import Clock
from daybrief.core.confirmation import Unconfirmed, user_partstat
from daybrief.core.conflicts import is_busy
from daybrief.core.keys import KEY_SEPARATOR
from daybrief.core.keys import ref_of as meeting_ref
from daybrief.core.model import Occurrence
from daybrief.core.review import (
    ChecklistEntry,
    Problem,
    ProblemInputs,
    ProblemKind,
    RememberedState,
    WorkingPattern,
    day_window,
    find_problems,
    occurrences_on,
    on_day,
    unconfirmed_by_key,
    unconfirmed_text,
)
from daybrief.core.roles import is_mine

__all__ = [
    "KEY_SEPARATOR",
    "Briefing",
    "BriefingSettings",
    "ChecklistEntry",
    "FollowUpEntry",
    "GoalEntry",
    "Problem",
    "ProblemKind",
    "UserInputs",
    "build_briefing",
    "day_window",
    "meeting_ref",
    "on_day",
    "suggest_goals",
    "zone_name",
]

_Person = Callable[[str, str | None], str]
"""An attendee's display name from (email, CN): the CN, or the address unless redacted."""

_TITLE_IN_TEXT = 120
"""Titles quoted inside a problem line are cut here: a 10 kB title must not bury the rest."""


# --------------------------------------------------------------------------- settings


BriefingSettings = WorkingPattern
"""The briefing reads the same working pattern as the review."""


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class FollowUpEntry:
    id: int
    text: str
    due: date | None = None
    client: str | None = None
    """The client's display name, or None for a follow-up with no client."""
    done: bool = False
    done_at: datetime | None = None
    meeting_uid: str | None = None
    """The UID of the meeting it came from, for RELATED-TO in a VTODO export."""


@dataclass(frozen=True, slots=True)
class GoalEntry:
    text: str
    done: bool = False


@dataclass(frozen=True, slots=True)
class SeenMeeting:
    """One meeting as the user last saw it in a briefing of that day."""

    ref: str
    summary: str
    start: datetime
    end: datetime
    unconfirmed: bool = False
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class LastLook:
    """The day's briefing as last shown or exported."""

    seen_at: datetime
    meetings: tuple[SeenMeeting, ...] = ()


@dataclass(frozen=True, slots=True)
class UserInputs:
    """The user's own data for the day, gathered by a service (or made up by a test)."""

    me: frozenset[str] = frozenset()
    clients: ClientDirectory = field(default_factory=ClientDirectory)
    checklists: Mapping[str, Sequence[ChecklistEntry]] = field(default_factory=dict)
    """By meeting ref (see :func:`meeting_ref`): series items and instance items together."""
    follow_ups: Sequence[FollowUpEntry] = ()
    """Open ones (due on or before the day count) and those done on the day (wins)."""
    goals: Sequence[GoalEntry] = ()
    time_off_uids: frozenset[str] = frozenset()
    """All-day events the user marked as time off (besides Outlook's BUSYSTATUS OOF)."""
    last_look: LastLook | None = None
    problem_states: Mapping[str, RememberedState] = field(default_factory=dict)
    """What the user said about problems, by problem id."""
    answered: Mapping[str, str] = field(default_factory=dict)
    """Meeting key → the answer sent from Daybrief that the calendar does not show yet."""
    previous_goals: Sequence[GoalEntry] = ()
    """The last earlier day's goals: unfinished ones are offered again."""

    def problem_inputs(self) -> ProblemInputs:
        return ProblemInputs(
            me=self.me,
            checklists=self.checklists,
            time_off_uids=self.time_off_uids,
            states=self.problem_states,
            answered=self.answered,
        )


# --------------------------------------------------------------------------- output


class Change(StrEnum):
    ADDED = "added"
    MOVED = "moved"
    CANCELLED = "cancelled"
    NEWLY_UNCONFIRMED = "newly unconfirmed"
    GONE = "no longer in the calendar"


@dataclass(frozen=True, slots=True)
class AttendeeLine:
    name: str
    """The display name, or the address when the calendar gives none."""
    email: str
    """'' when redacted."""
    answer: str
    """accepted, declined, tentative, not answered, delegated."""
    required: bool = True
    is_me: bool = False
    client: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingEntry:
    ref: str
    uid: str | None
    start: datetime
    """In the user's zone."""
    end: datetime
    all_day: bool
    title: str
    calendar: str
    clients: tuple[str, ...]
    location: str
    conference_url: str | None
    description: str
    status: str
    """confirmed, tentative or cancelled."""
    busy: bool
    my_answer: str | None
    organizer: str | None
    attendees: tuple[AttendeeLine, ...]
    checklist: tuple[ChecklistEntry, ...]
    unconfirmed: str | None
    """Why it is not confirmed, or None."""
    organizer_start: datetime | None = None
    """Start in the organiser's zone, when that zone's clock differs from the user's."""
    organizer_end: datetime | None = None
    organizer_zone: str | None = None
    changes: tuple[Change, ...] = ()
    moved_from: datetime | None = None
    """The start last seen, for a moved meeting (user's zone)."""
    context: bool = False
    """Not the user's meeting (core.roles): another person's in their calendar, or an
    information calendar's entry. Listed for orientation, never counted."""

    @property
    def internal(self) -> bool:
        return not self.clients

    @property
    def open_required(self) -> tuple[ChecklistEntry, ...]:
        return tuple(item for item in self.checklist if item.required and not item.done)


@dataclass(frozen=True, slots=True)
class Headline:
    first_start: datetime | None
    meetings: int
    booked: timedelta
    problems: int

    @property
    def hours_booked(self) -> float:
        return round(self.booked.total_seconds() / 3600, 2)


@dataclass(frozen=True, slots=True)
class FollowUpLine:
    entry: FollowUpEntry
    overdue_days: int
    """0 when due on the day itself."""


@dataclass(frozen=True, slots=True)
class FollowUpGroup:
    client: str | None
    items: tuple[FollowUpLine, ...]


@dataclass(frozen=True, slots=True)
class Wins:
    follow_ups_done: tuple[FollowUpEntry, ...]
    goals_done: tuple[str, ...]
    meetings_held: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.follow_ups_done or self.goals_done or self.meetings_held)


@dataclass(frozen=True, slots=True)
class PrepSlot:
    """A free slot before a meeting whose required items are open."""

    ref: str
    meeting_uid: str | None
    title: str
    start: datetime
    end: datetime
    open_items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GoneMeeting:
    """A meeting seen last time that is no longer on the day."""

    ref: str
    summary: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Briefing:
    day: date
    zone: tzinfo
    zone_name: str
    generated_at: datetime
    """In the user's zone."""
    working_day: bool
    settings: BriefingSettings
    headline: Headline
    problems: tuple[Problem, ...]
    """The open ones: what the headline counts and ``brief --check`` looks at."""
    handled: tuple[Problem, ...]
    """Marked handled or ignored by the user, shown collapsed."""
    meetings: tuple[MeetingEntry, ...]
    follow_ups: tuple[FollowUpGroup, ...]
    goals: tuple[GoalEntry, ...]
    unfinished_goals: tuple[str, ...]
    """The last earlier day's goals not done (and not set again): offered first."""
    wins: Wins | None
    """None until the working day is over."""
    prep_slots: tuple[PrepSlot, ...]
    gone: tuple[GoneMeeting, ...]
    last_look_at: datetime | None
    redacted: bool
    me: tuple[str, ...]

    def meeting(self, ref: str) -> MeetingEntry | None:
        return next((m for m in self.meetings if m.ref == ref), None)

    @property
    def changed(self) -> int:
        return sum(1 for m in self.meetings if m.changes) + len(self.gone)

    def snapshot(self) -> tuple[SeenMeeting, ...]:
        """What to remember when this briefing is shown or exported."""
        return tuple(
            SeenMeeting(
                ref=m.ref,
                summary=m.title,
                start=m.start.astimezone(UTC),
                end=m.end.astimezone(UTC),
                unconfirmed=m.unconfirmed is not None,
                cancelled=m.status == "cancelled",
            )
            for m in self.meetings
        )


# --------------------------------------------------------------------------- building


def zone_name(zone: tzinfo) -> str:
    key = getattr(zone, "key", None)
    return str(key) if key else str(zone)


_ANSWERS = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "not answered",
    "DELEGATED": "delegated",
}

# What "dial-in codes and links" look like inside a free-text location, for redaction.
_URLISH = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*:(?://)?\S+|www\.\S+)")
# Generic words ("code", "id") only count with a separator, so "Code review" stays.
_DIAL_IN = re.compile(
    r"(?i)\b(?:pin|passcode|password|pwd|access code|conference id|meeting id|code|id)"
    r"\s*[:#=]\s*[^\s,;/|]+(?:\s+[\d#*][\d#*-]*)*"
    r"|\b(?:pin|passcode|meeting id|conference id)\s+[\d#*][\d\s#*-]*"
    r"|\+?\d[\d ().\-/]{5,}\d#?"
)


def _scrub(text: str) -> str:
    """A location without its links and dial-in codes ("Room 4 / zoom.us/… PIN 1#" → "Room 4")."""
    cleaned = _DIAL_IN.sub("", _URLISH.sub("", text))
    cleaned = re.sub(r"(?i)\b(?:dial(?:[ -]?in)?|join|call)\b\s*$", "", cleaned.strip())
    # What separated the removed parts is left dangling: "Room 4 / / ".
    cleaned = re.sub(r"\s*([/|,;])(?:\s*[/|,;])+", r" \1", cleaned)
    return re.sub(r"\s{2,}", " ", cleaned).strip(" ,;:-/|")


def _short(text: str, limit: int = _TITLE_IN_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title(occurrence: Occurrence) -> str:
    return occurrence.summary or "(no title)"


def build_briefing(
    day: date,
    occurrences: Iterable[Occurrence],
    zone: tzinfo,
    clock: Clock,
    user: UserInputs | None = None,
    settings: BriefingSettings | None = None,
    *,
    redact: bool = False,
) -> Briefing:
    """The briefing of ``day`` in the user's ``zone``.

    Args:
        day: the calendar day the briefing is about.
        occurrences: at least the day's (others are ignored), merged across calendars.
        zone: the user's zone: all times shown are in it; floating times already are.
        clock: decides whether the day's wins are shown (after the working day ends) and
            which prep slots are still ahead.
        user: checklists, follow-ups, goals, client names, the last look; none: empty.
        settings: working days and hours, thresholds; none: the defaults.
        redact: drop descriptions, dial-in codes and links, attendee emails (a briefing
            that leaves the laptop). The problems then name people, never addresses.
    """
    user = user or UserInputs()
    settings = settings or BriefingSettings()
    me = user.me
    now = clock.now().astimezone(zone)
    day_occurrences = sorted(
        (o for o in occurrences if on_day(o, day, zone)),
        key=lambda o: (not o.all_day, o.start, o.end, o.summary),
    )
    working = settings.is_working_day(day)
    problem_inputs = user.problem_inputs()
    unconfirmed = unconfirmed_by_key(day_occurrences, problem_inputs)

    def person(email: str, cn: str | None) -> str:
        if cn and cn.strip():
            return cn.strip()
        return "an attendee" if redact else email

    entries: list[MeetingEntry] = []
    for occurrence in day_occurrences:
        entries.append(_entry(occurrence, zone, user, unconfirmed, person, redact=redact))

    previous = {s.ref: s for s in user.last_look.meetings} if user.last_look else None
    if previous is not None:
        entries = [_mark(entry, previous.get(entry.ref), zone) for entry in entries]
    gone: tuple[GoneMeeting, ...] = ()
    if previous is not None:
        present = {entry.ref for entry in entries}
        gone = tuple(
            GoneMeeting(s.ref, s.summary, s.start.astimezone(zone), s.end.astimezone(zone))
            for s in sorted(previous.values(), key=lambda s: (s.start, s.ref))
            if s.ref not in present and not s.cancelled
        )

    busy = [o for o in day_occurrences if is_busy(o, me)]
    problems = find_problems(
        day, day_occurrences, zone, now, settings, problem_inputs, namer=person
    )
    load = day_load(day, day_occurrences, zone, me)
    open_problems = tuple(p for p in problems if p.is_open)
    headline = Headline(
        first_start=load.first_start,
        meetings=load.meetings,
        booked=load.booked,
        problems=len(open_problems),
    )

    end_of_day = datetime.combine(day, settings.day_end, zone)
    wins = _wins(day, now, busy, user, zone) if now >= end_of_day else None
    return Briefing(
        day=day,
        zone=zone,
        zone_name=zone_name(zone),
        generated_at=now,
        working_day=working,
        settings=settings,
        headline=headline,
        problems=open_problems,
        handled=tuple(p for p in problems if not p.is_open),
        meetings=tuple(entries),
        follow_ups=_follow_up_groups(day, user.follow_ups),
        goals=tuple(user.goals),
        unfinished_goals=_unfinished(user),
        wins=wins,
        prep_slots=_prep_slots(day, busy, entries, now, settings, zone),
        gone=gone,
        last_look_at=user.last_look.seen_at.astimezone(zone) if user.last_look else None,
        redacted=redact,
        me=tuple(sorted(me)),
    )


def _entry(
    occurrence: Occurrence,
    zone: tzinfo,
    user: UserInputs,
    unconfirmed: Mapping[str, Unconfirmed],
    person: _Person,
    *,
    redact: bool,
) -> MeetingEntry:
    event = occurrence.event
    ref = meeting_ref(occurrence)
    me = user.me
    attendees = tuple(
        AttendeeLine(
            name=person(a.email, a.cn),
            email="" if redact else a.email,
            answer=_ANSWERS.get(a.partstat, a.partstat.lower()),
            required=a.role == "REQ-PARTICIPANT",
            is_me=a.email in me,
            client=user.clients.client_of(a.email),
        )
        for a in event.attendees
    )
    if occurrence.all_day and occurrence.start_date is not None:
        start = datetime.combine(occurrence.start_date, time(), zone)
        end_date = occurrence.end_date or occurrence.start_date + timedelta(days=1)
        end = datetime.combine(end_date, time(), zone)
    else:
        start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
    organizer_start = organizer_end = None
    organizer_zone = None
    if occurrence.zone is not None and not occurrence.all_day:
        theirs = occurrence.start.astimezone(occurrence.zone)
        if theirs.utcoffset() != start.utcoffset():
            organizer_start = theirs
            organizer_end = occurrence.end.astimezone(occurrence.zone)
            organizer_zone = zone_name(occurrence.zone)
    status = (event.status or "CONFIRMED").lower()
    if status not in ("tentative", "cancelled"):
        status = "confirmed"
    reason = unconfirmed.get(ref)
    mine = user_partstat(occurrence, me) if me else None
    organizer = None
    if event.organizer or event.organizer_cn:
        organizer = person(event.organizer or "", event.organizer_cn)
    location = _scrub(event.location) if redact else event.location
    return MeetingEntry(
        ref=ref,
        uid=event.uid,
        start=start,
        end=end,
        all_day=occurrence.all_day,
        title=_title(occurrence),
        calendar=occurrence.calendar,
        clients=tuple(user.clients.clients_of(event.attendees, event.organizer)),
        location=location,
        conference_url=None if redact else event.conference_url,
        description="" if redact else event.description,
        status=status,
        busy=is_busy(occurrence, me),
        my_answer=_ANSWERS.get(mine) if mine else None,
        organizer=organizer,
        attendees=attendees,
        checklist=tuple(user.checklists.get(ref, ())),
        unconfirmed=unconfirmed_text(reason, person) if reason is not None else None,
        organizer_start=organizer_start,
        organizer_end=organizer_end,
        organizer_zone=organizer_zone,
        context=not is_mine(occurrence, me),
    )


def _mark(entry: MeetingEntry, seen: SeenMeeting | None, zone: tzinfo) -> MeetingEntry:
    changes: list[Change] = []
    moved_from = None
    if seen is None:
        changes.append(Change.ADDED)
    else:
        if entry.start != seen.start or entry.end != seen.end:
            changes.append(Change.MOVED)
            moved_from = seen.start.astimezone(zone)
        if entry.status == "cancelled" and not seen.cancelled:
            changes.append(Change.CANCELLED)
        if entry.unconfirmed is not None and not seen.unconfirmed:
            changes.append(Change.NEWLY_UNCONFIRMED)
    if not changes:
        return entry
    return replace(entry, changes=tuple(changes), moved_from=moved_from)


@dataclass(frozen=True, slots=True)
class DayLoad:
    """How full a day is; the briefing's headline and the week overview both use it."""

    meetings: int
    """Busy meetings (all-day busy ones included)."""
    booked: timedelta
    """Busy time within the day, overlaps counted once."""
    first_start: datetime | None
    """The first busy meeting's start (user's zone)."""


def day_load(
    day: date, occurrences: Iterable[Occurrence], zone: tzinfo, me: frozenset[str]
) -> DayLoad:
    busy = [o for o in occurrences_on(day, occurrences, zone) if is_busy(o, me)]
    window_start, window_end = day_window(day, zone)
    booked = _union_length([(o.start, o.end) for o in busy], window_start, window_end)
    first = min((o.start for o in busy), default=None)
    return DayLoad(len(busy), booked, first.astimezone(zone) if first is not None else None)


def _union_length(
    spans: list[tuple[datetime, datetime]], low: datetime, high: datetime
) -> timedelta:
    total = timedelta()
    current: tuple[datetime, datetime] | None = None
    for start, end in sorted((max(s, low), min(e, high)) for s, e in spans):
        if end <= start:
            continue
        if current is None or start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total += current[1] - current[0]
    return total


def _follow_up_groups(day: date, follow_ups: Sequence[FollowUpEntry]) -> tuple[FollowUpGroup, ...]:
    groups: dict[str | None, list[FollowUpLine]] = {}
    for item in follow_ups:
        if item.done or item.due is None or item.due > day:
            continue
        groups.setdefault(item.client, []).append(FollowUpLine(item, (day - item.due).days))
    ordered = sorted(groups, key=lambda name: (name is None, (name or "").casefold()))
    return tuple(
        FollowUpGroup(
            name,
            tuple(sorted(groups[name], key=lambda line: (-line.overdue_days, line.entry.id))),
        )
        for name in ordered
    )


def _wins(day: date, now: datetime, busy: list[Occurrence], user: UserInputs, zone: tzinfo) -> Wins:
    done = tuple(
        item
        for item in user.follow_ups
        if item.done and item.done_at is not None and item.done_at.astimezone(zone).date() == day
    )
    return Wins(
        follow_ups_done=done,
        goals_done=tuple(goal.text for goal in user.goals if goal.done),
        meetings_held=tuple(_title(o) for o in busy if o.end <= now),
    )


def _prep_slots(
    day: date,
    busy: list[Occurrence],
    entries: list[MeetingEntry],
    now: datetime,
    settings: BriefingSettings,
    zone: tzinfo,
) -> tuple[PrepSlot, ...]:
    taken = sorted((o.start.astimezone(zone), o.end.astimezone(zone)) for o in busy)
    opening = max(datetime.combine(day, settings.day_start, zone), now)
    minimum = timedelta(minutes=settings.prep_min_minutes)
    longest = timedelta(minutes=settings.prep_minutes)
    slots: list[PrepSlot] = []
    for entry in entries:
        items = entry.open_required
        if not items or entry.all_day or entry.status == "cancelled" or entry.start <= opening:
            continue
        gaps = _free_gaps(taken, opening, entry.start)
        chosen = []
        # Closest to the meeting first: prep right before is what people actually use.
        for gap_start, gap_end in reversed(gaps):
            if gap_end - gap_start < minimum:
                continue
            chosen.append((max(gap_start, gap_end - longest), gap_end))
            if len(chosen) >= settings.prep_slots_per_meeting:
                break
        for start, end in sorted(chosen):
            slots.append(
                PrepSlot(
                    entry.ref,
                    entry.uid,
                    entry.title,
                    start,
                    end,
                    tuple(item.text for item in items),
                )
            )
            taken = sorted([*taken, (start, end)])
    return tuple(sorted(slots, key=lambda s: (s.start, s.ref)))


def _free_gaps(
    taken: list[tuple[datetime, datetime]], low: datetime, high: datetime
) -> list[tuple[datetime, datetime]]:
    gaps = []
    cursor = low
    for start, end in taken:
        if end <= cursor:
            continue
        if start >= high:
            break
        if start > cursor:
            gaps.append((cursor, min(start, high)))
        cursor = max(cursor, end)
        if cursor >= high:
            break
    if cursor < high:
        gaps.append((cursor, high))
    return gaps


def _unfinished(user: UserInputs) -> tuple[str, ...]:
    chosen = {goal.text.casefold() for goal in user.goals}
    return tuple(
        goal.text
        for goal in user.previous_goals
        if not goal.done and goal.text.casefold() not in chosen
    )


def suggest_goals(briefing: Briefing, limit: int = 5) -> list[str]:
    """A handful of candidates for the day's goals (issue 6, "pick today's goals").

    Most pressing first: the last earlier day's unfinished goals, overdue follow-ups (oldest
    first), then required checklist items still open (in meeting order), then follow-ups due
    on the day. Texts already chosen as
    goals are left out.
    """
    chosen = {goal.text.casefold() for goal in briefing.goals}
    lines = [line for group in briefing.follow_ups for line in group.items]
    overdue = sorted((x for x in lines if x.overdue_days), key=lambda x: -x.overdue_days)
    due = [x for x in lines if not x.overdue_days]
    candidates = list(briefing.unfinished_goals)
    candidates += [x.entry.text for x in overdue]
    candidates += [
        f"{item.text} ({_short(entry.title, 60)})"
        for entry in briefing.meetings
        if entry.status != "cancelled"
        for item in entry.open_required
    ]
    candidates += [x.entry.text for x in due]
    picked: list[str] = []
    for text in candidates:
        if text.casefold() not in chosen and text not in picked:
            picked.append(text)
        if len(picked) >= limit:
            break
    return picked
