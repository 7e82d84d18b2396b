"""The user's working pattern (days, hours, thresholds), read through the settings'
declarations (core/settings.py) so the briefing, the review, the window and the command
line agree on every default and limit."""

from __future__ import annotations

from datetime import timedelta

from daybrief.core import settings as declared
from daybrief.core.review import WorkingPattern
from daybrief.services.queries import demo_showing
from daybrief.store.db import Store
from daybrief.store.settings import Settings

# The keys, as declared in core/settings.py.
WORKING_DAYS = declared.WORKING_DAYS.key
DAY_START = declared.DAY_START.key
DAY_END = declared.DAY_END.key
BACK_TO_BACK_GAP = declared.BACK_TO_BACK_GAP_MINUTES.key
BACK_TO_BACK_MEETINGS = declared.BACK_TO_BACK_MEETINGS.key
BACK_TO_BACK_HOURS = declared.BACK_TO_BACK_HOURS.key
PREP_MINUTES = declared.PREP_MINUTES.key
OWN_DOMAINS = declared.OWN_DOMAINS.key
TIME_OFF_UIDS = declared.TIME_OFF_UIDS.key


def briefing_settings(settings: Settings) -> WorkingPattern:
    """The user's settings, each falling back to its declared default when unset or not valid."""
    week = declared.working_week(settings.get)
    return WorkingPattern(
        working_days=week.days,
        day_start=week.start,
        day_end=week.end,
        back_to_back_gap=timedelta(
            minutes=declared.BACK_TO_BACK_GAP_MINUTES.read(settings.get(BACK_TO_BACK_GAP))
        ),
        back_to_back_meetings=declared.BACK_TO_BACK_MEETINGS.read(
            settings.get(BACK_TO_BACK_MEETINGS)
        ),
        back_to_back_span=timedelta(
            hours=declared.BACK_TO_BACK_HOURS.read(settings.get(BACK_TO_BACK_HOURS))
        ),
        prep_minutes=declared.PREP_MINUTES.read(settings.get(PREP_MINUTES)),
    )


def settings_of(store: Store) -> WorkingPattern:
    """The working pattern kept in ``store`` (the defaults while the demo shows: the demo's
    day looks the same whatever hours the user set)."""
    return WorkingPattern() if demo_showing(store) else briefing_settings(Settings(store))
