"""iCalendar value types: DATE, DATE-TIME, DURATION, PERIOD, UTC-OFFSET, RECUR, TEXT.

Parsers raise :class:`ValueError` with a message fit for the user; callers turn
that into a warning naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil import rrule as du

_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?(Z)?)?\Z")
_DURATION = re.compile(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z")
_UTC_OFFSET = re.compile(r"([+-])(\d{2})(\d{2})(\d{2})?\Z")

# A series that outlives this is treated as endless; keeps UNTIL=99991231 from overflowing.
MAX_YEAR = 9000


@dataclass(frozen=True, slots=True)
class Duration:
    """An iCalendar DURATION, split as RFC 5545 3.3.6 wants it applied.

    ``days`` (weeks included) is nominal — added in wall-clock time, so a one-day
    event across a DST change still ends at the same local time — while
    ``exact`` (hours, minutes, seconds) is elapsed time.
    """

    days: int = 0
    exact: timedelta = timedelta(0)

    @property
    def approximate(self) -> timedelta:
        return timedelta(days=self.days) + self.exact

    @property
    def negative(self) -> bool:
        return self.approximate < timedelta(0)


def parse_date_time(text: str) -> tuple[date | datetime, bool]:
    """``20250101`` → date; ``20250101T090000[Z]`` → naive datetime, and whether it was UTC.

    Lenient about what real files get wrong: missing seconds, fractional seconds,
    lower case, surrounding spaces.
    """
    size = len(text)
    if (size == 15 or (size == 16 and text[15] == "Z")) and text[8] == "T":
        # The form nearly every value has, read without the regex (same digits accepted).
        day, time = text[:8], text[9:15]
        if day.isdecimal() and time.isdecimal():
            sec = int(time[4:])
            value = datetime(
                int(day[:4]), int(day[4:6]), int(day[6:]), int(time[:2]), int(time[2:4]),
                59 if sec == 60 else sec,
            )  # fmt: skip
            return value, size == 16
    match = _DATE_TIME.match(text.strip().upper())
    if not match:
        raise ValueError(f"not a date or date-time: {text[:40]!r}")
    year, month, day, hour, minute, second, utc = match.groups()
    if hour is None:
        return date(int(year), int(month), int(day)), False
    sec = int(second or 0)
    if sec == 60:  # leap second: RFC 5545 allows it, Python does not
        sec = 59
    value = datetime(int(year), int(month), int(day), int(hour), int(minute), sec)
    return value, utc is not None


def parse_duration(text: str) -> Duration:
    match = _DURATION.match(text.strip().upper())
    if not match or text.strip().upper() in ("P", "+P", "-P", "PT"):
        raise ValueError(f"not a duration: {text[:40]!r}")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    factor = -1 if sign == "-" else 1
    total_days = factor * (int(weeks or 0) * 7 + int(days or 0))
    exact = factor * timedelta(
        hours=int(hours or 0), minutes=int(minutes or 0), seconds=int(seconds or 0)
    )
    if abs(total_days) > 3_000_000 or abs(exact) > timedelta(days=3_000_000):
        raise ValueError(f"duration out of range: {text[:40]!r}")
    return Duration(total_days, exact)


def parse_utc_offset(text: str) -> timedelta:
    match = _UTC_OFFSET.match(text.strip())
    if not match:
        raise ValueError(f"not a UTC offset: {text[:40]!r}")
    sign, hours, minutes, seconds = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    if offset >= timedelta(hours=24):
        raise ValueError(f"UTC offset out of range: {text!r}")
    return -offset if sign == "-" else offset


def unescape_text(value: str) -> str:
    """TEXT value escapes (RFC 5545 3.3.11): ``\\n``, ``\\,``, ``\\;``, ``\\\\``."""
    if "\\" not in value:
        return value
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        nxt = next(chars, "")
        out.append("\n" if nxt in ("n", "N") else nxt)
    return "".join(out)


def split_list(value: str) -> list[str]:
    """A comma-separated value list, empty items dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


