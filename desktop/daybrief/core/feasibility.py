"""Does a recurrence rule ever produce an instance? Answered before dateutil is asked.

python-dateutil walks an impossible rule (30 February, BYSETPOS beyond the period,
a daily grid that never meets its weekday) until year 9999 without yielding, which
takes seconds or, for FREQ=SECONDLY, effectively forever; a calendar read must never
hang. Gregorian dates repeat every 400 years, so one cycle of the rule's period grid
settles whether its date filters can ever match.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from dateutil import rrule as du

from daybrief.core.values import RecurrenceRule

_CYCLE_DAYS = 146_097  # days in 400 Gregorian years
_SECONDS = {du.HOURLY: 3600, du.MINUTELY: 60, du.SECONDLY: 1}


def never_matches(rule: RecurrenceRule, dtstart: datetime) -> str | None:
    """Why ``rule`` can produce no instance from ``dtstart`` on, or None if it can."""
    by = dict(rule.by)
    positions = by.get("BYSETPOS")
    if positions and min(abs(p) for p in positions) > _largest_period_set(rule, by):
        return "BYSETPOS asks for a position no period of the rule has"
    filters = _DateFilter(rule, by)
    if not filters.active:
        return None
    for day in _grid_days(rule, dtstart):
        if filters.matches(day):
            return None
    return "its date filters never meet the days the rule steps through"


def _largest_period_set(rule: RecurrenceRule, by: dict[str, tuple[int, ...]]) -> int:
    """An upper bound on how many instances one period of the rule holds."""
    seconds = len(by.get("BYSECOND", ())) or 1
    minutes = len(by.get("BYMINUTE", ())) or 1
    hours = len(by.get("BYHOUR", ())) or 1
    per_day = {
        du.SECONDLY: 1,
        du.MINUTELY: seconds,
        du.HOURLY: seconds * minutes,
    }.get(rule.freq, seconds * minutes * hours)
    days = {du.WEEKLY: 7, du.MONTHLY: 31, du.YEARLY: 366}.get(rule.freq, 1)
    return per_day * days


class _DateFilter:
    """The day-level parts of a rule; BYDAY ordinals and BYWEEKNO are left out (a superset)."""

    def __init__(self, rule: RecurrenceRule, by: dict[str, tuple[int, ...]]) -> None:
        self.months = set(by.get("BYMONTH", ()))
        self.month_days = set(by.get("BYMONTHDAY", ()))
        self.year_days = set(by.get("BYYEARDAY", ()))
        self.weekdays = {day for day, _ in rule.byday}
        self.active = bool(self.months or self.month_days or self.year_days or self.weekdays)

    def matches(self, day: date) -> bool:
        if self.months and day.month not in self.months:
            return False
        if self.weekdays and day.weekday() not in self.weekdays:
            return False
        if self.month_days:
            length = calendar.monthrange(day.year, day.month)[1]
            if day.day not in self.month_days and day.day - length - 1 not in self.month_days:
                return False
        if self.year_days:
            ordinal = day.timetuple().tm_yday
            length = 366 if calendar.isleap(day.year) else 365
            if ordinal not in self.year_days and ordinal - length - 1 not in self.year_days:
                return False
        return True


def _grid_days(rule: RecurrenceRule, dtstart: datetime) -> Iterator[date]:
    """Every day the rule's periods cover, over one 400-year cycle from ``dtstart``."""
    first = dtstart.date()
    limit = first + timedelta(days=_CYCLE_DAYS)
    if rule.freq in _SECONDS:
        step_seconds = _SECONDS[rule.freq] * rule.interval
        if step_seconds < 86_400:
            yield from _days(first, limit, 1)
            return
        # A grid coarser than a day: walk its instants, day by day as they fall.
        moment, step = dtstart, timedelta(seconds=step_seconds)
        end = datetime.combine(limit, dtstart.time())
        while moment < end:
            yield moment.date()
            moment += step
        return
    if rule.freq == du.DAILY:
        yield from _days(first, limit, rule.interval)
    elif rule.freq == du.WEEKLY:
        week_start = first - timedelta(days=(first.weekday() - rule.wkst) % 7)
        for start in _days(week_start, limit, 7 * rule.interval):
            yield from _days(start, start + timedelta(days=7), 1)
    elif rule.freq == du.MONTHLY:
        month_index = first.year * 12 + first.month - 1
        for index in range(month_index, month_index + 4800, rule.interval):
            year, month = divmod(index, 12)
            if year > 9999:
                return
            length = calendar.monthrange(year, month + 1)[1]
            start = date(year, month + 1, 1)
            yield from _days(start, start + timedelta(days=length), 1)
    else:
        for year in range(first.year, min(first.year + 400, 10_000), rule.interval):
            start = date(year, 1, 1)
            yield from _days(start, date(year, 12, 31) + timedelta(days=1), 1)


def _days(start: date, end: date, step: int) -> Iterator[date]:
    day, delta = start, timedelta(days=step)
    try:
        while day < end:
            yield day
            day += delta
    except OverflowError:
        return
