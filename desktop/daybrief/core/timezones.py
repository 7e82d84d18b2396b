"""TZID resolution, in the order of docs/semantics.md, and VTIMEZONE definitions as tzinfo.

Order: a VTIMEZONE in the file; an IANA name; an IANA name inside a path-like
TZID (``/mozilla.org/20050126_1/Europe/Berlin``); a Windows zone name (CLDR's
table, shipped in ``tzlocal``); an Outlook display name
(``(UTC-05:00) Eastern Time (US & Canada)``). Anything else is floating.

Warning:
    A wall-clock time in a DST gap is read with the offset *before* the gap
    (RFC 5545 3.3.5, and PEP 495 ``fold=0``): 02:30 on a spring-forward night
    in Berlin is 01:30 UTC, i.e. 03:30 CEST.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil import rrule as du
from tzlocal.windows_tz import win_tz

from daybrief.core.feasibility import never_matches
from daybrief.core.ics_reader import Component
from daybrief.core.values import parse_date_time, parse_rrule, parse_utc_offset

# Transitions of a VTIMEZONE are computed this far; later instants use the last offset.
_LAST_TRANSITION_YEAR = 2100
_FIRST_USEFUL_YEAR = 1900
_MAX_TRANSITIONS = 5000
_EARLIEST_ONSET = datetime(2, 1, 1)
_LATEST_ONSET = datetime(9998, 12, 31)
_DISPLAY_NAME = re.compile(
    r"\(\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?:[:.](\d{2}))?)?\s*\)\s*(.*)\Z", re.IGNORECASE
)


class VTimezone(tzinfo):
    """A zone defined by a VTIMEZONE component: its observances as a transition table."""

    def __init__(
        self, tzid: str, transitions: list[tuple[datetime, timedelta, timedelta, str]]
    ) -> None:
        """``transitions``: (UTC instant naive, offset before, offset after, name), sorted."""
        self.tzid = tzid
        self._utc = [t[0] for t in transitions]
        self._before = [t[1] for t in transitions]
        self._after = [t[2] for t in transitions]
        self._names = [t[3] for t in transitions]
        # Wall-clock moment from which each transition applies, for fold=0 and fold=1.
        self._wall_fold0 = [t[0] + max(t[1], t[2]) for t in transitions]
        self._wall_fold1 = [t[0] + min(t[1], t[2]) for t in transitions]
        self._initial = transitions[0][1]

    def _index_for_wall(self, dt: datetime) -> int:
        keys = self._wall_fold1 if dt.fold else self._wall_fold0
        return bisect_right(keys, dt.replace(tzinfo=None)) - 1

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return self._after[-1]
        index = self._index_for_wall(dt)
        return self._initial if index < 0 else self._after[index]

    def dst(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(0)
        index = self._index_for_wall(dt)
        if index < 0:
            return timedelta(0)
        # Not stored in the file reliably; the step from the previous standard offset will do.
        return max(timedelta(0), self._after[index] - min(self._before[index], self._after[index]))

    def tzname(self, dt: datetime | None) -> str:
        if dt is None:
            return self.tzid
        index = self._index_for_wall(dt)
        return self.tzid if index < 0 else (self._names[index] or self.tzid)

    def fromutc(self, dt: datetime) -> datetime:
        naive = dt.replace(tzinfo=None)
        index = bisect_right(self._utc, naive) - 1
        offset = self._initial if index < 0 else self._after[index]
        local = naive + offset
        fold = 0
        repeated_hour = index >= 0 and self._before[index] > self._after[index]
        if repeated_hour and local < self._utc[index] + self._before[index]:
            fold = 1  # the second pass through the repeated hour
        return local.replace(tzinfo=self, fold=fold)

    def __repr__(self) -> str:
        return f"VTimezone({self.tzid!r})"


_Transitions = list[tuple[datetime, timedelta, timedelta, str]]
# Every read of a calendar (each re-import) meets the same few VTIMEZONEs again, and
# walking their rules to 2100 costs more than reading a thousand changed events.
_TRANSITIONS: dict[tuple[object, ...], _Transitions] = {}
_TRANSITIONS_KEPT = 256


def vtimezone_to_tzinfo(component: Component) -> VTimezone | None:
    """Build a tzinfo from a VTIMEZONE's STANDARD/DAYLIGHT observances; None if unusable."""
    tzid_prop = component.first("TZID")
    tzid = tzid_prop.value.strip() if tzid_prop else "?"
    key = _fingerprint(component)
    transitions = _TRANSITIONS.get(key)
    if transitions is None:
        transitions = _transitions_of(component)
        if len(_TRANSITIONS) >= _TRANSITIONS_KEPT:
            _TRANSITIONS.clear()
        _TRANSITIONS[key] = transitions
    # A new tzinfo each time, as before: aware datetimes sharing one tzinfo object compare
    # and subtract as wall times, so zones of different calendars must stay distinct.
    return VTimezone(tzid, transitions) if transitions else None