_FREQS = {
    "YEARLY": du.YEARLY,
    "MONTHLY": du.MONTHLY,
    "WEEKLY": du.WEEKLY,
    "DAILY": du.DAILY,
    "HOURLY": du.HOURLY,
    "MINUTELY": du.MINUTELY,
    "SECONDLY": du.SECONDLY,
}
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)\Z")
# Allowed ranges per RFC 5545 3.3.10; zero is never allowed where a sign is.
_INT_PARTS: dict[str, tuple[int, int, bool]] = {
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_IGNORED_PARTS = frozenset({"WKST", "RSCALE", "SKIP"})


@dataclass(frozen=True, slots=True)
class RecurrenceRule:
    """A parsed RRULE, checked against RFC 5545's ranges; UNTIL kept as written."""

    freq: int
    interval: int = 1
    count: int | None = None
    until: date | datetime | None = None
    until_utc: bool = False
    by: tuple[tuple[str, tuple[int, ...]], ...] = ()
    byday: tuple[tuple[int, int], ...] = ()
    """(weekday 0=Monday, ordinal or 0)."""
    wkst: int = 0
    notes: tuple[str, ...] = ()
    """Parts that were dropped or ignored, for a warning."""
    line: int | None = None
    """Where the RRULE was written, for warnings found while expanding."""

    def to_dateutil(
        self, dtstart: datetime, until: datetime | None, cache: bool = False
    ) -> du.rrule:
        """A dateutil rule from ``dtstart`` (naive wall time); ``until`` in that same wall time."""
        kwargs: dict[str, object] = {
            "dtstart": dtstart,
            "interval": self.interval,
            "wkst": self.wkst,
            "cache": cache,
        }
        if self.count is not None:
            kwargs["count"] = self.count
        if until is not None:
            kwargs["until"] = until
        by = dict(self.by)
        mapping = {
            "BYSECOND": "bysecond",
            "BYMINUTE": "byminute",
            "BYHOUR": "byhour",
            "BYMONTHDAY": "bymonthday",
            "BYYEARDAY": "byyearday",
            "BYWEEKNO": "byweekno",
            "BYMONTH": "bymonth",
            "BYSETPOS": "bysetpos",
        }
        for part, key in mapping.items():
            if part in by:
                kwargs[key] = by[part]
        if self.byday:
            ordinals_allowed = self.freq in (du.MONTHLY, du.YEARLY)
            kwargs["byweekday"] = tuple(
                du.weekday(day, ordinal) if ordinal and ordinals_allowed else du.weekday(day)
                for day, ordinal in self.byday
            )
        return du.rrule(self.freq, **kwargs)


def parse_rrule(text: str) -> RecurrenceRule:
    """Parse an RRULE value.

    Raises:
        ValueError: FREQ missing or unknown, or a part out of RFC 5545's range.
    """
    parts: dict[str, str] = {}
    for item in text.strip().split(";"):
        if not item.strip():
            continue
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"RRULE part without '=': {item[:30]!r}")
        parts[key.strip().upper()] = value.strip().upper()
    freq_name = parts.pop("FREQ", None)
    if freq_name is None:
        raise ValueError("RRULE without FREQ")
    if freq_name not in _FREQS:
        raise ValueError(f"unknown RRULE FREQ {freq_name[:20]!r}")
    notes: list[str] = []
    interval = 1
    if "INTERVAL" in parts:
        interval = _positive_int(parts.pop("INTERVAL"), "INTERVAL")
    count = None
    if "COUNT" in parts:
        count = _positive_int(parts.pop("COUNT"), "COUNT")
    until: date | datetime | None = None
    until_utc = False
    if "UNTIL" in parts:
        until, until_utc = parse_date_time(parts.pop("UNTIL"))
        if until.year > MAX_YEAR:
            until, until_utc = None, False
    by: list[tuple[str, tuple[int, ...]]] = []
    byday: list[tuple[int, int]] = []
    wkst = 0
    for key, value in parts.items():
        if key == "BYDAY":
            for item in split_list(value):
                match = _BYDAY.match(item)
                if not match:
                    raise ValueError(f"bad BYDAY value {item[:20]!r}")
                ordinal = int(match.group(1) or 0)
                if abs(ordinal) > 53:
                    raise ValueError(f"BYDAY ordinal out of range: {item!r}")
                byday.append((_WEEKDAYS[match.group(2)], ordinal))
        elif key in _INT_PARTS:
            low, high, signed = _INT_PARTS[key]
            numbers = []
            for item in split_list(value):
                try:
                    number = int(item)
                except ValueError:
                    raise ValueError(f"bad {key} value {item[:20]!r}") from None
                magnitude = abs(number) if signed else number
                if (signed and number == 0) or not low <= magnitude <= high:
                    raise ValueError(f"{key} value {number} out of range")
                if key == "BYSECOND" and number == 60:
                    notes.append("leap second 60 in BYSECOND read as 59")
                    number = 59
                numbers.append(number)
            if numbers:
                by.append((key, tuple(numbers)))
        elif key == "WKST":
            if value in _WEEKDAYS:
                wkst = _WEEKDAYS[value]
        elif key == "RSCALE":
            if value != "GREGORIAN":
                notes.append(f"RSCALE={value[:20]} not supported; expanded as Gregorian")
        elif key not in _IGNORED_PARTS and not key.startswith("X-"):
            notes.append(f"unknown RRULE part {key[:20]} ignored")
    return RecurrenceRule(
        freq=_FREQS[freq_name],
        interval=interval,
        count=count,
        until=until,
        until_utc=until_utc,
        by=tuple(by),
        byday=tuple(byday),
        wkst=wkst,
        notes=tuple(notes),
    )


def _positive_int(text: str, what: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"bad {what} {text[:20]!r}") from None
    if number < 1:
        raise ValueError(f"{what} must be at least 1, not {number}")
    return min(number, 10_000_000)
