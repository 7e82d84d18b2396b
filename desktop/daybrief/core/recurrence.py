"""Expansion of events into occurrences over a window.

Rules (docs/semantics.md, RFC 5545 3.8.5):

* Series are expanded in their own wall-clock time, then placed in their zone,
  so 09:00 stays 09:00 across DST.
* DTSTART is always the first instance and counts toward COUNT.
* EXDATE removes instances; an override (RECURRENCE-ID) replaces one, or with
  RANGE=THISANDFUTURE shifts that one and all later ones.
* Of several VEVENTs with one UID and no RECURRENCE-ID the highest SEQUENCE
  wins (a tie: the later one in the file).
* Infinite series are expanded only over the window asked for; any series
  stops after :data:`MAX_INSTANCES_PER_SERIES`.

Warning:
    Floating times use the calendar's X-WR-TIMEZONE when it has one, else the
    user's zone; all-day dates always use the user's zone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil import rrule as du

from daybrief.core.errors import ReadWarning
from daybrief.core.events import Moment, ParsedCalendar, ParsedEvent
from daybrief.core.feasibility import never_matches
from daybrief.core.model import EventInfo, Occurrence, recurrence_key
from daybrief.core.roles import stronger_role
from daybrief.core.values import Duration, RecurrenceRule

MAX_INSTANCES_PER_SERIES = 500_000
MAX_INSTANCES_IN_WINDOW = 20_000
"""Per series: more than any real calendar holds (hourly for two years), fewer than a
FREQ=SECONDLY rule would bury the user's day under."""
SERIES_CUT = "series cut"
"""How every warning about a series cut short begins: which instances survive then
depends on the window asked for."""
SERIES_TIME_BUDGET_S = 1.5
"""An absurd rule (FREQ=SECONDLY for years) is cut here, with a warning, not left to hang."""
_MARGIN = timedelta(days=2)  # covers any UTC offset when comparing wall times to instants
_EPOCH_MIN = datetime(1, 1, 3)
_EPOCH_MAX = datetime(9999, 12, 29)

_Warn = Callable[..., None]
"""warn(event, message, line=None): line defaults to the event's BEGIN:VEVENT."""


@dataclass(slots=True)
class Expansion:
    occurrences: list[Occurrence] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)


@dataclass(slots=True)
class _Length:
    """How long each instance lasts: exact elapsed time, or nominal days plus exact time."""

    exact: timedelta = timedelta(0)
    nominal_days: int = 0

    @property
    def approximate(self) -> timedelta:
        return self.exact + timedelta(days=self.nominal_days)


