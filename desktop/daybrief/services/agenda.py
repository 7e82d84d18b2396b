"""What the window shows: a day's agenda, a week at a glance and the hygiene list.

Plain data built from the store's calendars and the user's data; the ui wraps it in
Qt models and never computes meaning itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from daybrief.core.briefing import day_load
from daybrief.core.clients import ClientDirectory
from daybrief.core.clock import SystemClock
from daybrief.core.confirmation import Unconfirmed, identity
from daybrief.core.conflicts import is_busy
from daybrief.core.keys import key_of as key_of  # re-exported for older callers
from daybrief.core.model import Occurrence
from daybrief.core.review import (
    Problem,
    ProblemInputs,
    ProblemKind,
    ProblemState,
    Review,
    build_review,
    days_period,
    meeting_ref,
    on_day,
    outside_hours,
    review_period,
    unconfirmed_by_key,
)
from daybrief.core.roles import is_mine
from daybrief.services.clients import client_directory
from daybrief.services.preferences import Preferences, zone_label
from daybrief.services.queries import (
    calendar_colours,
    calendars_token,
    materialised_until,
    occurrences_in_store,
    orphaned_meetings,
)
from daybrief.services.review import answered_meetings, problem_inputs
from daybrief.services.working import settings_of
from daybrief.store.checklists import Checklists
from daybrief.store.db import Store
from daybrief.store.models import MeetingSnapshot
from daybrief.store.stamps import review_inputs_stamp

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
    """The other meetings of an open double-booking it is part of."""
    unconfirmed: Unconfirmed | None
    """Why it is not confirmed, while that is an open problem."""
    checklist: ChecklistProgress
    outside_hours: bool
    """A busy meeting outside the working hours (a fact, whatever the problem's state)."""
    busy: bool
    problems: tuple[Problem, ...] = ()
    """The open problems it is part of (the review model's)."""
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
    problems: tuple[Problem, ...]
    """The day's problems, every state (the review model's)."""

    @property
    def open_problems(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_open)

    @property
    def problem_count(self) -> int:
        return len(self.open_problems)

    def count(self, kind: ProblemKind) -> int:
        return sum(1 for p in self.open_problems if p.kind is kind)

    @property
    def open_required_items(self) -> int:
        """Required items still open on the user's meetings (context is never counted)."""
        return sum(row.checklist.required_open for row in self.rows if not row.context)

    @property
    def meetings(self) -> int:
        """The user's meetings of the day; context entries are not counted."""
        return sum(not row.context for row in self.rows)


@dataclass(frozen=True)
class DaySummary:
    day: date
    meetings: int
    """Busy meetings, as the briefing's headline counts them."""
    first_start: datetime | None
    booked: timedelta
    conflicts: int
    """Open double-booking problems (a pile-up is one)."""
    unconfirmed: int
    working_day: bool
    problems: int = 0
    """Every open problem of the day."""


@dataclass(frozen=True)
class HygieneItem:
    """One row of the Hygiene page: a problem of the review model, or a vanished meeting."""

    kind: str
    """A problem kind (``double-booking``, ``unconfirmed``, ...) or ``gone``."""
    problem_key: str
    """The problem's stable id (``gone:<meeting key>`` for a vanished meeting)."""
    when: datetime | None
    title: str
    detail: str
    state: str = ProblemState.OPEN.value
    problem: Problem | None = None
    snapshot: MeetingSnapshot | None = None

    @property
    def day(self) -> date | None:
        return self.problem.day if self.problem is not None else None

    @property
    def meeting_key(self) -> str | None:
        if self.problem is not None and self.problem.meetings:
            return self.problem.meetings[0].key
        return self.snapshot.meeting_key if self.snapshot is not None else None


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
    """Clients in a meeting, name → the domain it is known by (docs/semantics.md, Client)."""
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
    """Builds the window's views from one store; cheap enough to call on every navigation.

    Problems come from the review model (:mod:`daybrief.core.review`) with the same inputs
    the briefing uses, so the Day, Week and Hygiene pages, the tray and the briefing agree.
    """

    def __init__(
        self,
        store: Store,
        preferences: Preferences,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``clock``: the window's (a callable giving now); None: the system's."""
        self.store = store
        self.preferences = preferences
        self._now: Callable[[], datetime] = clock or SystemClock().now
        # What depends on the calendars alone, kept for this service's life: the window
        # makes a new service whenever calendars or preferences change, and a ticked
        # checklist item then costs the problems, not the calendars' expansion again.
        self._occurrence_cache: dict[tuple[date, int], list[Occurrence]] = {}
        self._cached_for: tuple[object, ...] | None = None
        # Reviews by (first day, days), kept while the calendars and the user's data they
        # read are the same: on a big store they are the slow part of a refresh.
        self._review_cache: dict[tuple[date, int], tuple[tuple[object, ...], Review]] = {}
        # The Day page's rows by day, kept on the same terms (see :meth:`day`).
        self._day_cache: dict[date, tuple[tuple[object, ...], DayAgenda]] = {}
        self._week_cache: dict[tuple[date, int], tuple[tuple[object, ...], list[DaySummary]]] = {}

    @property
    def zone(self) -> tzinfo:
        return self.preferences.zone()

    def now(self) -> datetime:
        """Also makes the service a :class:`~daybrief.core.clock.Clock`."""
        return self._now()

    def occurrences(self, first: date, days: int) -> list[Occurrence]:
        token = calendars_token(self.store)
        if token != self._cached_for:  # a re-import or refresh by anyone: read them again
            self._occurrence_cache.clear()
            self._cached_for = token
        cached = self._occurrence_cache.get((first, days))
        if cached is None:
            zone = self.zone
            start, _ = day_bounds(first, zone)
            _, end = day_bounds(first + timedelta(days=days - 1), zone)
            found = occurrences_in_store(self.store, start, end, zone, zone_label(zone))
            cached = [o for o in found if o.event.status != "CANCELLED"]
            self._occurrence_cache[(first, days)] = cached
        return cached

    def _me(self) -> frozenset[str]:
        return identity(self.preferences.addresses)

    def directory(self) -> ClientDirectory:
        return client_directory(self.store, self.preferences.addresses)

    def review(self, first: date, days: int = 1) -> Review:
        """The problems of ``days`` days from ``first``, in every state, none of them over."""
        occurrences = self.occurrences(first, days)
        now = self.now()
        stamp = self._review_stamp()
        cached = self._review_cache.get((first, days))
        if cached is not None and cached[0] == stamp:
            # Time only ever ends problems: drop those over since it was worked out.
            over = now.astimezone(UTC)
            return replace(
                cached[1], problems=tuple(p for p in cached[1].problems if p.ends > over)
            )
        inputs = problem_inputs(self.store, occurrences, self._me())
        period = days_period(first, first + timedelta(days=days - 1), self.zone)
        pattern = settings_of(self.store)
        found = build_review(period, occurrences, self.zone, now, pattern, inputs)
        self._review_cache[(first, days)] = (stamp, found)
        return found

    def twin(self, store: Store) -> AgendaService:
        """A copy on ``store`` (a worker's connection) starting from what this one worked
        out; the copies of the caches are its own, so both can go on independently."""
        twin = AgendaService(store, self.preferences, self._now)
        twin._occurrence_cache = dict(self._occurrence_cache)
        twin._cached_for = self._cached_for
        twin._review_cache = dict(self._review_cache)
        twin._day_cache = dict(self._day_cache)
        twin._week_cache = dict(self._week_cache)
        return twin

    def _window_reviews(self, day: date, today: date) -> list[tuple[date, int]]:
        """The reviews a window showing ``day`` reads: the day, its week, the problems ahead
        (Hygiene) and the review period (the tray's badge and the Review page)."""
        monday = day - timedelta(days=day.weekday())
        period = review_period(self.now(), self.zone, settings_of(self.store))
        return [
            (day, 1),
            (monday, 7),
            (today, self.preferences.hygiene_days),
            (period.days[0], len(period.days)),
        ]

    def prepare(self, day: date, today: date, also: Sequence[date] = ()) -> None:
        """Work out everything :meth:`is_prepared` checks (on a worker, for the window), and
        the rows of ``day`` and of the days ``also`` (those the tray plans reminders from)."""
        for first, days in self._window_reviews(day, today):
            self.review(first, days)
        self.week(day - timedelta(days=day.weekday()))
        for each in dict.fromkeys([day, *also]):
            self.day(each)

    def is_prepared(self, day: date, today: date, also: Sequence[date] = ()) -> bool:
        """Whether a window showing ``day`` (and the days ``also``) would find every review
        it reads kept, so filling it is cheap (a few queries; the window otherwise asks a
        worker)."""
        if calendars_token(self.store) != self._cached_for:
            return False
        stamp = self._review_stamp()
        for key in [*self._window_reviews(day, today), *((each, 1) for each in also)]:
            kept = self._review_cache.get(key)
            if kept is None or kept[0] != stamp:
                return False
        return True

    def review_ahead(self) -> Review:
        """The review period at now (the tray's badge, the nudge), kept like any review."""
        period = review_period(self.now(), self.zone, settings_of(self.store))
        return self.review(period.days[0], len(period.days))

    def day(self, day: date) -> DayAgenda:
        """The day's rows, kept while nothing they show changed: the calendars, the user's
        data the problems read, the clients, the colours, and which problems there are
        (one that ended since drops out of the review, so the rows are made again)."""
        occurrences = self.occurrences(day, 1)
        review = self.review(day, 1)
        colours = calendar_colours(self.store)
        stamp = (*self._shown_stamp(review), tuple(sorted(colours.items())))
        kept = self._day_cache.get(day)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        made = self._make_day(day, occurrences, review, colours)
        self._day_cache[day] = (stamp, made)
        return made

    def _review_stamp(self) -> tuple[object, ...]:
        """What a kept review depends on: the calendars as last read, the user's data the
        problems read, the preferences."""
        return (self._cached_for, review_inputs_stamp(self.store), self.preferences)

    def _shown_stamp(self, review: Review) -> tuple[object, ...]:
        """What a view made from ``review`` depends on besides the calendars' colours."""
        return (*self._review_stamp(), tuple((p.id, p.state) for p in review.problems))

    def _make_day(
        self, day: date, occurrences: list[Occurrence], review: Review, colours: dict[str, str]
    ) -> DayAgenda:
        zone = self.zone
        me = self._me()
        open_problems = [p for p in review.problems if p.is_open]
        by_key: dict[str, list[Problem]] = {}
        for problem in open_problems:
            for ref in problem.refs:
                by_key.setdefault(ref, []).append(problem)
        # Only the answers matter for the reasons shown: not every input again.
        reasons = unconfirmed_by_key(
            occurrences, ProblemInputs(me=me, answered=answered_meetings(self.store))
        )
        pattern = settings_of(self.store)
        directory = self.directory()
        checklists = Checklists(self.store)
        # A pile-up can hold hundreds of meetings: look them up by ref, never pairwise.
        refs = {id(o): meeting_ref(o) for o in occurrences}
        by_ref: dict[str, list[Occurrence]] = {}
        for occurrence in occurrences:
            by_ref.setdefault(refs[id(occurrence)], []).append(occurrence)
        rows = []
        for occurrence in sorted(occurrences, key=lambda o: (not o.all_day, o.start, o.summary)):
            key = key_of(occurrence)
            ref = refs[id(occurrence)]
            mine = by_key.get(ref, [])
            kinds = {p.kind for p in mine}
            partners = tuple(
                other
                for p in mine
                if p.kind is ProblemKind.DOUBLE_BOOKING
                for member in p.meetings
                for other in by_ref.get(member.key, ())
                if other is not occurrence
            )
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
                    conflicts_with=partners,
                    unconfirmed=reasons.get(ref) if ProblemKind.UNCONFIRMED in kinds else None,
                    checklist=self._progress(checklists, key),
                    outside_hours=not occurrence.all_day
                    and is_busy(occurrence, me)
                    and bool(outside_hours(occurrence, day, zone, pattern)),
                    busy=is_busy(occurrence, me),
                    problems=tuple(mine),
                    context=not is_mine(occurrence, me),
                    role=occurrence.event.role,
                    colour=colours.get(occurrence.calendar),
                )
            )
        return DayAgenda(day, zone, rows, review.problems)

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
        """The days' summaries, kept on the same terms as :meth:`day`'s rows."""
        occurrences = self.occurrences(first, days)
        review = self.review(first, days)
        stamp = self._shown_stamp(review)
        kept = self._week_cache.get((first, days))
        if kept is not None and kept[0] == stamp:
            return list(kept[1])
        made = self._make_week(first, days, occurrences, review)
        self._week_cache[(first, days)] = (stamp, made)
        return list(made)

    def _make_week(
        self, first: date, days: int, occurrences: list[Occurrence], review: Review
    ) -> list[DaySummary]:
        zone = self.zone
        me = self._me()
        summaries = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            load = day_load(day, occurrences, zone, me)
            problems = [p for p in review.open if p.day == day]
            summaries.append(
                DaySummary(
                    day=day,
                    meetings=load.meetings,
                    first_start=load.first_start,
                    booked=load.booked,
                    conflicts=sum(1 for p in problems if p.kind is ProblemKind.DOUBLE_BOOKING),
                    unconfirmed=sum(1 for p in problems if p.kind is ProblemKind.UNCONFIRMED),
                    working_day=self.preferences.is_working_day(day),
                    problems=len(problems),
                )
            )
        return summaries

    def hygiene(self, today: date) -> list[HygieneItem]:
        """Every problem of the days ahead (open first, by day), then meetings that vanished."""
        review = self.review(today, self.preferences.hygiene_days)
        zone = self.zone
        items = [
            HygieneItem(
                kind=problem.kind.value,
                problem_key=problem.id,
                when=problem.at,
                title=_titles(problem),
                detail=problem.reason,
                state=problem.state.value,
                problem=problem,
            )
            for problem in review.problems
        ]
        items.sort(
            key=lambda i: (
                i.state != ProblemState.OPEN.value,
                i.when or datetime.max.replace(tzinfo=UTC),
            )
        )
        return [*items, *self._gone(zone)]

    def _gone(self, zone: tzinfo) -> list[HygieneItem]:
        """Meetings with the user's data that left every calendar (user data: never cached)."""
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


def _titles(problem: Problem) -> str:
    """The meetings' titles; a pile-up of dozens names its first three and counts the rest."""
    titles = [m.title for m in problem.meetings[:3]]
    more = len(problem.meetings) - len(titles)
    return " × ".join(titles) + (f" and {more} more" if more > 0 else "") or problem.kind.value


def occurrence_day(occurrence: Occurrence, zone: tzinfo) -> date:
    if occurrence.all_day and occurrence.start_date is not None:
        return occurrence.start_date
    return occurrence.start.astimezone(zone).date()


__all__ = [
    "AgendaRow",
    "AgendaService",
    "DayAgenda",
    "DaySummary",
    "FoundMeeting",
    "HygieneItem",
    "key_of",
    "meeting_clients",
    "meeting_link",
    "on_day",
    "search_meetings",
]


def _search_spans(
    store: Store, zone: tzinfo, first: date, days: int, chunk: int
) -> Iterator[tuple[date, date]]:
    """The days to search, ``chunk`` at a time while the meetings are stored (an indexed
    query each, so a near match comes quickly), then the rest at once (the calendars are
    expanded again there: once, not once per chunk)."""
    stored_until = materialised_until(store, zone_label(zone))
    offset = 0
    while offset < days:
        since = first + timedelta(days=offset)
        until = first + timedelta(days=min(offset + chunk, days) - 1)
        if stored_until is None or day_bounds(until, zone)[1] > stored_until:
            yield since, first + timedelta(days=days - 1)
            return
        yield since, until
        offset += chunk


@dataclass(frozen=True)
class FoundMeeting:
    """A meeting a search found: where the Day page shows it."""

    key: str | None
    day: date
    start: datetime
    summary: str


def search_meetings(
    store: Store,
    preferences: Preferences,
    text: str,
    first: date,
    after: tuple[str | None, datetime] | None = None,
    *,
    days: int = 366,
    chunk: int = 31,
) -> FoundMeeting | None:
    """The first meeting from ``first`` on, within ``days``, whose title, place or clients
    contain ``text`` (case-insensitive), in the Day page's order; past ``after`` (a
    meeting's key and start) when given.

    It reads the calendars a month at a time and works out no problems: a search through a
    year of a 100k-event store used to build every day's review on the way.
    """
    needle = text.casefold()
    zone = preferences.zone()
    directory = client_directory(store, preferences.addresses)
    passed = after is None
    for since, until in _search_spans(store, zone, first, days, chunk):
        start, _ = day_bounds(since, zone)
        _, end = day_bounds(until, zone)
        # A meeting across two spans is found once: on the day the Day page shows it.
        found = [
            o
            for o in occurrences_in_store(store, start, end, zone, zone_label(zone))
            if o.event.status != "CANCELLED" and since <= occurrence_day(o, zone) <= until
        ]
        found.sort(key=lambda o: (occurrence_day(o, zone), not o.all_day, o.start, o.summary))
        for occurrence in found:
            key = key_of(occurrence)
            if not passed:
                passed = (key, occurrence.start) == after
                continue
            haystack = " ".join(
                (
                    occurrence.summary,
                    occurrence.event.location or "",
                    *meeting_clients(occurrence, directory),
                )
            ).casefold()
            if needle in haystack:
                return FoundMeeting(
                    key, occurrence_day(occurrence, zone), occurrence.start, occurrence.summary
                )
    return None