def _fingerprint(component: Component, *, nested: bool = True) -> tuple[object, ...]:
    """Everything a VTIMEZONE says that shapes the zone, hashable: equal fingerprints build
    equal zones. Only its own observances count (what :func:`_transitions_of` reads), so a
    hostile file nesting components thousands deep costs nothing and cannot recurse."""
    return (
        component.name,
        tuple(
            (name, tuple((p.params_text, p.value) for p in props))
            for name, props in component.props.items()
        ),
        tuple(_fingerprint(child, nested=False) for child in component.children) if nested else (),
    )


def _transitions_of(component: Component) -> _Transitions:
    transitions: _Transitions = []
    for child in component.children:
        if child.name not in ("STANDARD", "DAYLIGHT"):
            continue
        try:
            transitions.extend(_observance_transitions(child))
        except (ValueError, OverflowError, TypeError):
            continue  # one bad observance: the others still describe the zone
    transitions.sort(key=lambda t: t[0])
    return transitions


def _observance_transitions(
    observance: Component,
) -> list[tuple[datetime, timedelta, timedelta, str]]:
    start_prop = observance.first("DTSTART")
    from_prop = observance.first("TZOFFSETFROM")
    to_prop = observance.first("TZOFFSETTO")
    if start_prop is None or to_prop is None:
        raise ValueError("observance without DTSTART or TZOFFSETTO")
    offset_to = parse_utc_offset(to_prop.value)
    offset_from = parse_utc_offset(from_prop.value) if from_prop else offset_to
    name_prop = observance.first("TZNAME")
    name = name_prop.value.strip() if name_prop else ""
    start, _ = parse_date_time(start_prop.value)
    if not isinstance(start, datetime):
        start = datetime(start.year, start.month, start.day)
    onsets = [start]
    rule_prop = observance.first("RRULE")
    rule = parse_rrule(rule_prop.value) if rule_prop is not None else None
    # Real zones change offset yearly at most; anything finer is a broken file, and an
    # impossible rule would keep dateutil searching until year 9999.
    if rule is not None and (rule.freq != du.YEARLY or never_matches(rule, start)):
        rule = None
    if rule is not None:
        until = None
        if isinstance(rule.until, datetime):
            until = rule.until + offset_from if rule.until_utc else rule.until
        elif rule.until is not None:
            until = datetime(rule.until.year, rule.until.month, rule.until.day, 23, 59, 59)
        horizon = datetime(_LAST_TRANSITION_YEAR, 1, 1)
        if until is None or until > horizon:
            until = horizon
        first = start
        if rule.count is None and start.year < _FIRST_USEFUL_YEAR:
            # Outlook writes 1601 and some clients year 1: iterating from there would cost
            # thousands of years of transitions nobody has a meeting in.
            first = _same_day_in(start, _FIRST_USEFUL_YEAR)
        if first < until:
            dates = rule.to_dateutil(first, until if rule.count is None else None)
            for index, onset in enumerate(dates):
                if onset > until or index > _MAX_TRANSITIONS:
                    break
                onsets.append(onset)
    for rdate_prop in observance.all("RDATE"):
        for item in rdate_prop.value.split(","):
            value, _ = parse_date_time(item.split("/")[0])
            if isinstance(value, datetime):
                onsets.append(value)
    return [
        (onset - offset_from, offset_from, offset_to, name)
        for onset in set(onsets)
        if _EARLIEST_ONSET <= onset <= _LATEST_ONSET  # room to add any offset without overflow
    ]


def _same_day_in(moment: datetime, year: int) -> datetime:
    try:
        return moment.replace(year=year)
    except ValueError:  # 29 February
        return moment.replace(year=year + 4, day=28)


@lru_cache(maxsize=1)
def _iana_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _iana_by_city() -> dict[str, list[str]]:
    """Last path part ("new york") to the IANA zones ending in it."""
    index: dict[str, list[str]] = {}
    for name in sorted(_iana_names()):
        city = name.rsplit("/", 1)[-1].replace("_", " ").lower()
        index.setdefault(city, []).append(name)
    return index


@lru_cache(maxsize=1)
def _windows_names_folded() -> dict[str, str]:
    return {key.lower(): value for key, value in win_tz.items()}


def iana_zone(name: str) -> ZoneInfo | None:
    """A ZoneInfo for an exact IANA name, or None (never raises on junk)."""
    if name not in _iana_names():
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, LookupError):
        return None