class _Series:
    """One master event with its overrides, in one zone."""

    def __init__(
        self,
        master: ParsedEvent,
        overrides: list[ParsedEvent],
        floating_zone: tzinfo,
        user_zone: tzinfo,
        floating_label: str,
    ) -> None:
        self.master = master
        self.all_day = master.start.is_date
        self.user_zone = user_zone
        self.floating_zone = floating_zone
        self.zone: tzinfo = user_zone if self.all_day else (master.start.zone or floating_zone)
        self.tz_label = master.start.tz
        if self.tz_label == "floating" and not self.all_day:
            self.tz_label = floating_label
        self.length = _length_of(master, floating_zone)
        self.overrides: dict[object, ParsedEvent] = {}
        self.future_overrides: list[tuple[datetime, ParsedEvent]] = []
        for override in overrides:
            assert override.recurrence_id is not None
            key = self._key_of_moment(override.recurrence_id)
            current = self.overrides.get(key)
            if current is None or override.sequence >= current.sequence:
                self.overrides[key] = override
        for key, override in self.overrides.items():
            if override.range_future and isinstance(key, datetime):
                self.future_overrides.append((key, override))
        self.future_overrides.sort(key=lambda item: item[0])

    def _key_of_moment(self, moment: Moment) -> object:
        """An instance's identity: its UTC start, or its date for all-day series."""
        if self.all_day:
            value = moment.value
            return value.date() if isinstance(value, datetime) else value
        if moment.is_date:
            return moment.value  # matched by local date, see _date_keys
        return moment.to_utc(self.floating_zone)

    def _local(self, moment: Moment) -> datetime:
        """A moment as naive wall time of this series' zone."""
        value = moment.value
        if not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        if self.all_day or moment.zone is None or moment.zone is self.zone:
            return value
        return moment.to_utc(self.floating_zone).astimezone(self.zone).replace(tzinfo=None)

    def _to_utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone).astimezone(UTC)

    def expand(
        self, window_start: datetime, window_end: datetime, out: list[Occurrence], warn: _Warn
    ) -> None:
        master = self.master
        if not master.is_recurring and not self.overrides:
            self._emit_single(window_start, window_end, out)
            return
        shift = max(
            (abs(o.start.to_utc(self.floating_zone) - key) for key, o in self.future_overrides),
            default=timedelta(0),
        )
        reach = self.length.approximate + shift + _MARGIN
        local_lo = _naive_in(window_start - reach, self.zone)
        local_hi = _naive_in(window_end + shift + _MARGIN, self.zone)
        for rid in self.overrides:
            # Overrides moved into the window from far away still need their instance found.
            if isinstance(rid, datetime):
                local_hi = max(local_hi, _naive_in(rid + _MARGIN, self.zone))
            elif isinstance(rid, date):
                local_hi = max(local_hi, datetime(rid.year, rid.month, rid.day) + _MARGIN)
        # Instances before the window matter only as the originals of overrides.
        wanted_before: set[date] = {
            _naive_in(rid, self.zone) if isinstance(rid, datetime) else rid
            for rid in self.overrides
            if isinstance(rid, date)
        }
        local_starts, periods = self._candidates(local_lo, local_hi, wanted_before, warn)
        excluded_instants, excluded_dates = self._exclusions()
        date_keys = {key: override for key, override in self.overrides.items() if type(key) is date}
        matched: set[object] = set()
        seen: set[datetime] = set()
        for local in sorted(local_starts):
            start_utc = self._to_utc(local)
            if start_utc in seen:
                continue
            seen.add(start_utc)
            key: object = local.date() if self.all_day else start_utc
            if key in excluded_instants or local.date() in excluded_dates:
                continue
            override = self.overrides.get(key)
            if override is None and not self.all_day and local.date() in date_keys:
                key = local.date()
                override = date_keys[key]
            if override is not None:
                matched.add(key)
                self._emit_override(override, key, None, window_start, window_end, out)
                continue
            if local < local_lo:
                continue
            self._emit_instance(
                local, start_utc, key, periods.get(local), window_start, window_end, out
            )
        for key, override in self.overrides.items():
            if key in matched:
                continue
            if key in excluded_instants or (isinstance(key, date) and key in excluded_dates):
                continue  # the series EXDATEs it: the override is dropped too
            self._emit_override(override, key, "rid-not-in-series", window_start, window_end, out)

    def _candidates(
        self,
        local_lo: datetime,
        local_hi: datetime,
        wanted_before: set[date],
        warn: _Warn,
    ) -> tuple[set[datetime], dict[datetime, Moment | Duration]]:
        master = self.master
        dtstart = self._local(master.start)
        starts = {dtstart}
        single_rule = len(master.rules) == 1
        # Caps are per series, shared by all its rules: two absurd RRULEs must not get twice
        # the time a calendar read may take.
        walked = 0
        deadline = time.monotonic() + SERIES_TIME_BUDGET_S
        for rule in master.rules:
            if walked >= MAX_INSTANCES_PER_SERIES or time.monotonic() > deadline:
                break
            until: datetime | None = None
            if isinstance(rule.until, datetime):
                until = rule.until
                if rule.until_utc:
                    until = _naive_in(until.replace(tzinfo=UTC), self.zone)
            elif rule.until is not None:
                until = datetime(rule.until.year, rule.until.month, rule.until.day)
                if not self.all_day:
                    until += timedelta(hours=23, minutes=59, seconds=59)
            if until is not None and until < dtstart:
                continue
            impossible = never_matches(rule, dtstart)
            if impossible:
                warn(master, f"RRULE yields no instance ({impossible}); ignored", rule.line)
                continue
            first = dtstart
            if rule.count is None:
                earliest_needed = min(
                    [local_lo]
                    + [_as_datetime(rid) for rid in wanted_before if isinstance(rid, date)]
                )
                first = _fast_forward(rule, dtstart, earliest_needed)
            try:
                iterator = iter(rule.to_dateutil(first, until))
            except (ValueError, OverflowError) as error:
                warn(master, f"RRULE not expanded: {error}", rule.line)
                continue
            limit = rule.count
            produced = 0
            try:
                for index, local in enumerate(iterator):
                    if index == 0 and local != dtstart and limit is not None and single_rule:
                        # RFC 5545: DTSTART counts toward COUNT even when off the rule. With
                        # several RRULEs (RFC 2445 style) each counts only its own instances.
                        limit -= 1
                    if limit is not None and produced >= limit:
                        break
                    if local > local_hi:
                        break
                    produced += 1
                    walked += 1
                    if (
                        local >= local_lo
                        or local in wanted_before
                        or (local.date() in wanted_before)
                    ):
                        starts.add(local)
                        if len(starts) > MAX_INSTANCES_IN_WINDOW:
                            warn(
                                master,
                                f"{SERIES_CUT} after {MAX_INSTANCES_IN_WINDOW} instances in the "
                                "window asked for",
                                rule.line,
                            )
                            break
                    if walked >= MAX_INSTANCES_PER_SERIES:
                        warn(
                            master,
                            f"{SERIES_CUT} after {MAX_INSTANCES_PER_SERIES} instances",
                            rule.line,
                        )
                        break
                    if index & 1023 == 1023 and time.monotonic() > deadline:
                        warn(master, f"{SERIES_CUT}: its rule takes too long to expand", rule.line)
                        break
            except (ValueError, OverflowError) as error:
                warn(master, f"RRULE expansion stopped: {error}", rule.line)
        for rdate in master.rdates:
            starts.add(self._local(rdate))
        periods: dict[datetime, Moment | Duration] = {}
        for rdate, end in master.rdate_periods:
            local = self._local(rdate)
            starts.add(local)
            periods[local] = end
        return starts, periods

    def _exclusions(self) -> tuple[set[object], set[date]]:
        instants: set[object] = set()
        dates: set[date] = set()
        for exdate in self.master.exdates:
            if exdate.is_date:
                assert not isinstance(exdate.value, datetime)
                (instants if self.all_day else dates).add(exdate.value)
            elif self.all_day:
                instants.add(self._local(exdate).date())
            else:
                instants.add(exdate.to_utc(self.floating_zone))
        return instants, dates

    def _future_override_for(self, key: datetime) -> tuple[datetime, ParsedEvent] | None:
        found = None
        for rid, override in self.future_overrides:
            if rid < key:
                found = (rid, override)
            else:
                break
        return found

    def _emit_single(
        self, window_start: datetime, window_end: datetime, out: list[Occurrence]
    ) -> None:
        local = self._local(self.master.start)
        start_utc = self._to_utc(local)
        end_utc, end_date = self._end(local, start_utc, self.length)
        if _in_window(start_utc, end_utc, window_start, window_end):
            out.append(
                self._occurrence(self.master.info, local, start_utc, end_utc, end_date, None)
            )

    def _emit_instance(
        self,
        local: datetime,
        start_utc: datetime,
        key: object,
        period_end: Moment | Duration | None,
        window_start: datetime,
        window_end: datetime,
        out: list[Occurrence],
    ) -> None:
        info = self.master.info
        length = self.length
        moved_range = None
        if self.future_overrides and isinstance(key, datetime):
            future = self._future_override_for(key)
            if future is not None:
                rid, override = future
                info = override.info
                length = _length_of(override, self.floating_zone, fallback=self.length)
                local = local + (self._local(override.start) - _naive_in(rid, self.zone))
                start_utc = self._to_utc(local)
                moved_range = "THISANDFUTURE"
        if isinstance(period_end, Duration):
            length = _Length(period_end.exact, period_end.days)
        end_utc, end_date = self._end(local, start_utc, length)
        if isinstance(period_end, Moment):
            end_utc = max(start_utc, period_end.to_utc(self.floating_zone))
        if _in_window(start_utc, end_utc, window_start, window_end):
            occurrence = self._occurrence(info, local, start_utc, end_utc, end_date, key)
            if moved_range:
                occurrence = _replace_range(occurrence, moved_range)
            out.append(occurrence)

    def _emit_override(
        self,
        override: ParsedEvent,
        key: object,
        orphan: str | None,
        window_start: datetime,
        window_end: datetime,
        out: list[Occurrence],
    ) -> None:
        all_day = override.start.is_date
        zone = self.user_zone if all_day else (override.start.zone or self.floating_zone)
        local = override.start.value
        if not isinstance(local, datetime):
            local = datetime(local.year, local.month, local.day)
        start_utc = local.replace(tzinfo=zone).astimezone(UTC)
        length = _length_of(override, self.floating_zone, fallback=self.length)
        end_utc, end_date = _end_of(local, start_utc, length, zone, all_day)
        if not _in_window(start_utc, end_utc, window_start, window_end):
            return
        rid: date | datetime
        if isinstance(key, datetime | date):
            rid = key
        else:  # pragma: no cover - keys are always dates or datetimes
            return
        tz = override.start.tz
        if tz == "floating" and not all_day:
            tz = self.tz_label if self.tz_label.startswith("x-wr") else "floating"
        out.append(
            Occurrence(
                event=override.info,
                start=start_utc,
                end=end_utc,
                all_day=all_day,
                start_date=local.date() if all_day else None,
                end_date=end_date,
                recurrence_id=rid,
                tz=tz,
                zone=None if all_day else override.start.zone,
                orphan=orphan,
            )
        )

    def _end(
        self, local: datetime, start_utc: datetime, length: _Length
    ) -> tuple[datetime, date | None]:
        return _end_of(local, start_utc, length, self.zone, self.all_day)

    def _occurrence(
        self,
        info: EventInfo,
        local: datetime,
        start_utc: datetime,
        end_utc: datetime,
        end_date: date | None,
        key: object,
    ) -> Occurrence:
        rid: date | datetime | None = None
        if self.master.is_recurring or key is not None:
            rid = key if isinstance(key, date | datetime) else None
        return Occurrence(
            event=info,
            start=start_utc,
            end=end_utc,
            all_day=self.all_day,
            start_date=local.date() if self.all_day else None,
            end_date=end_date,
            recurrence_id=rid,
            tz=self.tz_label,
            zone=None if self.all_day else self.master.start.zone,
        )


