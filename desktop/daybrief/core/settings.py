"""Every setting the user can change, declared once: key, type, default and what is valid.

The window's preferences, the briefing, the reminders, the refresh timer and the command
line all read a setting through its declaration here, so they cannot disagree on its
default or its limits. A stored value that is not valid (hand-edited, or from another
version) reads as the default and is left as it is until the user sets it again; a number
outside its range is brought inside it.

Plain data only: services/settings.py reads and writes them in the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]


@dataclass(frozen=True, slots=True)
class WorkingWeek:
    """The days the user works (Monday = 0) and the hours of a working day."""

    days: frozenset[int] = frozenset(range(5))
    start: time = time(9, 0)
    end: time = time(17, 30)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days

    def next_working_day(self, after: date) -> date:
        """The first working day after ``after`` (Friday → Monday); the next day if none is."""
        for offset in range(1, 8):
            candidate = after + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        return after + timedelta(days=1)


DEFAULT_WEEK = WorkingWeek()


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One setting: its store key, default, and how a stored JSON value becomes a value."""

    key: str
    default: T
    parse: Callable[[Json], T]
    """Raises ValueError or TypeError for a value that is not valid."""
    dump: Callable[[T], Json]
    help: str
    minimum: float | None = field(default=None)
    maximum: float | None = field(default=None)

    def read(self, raw: Json) -> T:
        """The value stored as ``raw`` (None: not set), or the default if it is not valid."""
        if raw is None:
            return self.default
        try:
            return self.parse(raw)
        except (TypeError, ValueError):
            return self.default

    def check(self, value: T) -> T:
        """A value about to be saved, as it would read back (numbers brought into range)."""
        return self.parse(self.dump(value))


def _number(raw: Json, kind: type[int] | type[float]) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise TypeError(f"not a number: {raw!r}")
    if kind is int and not isinstance(raw, int):
        raise TypeError(f"not a whole number: {raw!r}")
    return raw


def _clamp(value: float, minimum: float | None, maximum: float | None) -> float:
    if minimum is not None:
        value = max(minimum, value)
    if maximum is not None:
        value = min(maximum, value)
    return value


def int_setting(
    key: str, default: int, help: str, *, minimum: int, maximum: int | None = None
) -> Setting[int]:
    return Setting(
        key,
        default,
        lambda raw: int(_clamp(_number(raw, int), minimum, maximum)),
        lambda value: int(value),
        help,
        minimum,
        maximum,
    )


def float_setting(key: str, default: float, help: str, *, minimum: float) -> Setting[float]:
    return Setting(
        key,
        default,
        lambda raw: float(_clamp(_number(raw, float), minimum, None)),
        lambda value: float(value),
        help,
        minimum,
    )


def _bool(raw: Json) -> bool:
    if not isinstance(raw, bool):
        raise TypeError(f"not true or false: {raw!r}")
    return raw


def _text(raw: Json) -> str:
    if not isinstance(raw, str):
        raise TypeError(f"not text: {raw!r}")
    return raw


def _clock(raw: Json) -> time:
    return time.fromisoformat(_text(raw)).replace(second=0, microsecond=0)


def _texts(raw: Json) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise TypeError(f"not a list: {raw!r}")
    return tuple(dict.fromkeys(str(item).strip() for item in raw if str(item).strip()))


def _days(raw: Json) -> frozenset[int]:
    if not isinstance(raw, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6 for day in raw
    ):
        raise ValueError(f"not a list of weekday numbers 0-6: {raw!r}")
    return frozenset(day for day in raw if isinstance(day, int))


def _dump_texts(value: tuple[str, ...]) -> Json:
    return list(value)


def _dump_days(value: frozenset[int]) -> Json:
    days: list[Json] = [*sorted(value)]
    return days


