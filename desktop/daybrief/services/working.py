"""The user's working pattern (days, hours, thresholds) as kept in the store's settings."""

from __future__ import annotations

from datetime import time, timedelta

from daybrief.core.review import WorkingPattern
from daybrief.store.db import Store
from daybrief.store.settings import Settings

# Setting keys (JSON values in the store's settings table).
WORKING_DAYS = "work/days"
"""List of weekday numbers, Monday = 0."""
DAY_START = "work/day_start"
"""'HH:MM'."""
DAY_END = "work/day_end"
BACK_TO_BACK_GAP = "briefing/back_to_back_gap_minutes"
BACK_TO_BACK_MEETINGS = "briefing/back_to_back_meetings"
BACK_TO_BACK_HOURS = "briefing/back_to_back_hours"
PREP_MINUTES = "briefing/prep_minutes"
OWN_DOMAINS = "clients/own_domains"
"""Extra domains of the user's own organisation (besides those of their addresses)."""
TIME_OFF_UIDS = "calendar/time_off_uids"
"""UIDs of all-day events the user marked as time off."""


def _clock_time(value: object, default: time) -> time:
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return default
    return default


def briefing_settings(settings: Settings) -> WorkingPattern:
    """The user's settings, each falling back to its default when unset or malformed."""
    base = WorkingPattern()
    days = settings.get(WORKING_DAYS)
    working = base.working_days
    if isinstance(days, list) and all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days
    ):
        working = frozenset(d for d in days if isinstance(d, int))
    gap = settings.get_as(BACK_TO_BACK_GAP, int, 5)
    count = settings.get_as(BACK_TO_BACK_MEETINGS, int, base.back_to_back_meetings)
    hours = settings.get_as(BACK_TO_BACK_HOURS, float, 3.0)
    prep = settings.get_as(PREP_MINUTES, int, base.prep_minutes)
    return WorkingPattern(
        working_days=working,
        day_start=_clock_time(settings.get(DAY_START), base.day_start),
        day_end=_clock_time(settings.get(DAY_END), base.day_end),
        back_to_back_gap=timedelta(minutes=max(0, gap)),
        back_to_back_meetings=max(2, count),
        back_to_back_span=timedelta(hours=max(0.5, hours)),
        prep_minutes=max(5, prep),
    )


def settings_of(store: Store) -> WorkingPattern:
    """The briefing settings kept in ``store``."""
    return briefing_settings(Settings(store))