_FIXED_STEPS = {
    du.DAILY: timedelta(days=1),
    du.HOURLY: timedelta(hours=1),
    du.MINUTELY: timedelta(minutes=1),
    du.SECONDLY: timedelta(seconds=1),
}


def _fast_forward(rule: RecurrenceRule, dtstart: datetime, target: datetime) -> datetime:
    """A later start on the same grid of periods, at or before ``target``.

    Without COUNT, instances before the window change nothing, so a minutely series
    begun years ago need not be walked from its first minute. Only fixed-length
    periods (weeks and shorter) are shifted; months and years are never numerous.
    """
    if rule.freq == du.WEEKLY:
        step = timedelta(weeks=rule.interval)
    elif rule.freq in _FIXED_STEPS:
        step = _FIXED_STEPS[rule.freq] * rule.interval
    else:
        return dtstart
    gap = target - dtstart - timedelta(days=8)  # keep a week of slack for BYDAY/BYHOUR spreads
    if gap <= step:
        return dtstart
    return dtstart + step * (gap // step)


def _as_datetime(value: date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _replace_range(occurrence: Occurrence, value: str) -> Occurrence:
    return replace(occurrence, range=value)


def _end_of(
    local: datetime, start_utc: datetime, length: _Length, zone: tzinfo, all_day: bool
) -> tuple[datetime, date | None]:
    if all_day:
        days = max(0, length.nominal_days + length.exact.days)
        end_date = local.date() + timedelta(days=days)
        end_local = datetime(end_date.year, end_date.month, end_date.day)
        return end_local.replace(tzinfo=zone).astimezone(UTC), end_date
    if length.nominal_days:
        end_local = local + timedelta(days=length.nominal_days)
        end_utc = end_local.replace(tzinfo=zone).astimezone(UTC) + length.exact
    else:
        end_utc = start_utc + length.exact
    return max(end_utc, start_utc), None


def _length_of(
    event: ParsedEvent, floating_zone: tzinfo, fallback: _Length | None = None
) -> _Length:
    start = event.start
    if event.end is not None:
        if start.is_date:
            end_value = event.end.value
            end_day = end_value.date() if isinstance(end_value, datetime) else end_value
            start_day = start.value if not isinstance(start.value, datetime) else start.value.date()
            return _Length(nominal_days=max(0, (end_day - start_day).days))
        exact = event.end.to_utc(floating_zone) - start.to_utc(floating_zone)
        return _Length(exact=max(exact, timedelta(0)))
    if event.duration is not None:
        if start.is_date:
            days = event.duration.days + (1 if event.duration.exact > timedelta(0) else 0)
            return _Length(nominal_days=days)
        return _Length(exact=event.duration.exact, nominal_days=event.duration.days)
    if fallback is not None:
        return fallback
    return _Length(nominal_days=1) if start.is_date else _Length()


def _naive_in(moment: datetime, zone: tzinfo) -> datetime:
    """An aware instant as naive wall time in ``zone``, clamped to datetime's range."""
    try:
        return moment.astimezone(zone).replace(tzinfo=None)
    except OverflowError:
        return _EPOCH_MIN if moment.year < 100 else _EPOCH_MAX


def _in_window(
    start: datetime, end: datetime, window_start: datetime, window_end: datetime
) -> bool:
    if end == start:
        return window_start <= start < window_end
    return start < window_end and end > window_start


def expand_calendar(
    calendar: ParsedCalendar, window_start: datetime, window_end: datetime, user_zone: tzinfo
) -> Expansion:
    """All occurrences of one calendar overlapping ``[window_start, window_end)``.

    Args:
        calendar: as read by :func:`daybrief.core.events.read_calendar`.
        window_start: aware.
        window_end: aware, exclusive.
        user_zone: for all-day dates, and floating times when the file has no X-WR-TIMEZONE.
    """
    result = Expansion()
    floating_zone = calendar.floating_zone or user_zone
    floating_label = (
        f"x-wr-timezone:{calendar.floating_zone_name}" if calendar.floating_zone else "floating"
    )

    def warn(event: ParsedEvent, message: str, line: int | None = None) -> None:
        where = line if line is not None else event.line
        result.warnings.append(ReadWarning(calendar.source, where, event.uid, message))

    masters: dict[str, ParsedEvent] = {}
    overrides: dict[str, list[ParsedEvent]] = {}
    anonymous: list[ParsedEvent] = []
    for event in calendar.events:
        if event.uid is None:
            anonymous.append(event)
        elif event.recurrence_id is not None:
            overrides.setdefault(event.uid, []).append(event)
        else:
            current = masters.get(event.uid)
            if current is None or event.sequence >= current.sequence:
                masters[event.uid] = event
    out = result.occurrences
    groups = [(master, overrides.pop(uid, [])) for uid, master in masters.items()]
    groups.extend((event, []) for event in anonymous)
    utc_start = _naive_utc(window_start)
    utc_end = _naive_utc(window_end)
    for master, own_overrides in groups:
        if not own_overrides and _far_outside(master, utc_start, utc_end):
            continue
        try:
            series = _Series(master, own_overrides, floating_zone, user_zone, floating_label)
            series.expand(window_start, window_end, out, warn)
        except (ValueError, OverflowError, TypeError) as error:
            # Dates at the edge of the calendar (year 1, 9999) cannot be placed in a zone.
            warn(master, f"event not expanded: {error}")
    for orphans in overrides.values():
        for override in _latest_per_rid(orphans):
            holder = _Series(override, [], floating_zone, user_zone, floating_label)
            assert override.recurrence_id is not None
            key = holder._key_of_moment(override.recurrence_id)
            try:
                holder._emit_override(override, key, "no-master", window_start, window_end, out)
            except (ValueError, OverflowError, TypeError) as error:
                warn(override, f"event not expanded: {error}")
    return result


_DAY = timedelta(days=1)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _far_outside(event: ParsedEvent, utc_start: datetime, utc_end: datetime) -> bool:
    """A one-off event whose wall-clock times keep it days clear of the window (naive UTC).

    This needs no zone conversion; most events of a big calendar are thus passed over
    cheaply. Series are always expanded: some warn whatever the window (a rule that yields
    nothing, say). Edge years too, for the warning when they cannot be placed.
    """
    if event.rules or event.rdates or event.rdate_periods:
        return False
    span = event_span(event)
    return span is not None and (span[0] >= utc_end or span[1] <= utc_start)


def event_span(event: ParsedEvent) -> tuple[datetime, datetime] | None:
    """Naive UTC times that surely hold every occurrence an event can produce, by itself
    or as the master or override of a series; None when that is not known (a series
    without UNTIL, an override for this and future instances, a date too near the ends
    of the calendar to place).

    No zone moves a wall time by a day or more (Python refuses such offsets), so the
    event's own wall-clock times, widened by days, are enough: no zone conversion.
    """
    known = event.span
    if not isinstance(known, bool):  # asked before: bounds, or None
        return known
    span = _span_of(event)
    event.span = span
    return span


def _span_of(event: ParsedEvent) -> tuple[datetime, datetime] | None:
    if event.range_future:
        return None
    start = _as_datetime(event.start.value)
    try:
        if not 1 < start.year < 9999:
            return None
        # How long one instance lasts, over-estimated: a nominal day more than it says.
        if event.end is not None:
            length = max(timedelta(0), _as_datetime(event.end.value) - start) + _DAY
        elif event.duration is not None:
            length = timedelta(days=event.duration.days) + event.duration.exact + _DAY
        else:
            length = _DAY
        # The last instance starts at most here: a date UNTIL means that whole day, and a
        # UTC one may be a day off the series' wall time.
        last = start
        for rule in event.rules:
            if rule.until is None:
                return None
            last = max(last, _as_datetime(rule.until) + 2 * _DAY)
        for moment in event.rdates:
            last = max(last, _as_datetime(moment.value) + 2 * _DAY)
        latest_end = last + length
        for moment, period_end in event.rdate_periods:
            begin = _as_datetime(moment.value)
            if isinstance(period_end, Duration):
                end = begin + timedelta(days=period_end.days) + period_end.exact
            else:
                end = max(begin, _as_datetime(period_end.value))
            latest_end = max(latest_end, begin + length + 2 * _DAY, end + 2 * _DAY)
        return start - _MARGIN, latest_end + _MARGIN
    except OverflowError:
        return None


def _latest_per_rid(events: list[ParsedEvent]) -> list[ParsedEvent]:
    latest: dict[tuple[object, str], ParsedEvent] = {}
    for event in events:
        assert event.recurrence_id is not None
        key = (event.recurrence_id.value, event.recurrence_id.tz)
        current = latest.get(key)
        if current is None or event.sequence >= current.sequence:
            latest[key] = event
    return list(latest.values())


def merge_calendars(expansions: Iterable[list[Occurrence]]) -> list[Occurrence]:
    """Occurrences of several calendars as one sorted list; a meeting in two calendars once.

    The same UID and RECURRENCE-ID in two calendars is one meeting (docs/semantics.md); the copy
    with the highest SEQUENCE is kept, and ``calendars`` names every calendar it is in.
    Its role is the strongest of its copies' (core.roles): a meeting that is in one of
    the user's own calendars is the user's, whatever a team calendar says of it.
    """
    by_identity: dict[tuple[str, str], Occurrence] = {}
    calendars: dict[tuple[str, str], list[str]] = {}
    roles: dict[tuple[str, str], str] = {}
    merged: list[Occurrence] = []
    for occurrences in expansions:
        for occurrence in occurrences:
            uid = occurrence.event.uid
            if uid is None:
                merged.append(occurrence)
                continue
            key = (uid, recurrence_key(occurrence))
            current = by_identity.get(key)
            if current is None:
                by_identity[key] = occurrence
                calendars[key] = [occurrence.calendar]
                continue
            if occurrence.calendar not in calendars[key]:
                calendars[key].append(occurrence.calendar)
            role = roles.get(key, current.event.role)
            if occurrence.event.role != role:
                roles[key] = stronger_role(role, occurrence.event.role)
            if occurrence.event.sequence > current.event.sequence:
                by_identity[key] = occurrence
    # Instances of a series share one EventInfo: give them one upgraded copy, not one each.
    upgraded: dict[tuple[int, str], EventInfo] = {}
    for key, occurrence in by_identity.items():
        names = calendars[key]
        strongest = roles.get(key)
        if strongest is not None and strongest != occurrence.event.role:
            event = occurrence.event
            found = upgraded.get((id(event), strongest))
            if found is None:
                found = upgraded[(id(event), strongest)] = replace(event, role=strongest)
            occurrence = replace(occurrence, event=found, calendars=tuple(names))
        elif len(names) > 1:
            occurrence = replace(occurrence, calendars=tuple(names))
        merged.append(occurrence)
    merged.sort(key=sort_key)
    return merged


def sort_key(occurrence: Occurrence) -> tuple[datetime, str, str]:
    return occurrence.start, occurrence.event.uid or "", recurrence_key(occurrence)