ADDRESSES: Setting[tuple[str, ...]] = Setting(
    "identity", (), _texts, _dump_texts, "your own email addresses (whose answers are yours)"
)
ZONE: Setting[str] = Setting("zone", "", _text, str, "an IANA time zone; empty means the system's")
WORKING_DAYS: Setting[frozenset[int]] = Setting(
    "work/days", DEFAULT_WEEK.days, _days, _dump_days, "working weekdays, Monday = 0"
)
DAY_START: Setting[time] = Setting(
    "work/day_start", DEFAULT_WEEK.start, _clock, lambda t: t.strftime("%H:%M"),
    "when the working day starts (HH:MM)",
)  # fmt: skip
DAY_END: Setting[time] = Setting(
    "work/day_end", DEFAULT_WEEK.end, _clock, lambda t: t.strftime("%H:%M"),
    "when the working day ends (HH:MM)",
)  # fmt: skip
HYGIENE_DAYS = int_setting(
    "hygiene_days", 14, "how many days ahead problems are looked for", minimum=1, maximum=90
)
REMINDER_LEAD_MINUTES = int_setting(
    "reminder_lead_minutes", 30, "minutes before a meeting its reminder shows",
    minimum=0, maximum=24 * 60,
)  # fmt: skip
REFRESH_MINUTES = int_setting(
    "refresh_minutes", 30, "minutes between two reads of the calendar sources",
    minimum=5, maximum=24 * 60,
)  # fmt: skip
TASK_SYNC_MINUTES = int_setting(
    "task_sync_minutes", 15, "minutes between two syncs of follow-ups with the task list",
    minimum=1, maximum=24 * 60,
)  # fmt: skip
CLOSE_TO_TRAY: Setting[bool] = Setting(
    "close_to_tray", True, _bool, bool, "closing the window keeps Daybrief in the tray"
)
REMIND_OUTSIDE_HOURS: Setting[bool] = Setting(
    "remind_outside_hours", False, _bool, bool, "reminders also outside working hours"
)
BACK_TO_BACK_GAP_MINUTES = int_setting(
    "briefing/back_to_back_gap_minutes", 5,
    "meetings closer than this many minutes are back to back", minimum=0,
)  # fmt: skip
BACK_TO_BACK_MEETINGS = int_setting(
    "briefing/back_to_back_meetings", 3,
    "this many meetings back to back are a problem", minimum=2,
)  # fmt: skip
BACK_TO_BACK_HOURS = float_setting(
    "briefing/back_to_back_hours", 3.0,
    "back-to-back meetings spanning this many hours are a problem", minimum=0.5,
)  # fmt: skip
PREP_MINUTES = int_setting(
    "briefing/prep_minutes", 30, "the longest prep slot suggested before a meeting", minimum=5
)
OWN_DOMAINS: Setting[tuple[str, ...]] = Setting(
    "clients/own_domains", (), _texts, _dump_texts,
    "more domains of your own organisation (besides your addresses')",
)  # fmt: skip
TIME_OFF_UIDS: Setting[tuple[str, ...]] = Setting(
    "calendar/time_off_uids", (), _texts, _dump_texts,
    "UIDs of all-day events you marked as time off",
)  # fmt: skip

ALL: tuple[Setting[object], ...] = (
    ADDRESSES, ZONE, WORKING_DAYS, DAY_START, DAY_END, HYGIENE_DAYS,  # type: ignore[assignment]
    REMINDER_LEAD_MINUTES, REMIND_OUTSIDE_HOURS, REFRESH_MINUTES, TASK_SYNC_MINUTES,
    CLOSE_TO_TRAY, BACK_TO_BACK_GAP_MINUTES, BACK_TO_BACK_MEETINGS, BACK_TO_BACK_HOURS,
    PREP_MINUTES, OWN_DOMAINS, TIME_OFF_UIDS,
)  # fmt: skip


def working_week(raw: Callable[[str], Json]) -> WorkingWeek:
    """The working week from a reader of stored values by key."""
    return WorkingWeek(
        WORKING_DAYS.read(raw(WORKING_DAYS.key)),
        DAY_START.read(raw(DAY_START.key)),
        DAY_END.read(raw(DAY_END.key)),
    )
