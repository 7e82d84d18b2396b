"""Test-side oracle: a calendar read by plain ``icalendar`` instead of our bytes scanner.

The product reads ICS with its own scanner (``daybrief.core.ics_reader``), which keeps
only the properties Daybrief uses and reads event details lazily from the bytes. Here
the same file goes through ``icalendar.Calendar.from_ical``; each VEVENT and VTIMEZONE
is turned back into our ``Component``/``Prop`` objects (values re-serialised by
icalendar) and handed to the same event builder and expansion. Any difference in the
occurrences is then a difference in *reading* the file, which is what the differential
test is about.

Not product code: it uses private helpers of ``daybrief.core.events`` on purpose.
"""

from __future__ import annotations

import warnings
from datetime import datetime, tzinfo
from typing import Any

import icalendar
from icalendar.cal.component import Component as IcalComponent

from daybrief.core.engine import occurrences_between
from daybrief.core.events import (
    ParsedCalendar,
    ParsedEvent,
    _display_name,
    _EventError,
    _info,
    _parse_event,
    _register_timezone,
)
from daybrief.core.ics_reader import Component, Prop, WarningSink
from daybrief.core.recurrence import Expansion
from daybrief.core.timezones import ZoneResolver


class _Lines:
    """Stand-in line numbers: icalendar keeps none, and ours only appear in messages."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count


def _params_of(value: Any) -> tuple[str | None, dict[str, str] | None]:
    """(params text, preset parsed dict) as our Prop holds them; (None, None) if none."""
    params = getattr(value, "params", None)
    if not params:
        return None, None
    parsed: dict[str, str] = {}
    for key, item in params.items():
        # Multi-valued parameters (MEMBER="a","b") come back as lists; ours keeps them joined.
        text = ",".join(str(i) for i in item) if isinstance(item, list | tuple) else str(item)
        parsed[str(key).upper()] = text
    return params.to_ical().decode("utf-8", errors="replace"), parsed


def _raw_value(name: str, value: Any) -> str:
    if name == "UID" and isinstance(value, icalendar.vText):
        # Our reader takes UID as written, never unescaped; icalendar's to_ical would add
        # backslashes before commas, so give the unescaped text (RFC 5545 TEXT) instead.
        return str(value)
    # TEXT comes back escaped (our reader unescapes SUMMARY & co. itself); dates, rules,
    # durations and addresses come back in their wire form.
    raw = value.to_ical() if hasattr(value, "to_ical") else str(value).encode()
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)


def to_component(ical: IcalComponent, lines: _Lines) -> Component:
    """An icalendar component (with its subcomponents) as our intermediate Component."""
    component = Component((ical.name or "").upper(), lines.next())
    for name in ical:
        values = ical[name]
        for value in values if isinstance(values, list) else [values]:
            params_text, params = _params_of(value)
            prop = Prop(name.upper(), params_text, _raw_value(name.upper(), value), lines.next())
            prop._params = params
            component.add(prop)
    component.children = [to_component(child, lines) for child in ical.subcomponents]
    component.end_line = lines.next()
    return component


def parse_with_icalendar(data: bytes) -> list[IcalComponent]:
    """Top-level components of the file; raises whatever icalendar raises.

    ``multiple=True`` always: it reads a one-VCALENDAR file the same way, and files
    holding several VCALENDARs (or a bare VEVENT) as well.
    """
    with warnings.catch_warnings():
        # e.g. GloballyUniqueTZIDGuessed for /mozilla.org/... TZIDs: advice, not an error.
        warnings.simplefilter("ignore")
        return list(icalendar.Calendar.from_ical(data, multiple=True))


def calendar_from_icalendar(
    top: list[IcalComponent], source: str = "<calendar>", name: str | None = None
) -> ParsedCalendar:
    """What ``daybrief.core.events.read_calendar`` makes of a file, from icalendar's parse.

    ``top``: the result of :func:`parse_with_icalendar`.
    """
    lines = _Lines()
    calendars = [c for c in top if (c.name or "").upper() == "VCALENDAR"]
    # VEVENTs directly under a VCALENDAR, or standing alone (ours reads those too).
    ical_events = [c for c in top if (c.name or "").upper() == "VEVENT"] + [
        sub
        for cal in calendars
        for sub in cal.subcomponents
        if (sub.name or "").upper() == "VEVENT"
    ]
    vtimezones: dict[str, Component] = {}
    for root in top:
        for vtimezone in root.walk("VTIMEZONE"):
            _register_timezone(to_component(vtimezone, lines), vtimezones)
    resolver = ZoneResolver(vtimezones)

    calendar_props: dict[str, str] = {}
    for cal in calendars:
        for key in ("X-WR-TIMEZONE", "X-WR-CALNAME", "METHOD"):
            if key in cal and key not in calendar_props:
                value = cal[key]
                value = value[0] if isinstance(value, list) else value
                calendar_props[key] = str(value)
    calname = name or calendar_props.get("X-WR-CALNAME", "").strip() or _display_name(source)

    sink = WarningSink(source)
    events: list[ParsedEvent] = []
    for ical_event in ical_events:
        component = to_component(ical_event, lines)
        component.source = None  # details come from props below, not from bytes
        try:
            event = _parse_event(component, resolver, calname, sink)
        except _EventError:
            continue  # ours skips such an event with a warning
        event._info = _info(component.props, event.uid, calname, event.line, event.sequence)
        events.append(event)

    floating_zone: tzinfo | None = None
    floating_zone_name: str | None = None
    wr_tz = calendar_props.get("X-WR-TIMEZONE", "").strip()
    if wr_tz:
        zone, _how = resolver.resolve(wr_tz)
        if zone is not None:
            floating_zone, floating_zone_name = zone, wr_tz
    method = calendar_props.get("METHOD", "").strip().upper()
    return ParsedCalendar(
        source=source,
        events=events,
        warnings=sink.finish(),
        name=calname,
        floating_zone=floating_zone,
        floating_zone_name=floating_zone_name,
        method=method or None,
    )


def occurrences_icalendar(
    top: list[IcalComponent],
    start: datetime,
    end: datetime,
    user_zone: tzinfo,
    source: str = "<calendar>",
) -> Expansion:
    """The full icalendar path: icalendar's parse, expanded with our engine."""
    return occurrences_between([calendar_from_icalendar(top, source)], start, end, user_zone)