class ZoneResolver:
    """Resolves the TZIDs of one calendar file, caching each answer."""

    def __init__(self, vtimezones: dict[str, Component]) -> None:
        self._vtimezones = vtimezones
        self._cache: dict[str, tuple[tzinfo | None, str]] = {}

    def resolve(self, tzid: str) -> tuple[tzinfo | None, str]:
        """(zone, how) for a TZID; zone None means floating.

        ``how`` uses the corpus vocabulary: ``vtimezone``, ``iana:<zone>``,
        ``iana-path:<zone>``, ``iana-underscore:<zone>``, ``windows:<zone>``,
        ``display-name:<zone>``, ``floating``.
        """
        cleaned = tzid.strip().strip('"')
        if cleaned not in self._cache:
            self._cache[cleaned] = self._resolve(cleaned)
        return self._cache[cleaned]

    def _resolve(self, tzid: str) -> tuple[tzinfo | None, str]:
        component = self._vtimezones.get(tzid)
        if component is not None:
            zone = vtimezone_to_tzinfo(component)
            if zone is not None:
                return zone, "vtimezone"
        return resolve_tzid_name(tzid)


@lru_cache(maxsize=512)
def resolve_tzid_name(tzid: str) -> tuple[tzinfo | None, str]:
    """Resolve a TZID by name alone (no VTIMEZONE): IANA, path, Windows, display name."""
    if tzid.upper() in ("UTC", "Z", "GMT", "ETC/UTC", "ETC/GMT"):
        return UTC, "utc"
    attempts: list[tuple[str, Callable[[str], tuple[tzinfo, str] | None]]] = [
        ("iana", _by_iana),
        ("iana-path", _by_path),
        ("iana-underscore", _by_underscore),
        ("windows", _by_windows),
        ("display-name", _by_display_name),
    ]
    for _, attempt in attempts:
        found = attempt(tzid)
        if found is not None:
            return found
    return None, "floating"


def _by_iana(tzid: str) -> tuple[tzinfo, str] | None:
    zone = iana_zone(tzid)
    return (zone, f"iana:{tzid}") if zone else None


def _by_path(tzid: str) -> tuple[tzinfo, str] | None:
    if "/" not in tzid:
        return None
    parts = [p for p in tzid.split("/") if p]
    for size in (3, 2):
        if len(parts) >= size:
            candidate = "/".join(parts[-size:])
            zone = iana_zone(candidate)
            if zone:
                return zone, f"iana-path:{candidate}"
    return None


def _by_underscore(tzid: str) -> tuple[tzinfo, str] | None:
    candidate = tzid.replace(" ", "_")
    if candidate == tzid:
        return None
    zone = iana_zone(candidate) or _by_path_zone(candidate)
    return (zone, f"iana-underscore:{zone.key}") if zone else None


def _by_path_zone(tzid: str) -> ZoneInfo | None:
    found = _by_path(tzid)
    return found[0] if found and isinstance(found[0], ZoneInfo) else None


def _by_windows(tzid: str) -> tuple[tzinfo, str] | None:
    name = win_tz.get(tzid) or _windows_names_folded().get(tzid.lower())
    zone = iana_zone(name) if name else None
    return (zone, f"windows:{name}") if zone else None


def _by_display_name(tzid: str) -> tuple[tzinfo, str] | None:
    """``(UTC+01:00) Amsterdam, Berlin, ...``, ``(GMT-05.00) Eastern Time (US & Canada)``,
    or a bare city list as some Outlook versions write (``Amsterdam, Belgrade, Berlin``)."""
    match = _DISPLAY_NAME.match(tzid.strip())
    if not match:
        if "," not in tzid:
            return None
        found = _by_city_list(tzid, None)
        return (found, f"display-name:{found.key}") if found else None
    sign, hours, minutes, rest = match.groups()
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    if sign == "-":
        offset = -offset
    rest = rest.strip()
    # "Eastern Time (US & Canada)" is the display form of Windows' "Eastern Standard Time".
    base = re.sub(r"\(.*?\)", "", rest).strip()
    if base:
        for candidate in (base, base.replace(" Time", " Standard Time"), base + " Standard Time"):
            by_windows = _by_windows(candidate)
            if by_windows:
                return by_windows[0], f"display-name:{by_windows[1].split(':', 1)[1]}"
    zone = _by_city_list(rest, offset)
    if zone is not None:
        return zone, f"display-name:{zone.key}"
    if base.lower() in ("coordinated universal time", "utc", "") and offset == timedelta(0):
        return UTC, "display-name:UTC"
    # No city we know: a fixed offset is still right outside DST, unlike floating.
    return timezone(offset), f"display-name:{_format_offset(offset)}"


def _by_city_list(text: str, offset: timedelta | None) -> ZoneInfo | None:
    for city in re.split(r"[,/;]| - ", text):
        city = re.sub(r"\(.*?\)", "", city).strip().lower()
        for name in _iana_by_city().get(city, []):
            zone = iana_zone(name)
            if zone and (offset is None or _has_standard_offset(zone, offset)):
                return zone
    return None


def _has_standard_offset(zone: ZoneInfo, offset: timedelta) -> bool:
    year = datetime.now(UTC).year
    for month in (1, 7):
        moment = datetime(year, month, 1, tzinfo=zone)
        std = moment.utcoffset()
        dst = moment.dst() or timedelta(0)
        if std is not None and std - dst == offset:
            return True
    return False


def _format_offset(offset: timedelta) -> str:
    total = int(offset.total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    return f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
