"""VEVENT components to typed events, one at a time, each failure a warning.

A :class:`ParsedEvent` is what one VEVENT says, with its times resolved to
zones but not yet expanded; :mod:`daybrief.core.recurrence` expands them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo

from daybrief.core.confirmation import normalize_email
from daybrief.core.errors import InvalidCalendar, ReadWarning
from daybrief.core.gcpause import collector_paused
from daybrief.core.ics_reader import (
    Block,
    Component,
    LinePattern,
    Prop,
    Scanner,
    Source,
    WarningSink,
    prescan_timezones,
    read_details,
    scan,
)
from daybrief.core.model import Attendee, EventInfo
from daybrief.core.timezones import ZoneResolver, iana_zone, resolve_tzid_name
from daybrief.core.values import (
    Duration,
    RecurrenceRule,
    parse_date_time,
    parse_duration,
    parse_rrule,
    split_list,
    unescape_text,
)

_URL = re.compile(r"https?://[^\s<>\"'\\]+", re.IGNORECASE)
# Hosts of the conference services whose links people click to join.
_CONFERENCE_HOSTS = re.compile(
    r"https?://(?:[\w-]+\.)*(?:zoom\.us|zoom\.com|teams\.microsoft\.com|teams\.live\.com|"
    r"meet\.google\.com|webex\.com|gotomeeting\.com|meet\.goto\.com|whereby\.com|"
    r"meet\.jit\.si|chime\.aws|bluejeans\.com)/\S*",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Moment:
    """A DTSTART-like value with its zone resolved.

    ``value`` is a ``date`` (all-day) or a naive wall-clock ``datetime``;
    ``zone`` is None for dates and for floating times (resolved at expansion).
    """

    value: date | datetime
    zone: tzinfo | None
    tz: str

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, datetime)

    def to_utc(self, floating_zone: tzinfo) -> datetime:
        """The instant; dates are midnight and floating times wall time in ``floating_zone``."""
        value = self.value
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return value.replace(tzinfo=self.zone or floating_zone).astimezone(UTC)


@dataclass(slots=True)
class ParsedEvent:
    """One VEVENT: its timing read, its details (``info``) read on first use."""

    uid: str | None
    start: Moment
    sequence: int = 0
    line: int | None = None
    calendar: str = ""
    role: str = "mine"
    """The calendar's role (core.roles), carried onto ``info``."""
    end: Moment | None = None
    duration: Duration | None = None
    # Empty tuples by default, shared: most events of a big calendar have none of these,
    # and four empty lists each cost 22 MB per 100,000 events.
    rules: Sequence[RecurrenceRule] = ()
    rdates: Sequence[Moment] = ()
    rdate_periods: Sequence[tuple[Moment, Moment | Duration]] = ()
    exdates: Sequence[Moment] = ()
    recurrence_id: Moment | None = None
    range_future: bool = False
    source: Source | None = None
    digest: bytes | None = None
    """Digest of the VEVENT's bytes (see ics_reader.Block), for incremental re-imports."""
    _info: EventInfo | None = None
    span: tuple[datetime, datetime] | bool | None = False
    """recurrence.event_span's answer once asked (False: not yet): expansion and the
    store both want it, for every event of the file."""

    @property
    def info(self) -> EventInfo:
        if self._info is None:
            details = read_details(self.source, self.line or 0) if self.source else {}
            self._info = _info(
                details, self.uid, self.calendar, self.line, self.sequence, self.role
            )
            self.source = None  # the bytes are no longer needed for this event
        return self._info

    @property
    def info_read(self) -> bool:
        """Whether ``info`` has been read already (expansion reads it for every event with
        an occurrence in its window); reading it costs a parse of the event's details."""
        return self._info is not None

    @property
    def is_recurring(self) -> bool:
        return bool(self.rules or self.rdates or self.rdate_periods)


@dataclass(slots=True)
class ParsedCalendar:
    """One calendar file, read: its events, its floating-time zone, and what went wrong."""

    source: str
    events: list[ParsedEvent]
    warnings: list[ReadWarning]
    name: str | None = None
    floating_zone: tzinfo | None = None
    """From X-WR-TIMEZONE: the zone for this file's floating times (docs/semantics.md)."""
    floating_zone_name: str | None = None
    method: str | None = None
    blocks: list[Block] = field(default_factory=list)
    """Every top-level VEVENT block of the file, read or skipped."""
    truncated_at: int | None = None
    """Line of a VEVENT the file ends inside of: a cut-off download, most likely."""
    role: str = "mine"
    """The role it was read with (core.roles); every event's ``info`` carries it."""


_Warn = Callable[[int | None, str], None]


class _EventError(ValueError):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def read_calendar(
    data: bytes | str,
    source: str = "<calendar>",
    name: str | None = None,
    *,
    wanted: Callable[[bytes], bool] | None = None,
    spans: Sequence[Block] | None = None,
    role: str = "mine",
) -> ParsedCalendar:
    """Read one calendar; never raises for a broken event, only for a file with no calendar.

    Args:
        data: the file's bytes (UTF-8, UTF-16 with a BOM, or mixed with Windows-1252) or text.
        source: where it came from (a path or URL), used in every warning.
        name: the calendar's display name; defaults to X-WR-CALNAME, then the file name.
        wanted: given a VEVENT block's digest, whether to read it (None: read all); blocks
            not wanted are only listed in ``blocks``.
        spans: read only these blocks (from an earlier ``blocks``), nothing else.
        role: the calendar's role (core.roles), given to every event.

    Raises:
        InvalidCalendar: no iCalendar content at all.
    """
    with collector_paused():
        return _read_calendar(data, source, name, wanted, spans, role)


def _read_calendar(
    data: bytes | str,
    source: str,
    name: str | None,
    wanted: Callable[[bytes], bool] | None,
    spans: Sequence[Block] | None,
    role: str = "mine",
) -> ParsedCalendar:
    sink = WarningSink(source)
    raw = data if isinstance(data, bytes) else data.encode("utf-8", errors="surrogatepass")
    vtimezones: dict[str, Component] = {}
    for component in prescan_timezones(raw):
        _register_timezone(component, vtimezones)
    resolver = ZoneResolver(vtimezones)
    calname = name or _calendar_name_in(raw) or _display_name(source)
    events: list[ParsedEvent] = []

    def on_component(component: Component) -> None:
        if component.name == "VEVENT":
            try:
                events.append(_parse_event(component, resolver, calname, sink, role))
            except _EventError as error:
                uid = component.first("UID")
                sink.add(
                    error.line or component.line,
                    f"event skipped: {error}",
                    uid.value.strip() if uid else None,
                )
        elif component.name == "VTIMEZONE":
            _register_timezone(component, vtimezones)

    if spans is None:
        scanner = scan(raw, sink, on_component, wanted)
    else:
        scanner = Scanner(sink, on_component)
        for block in spans:
            scanner.scan(raw, block.start, block.end, block.line)
    calendar_props = scanner.calendar_props
    if spans is not None:
        # Only some blocks were read: the calendar's own properties come from a search.
        calendar_props = _calendar_properties_in(raw)
    floating_zone, floating_zone_name = None, None
    wr_tz = calendar_props.get("X-WR-TIMEZONE")
    if wr_tz is not None and wr_tz.value.strip():
        zone, _how = resolver.resolve(wr_tz.value)
        if zone is None:
            sink.add(
                wr_tz.line,
                f"X-WR-TIMEZONE {wr_tz.value.strip()[:40]!r} is not a known zone; ignored",
            )
        else:
            floating_zone, floating_zone_name = zone, wr_tz.value.strip()
    method = calendar_props.get("METHOD")
    return ParsedCalendar(
        source=source,
        events=events,
        warnings=sink.finish(),
        name=calname,
        floating_zone=floating_zone,
        floating_zone_name=floating_zone_name,
        method=method.value.strip().upper() if method else None,
        blocks=scanner.blocks,
        truncated_at=scanner.truncated_at,
        role=role,
    )


def _register_timezone(component: Component, vtimezones: dict[str, Component]) -> None:
    tzid = component.first("TZID")
    if tzid is not None:
        vtimezones.setdefault(tzid.value.strip().strip('"'), component)


# Line patterns (found from the newline before): a file without these properties is
# searched to its end, and ``^`` under re.M would make that several times slower.
_CALENDAR_PROPERTY = LinePattern(rb"(X-WR-TIMEZONE|METHOD)[^:\r\n]*:([^\r\n]*)", re.I)


def _calendar_properties_in(data: bytes) -> dict[str, Prop]:
    found: dict[str, Prop] = {}
    for match in _CALENDAR_PROPERTY.finditer(data, 0, len(data)):
        key = match.group(1).decode("ascii").upper()
        if key not in found:
            value = match.group(2).decode("utf-8", errors="replace").strip()
            found[key] = Prop(key, None, value, data.count(b"\n", 0, match.start(1)) + 1)
        if len(found) == 2:
            break
    return found


_CALNAME = LinePattern(rb"(X-WR-CALNAME)[^:\r\n]*:([^\r\n]*)", re.I)


def _calendar_name_in(data: bytes) -> str:
    """X-WR-CALNAME, found up front because events are read before the file ends."""
    match = _CALNAME.search(data, 0, len(data))
    if match is None:
        return ""
    return unescape_text(match.group(2).decode("utf-8", errors="replace")).strip()


def _display_name(source: str) -> str:
    """``/home/me/Work.ics`` → ``Work``: what a person calls the calendar."""
    base = source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return base[:-4] if base.lower().endswith(".ics") else base or source


def read_file(path: str, name: str | None = None) -> ParsedCalendar:
    """Read a calendar file from disk.

    Raises:
        InvalidCalendar: unreadable, or no iCalendar content.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InvalidCalendar(path, f"cannot read file: {error.strerror or error}") from None
    return read_calendar(data, path, name)


def _parse_event(
    component: Component,
    resolver: ZoneResolver,
    calendar: str,
    sink: WarningSink,
    role: str = "mine",
) -> ParsedEvent:
    uid_prop = component.first("UID")
    uid = uid_prop.value.strip() if uid_prop and uid_prop.value.strip() else None

    def warn(line: int | None, message: str) -> None:
        sink.add(line, message, uid)

    start_prop = component.first("DTSTART")
    if start_prop is None:
        raise _EventError(component.line, "no DTSTART")
    try:
        start_value, start_utc = parse_date_time(start_prop.value.split(",")[0])
    except ValueError as error:
        raise _EventError(start_prop.line, f"DTSTART {error}") from None
    start = _with_zone(start_value, start_utc, start_prop, resolver, warn, None)

    sequence = 0
    sequence_prop = component.first("SEQUENCE")
    if sequence_prop is not None:
        try:
            sequence = int(sequence_prop.value.strip())
        except ValueError:
            warn(
                sequence_prop.line,
                f"SEQUENCE {sequence_prop.value[:20]!r} is not a number; read as 0",
            )
    event = ParsedEvent(
        uid=uid,
        start=start,
        sequence=sequence,
        line=component.line,
        calendar=calendar,
        role=role,
        source=component.source,
        digest=component.digest,
    )

    end_prop = component.first("DTEND")
    duration_prop = component.first("DURATION")
    if end_prop is not None:
        try:
            end_value, end_utc = parse_date_time(end_prop.value.split(",")[0])
        except ValueError as error:
            # A DTEND that is no date at all is a broken event, like a broken DTSTART
            # (issue 3: "bad date"); showing it with a guessed end would mislead.
            raise _EventError(end_prop.line, f"DTEND {error}") from None
        event.end = _with_zone(end_value, end_utc, end_prop, resolver, warn, start)
        if _end_before_start(start, event.end, warn, end_prop.line):
            event.end = None
    if event.end is None and duration_prop is not None:
        try:
            event.duration = parse_duration(duration_prop.value)
        except ValueError as error:
            warn(duration_prop.line, f"DURATION ignored: {error}")
        if event.duration is not None and event.duration.negative:
            warn(duration_prop.line, "negative DURATION ignored")
            event.duration = None

    rules: list[RecurrenceRule] = []
    for rule_prop in component.all("RRULE"):
        if not rule_prop.value.strip():
            continue  # an empty RRULE line is what some exporters write for "none"
        try:
            rule = parse_rrule(rule_prop.value)
        except ValueError as error:
            warn(rule_prop.line, f"RRULE ignored, event kept as a single occurrence: {error}")
            continue
        for note in rule.notes:
            warn(rule_prop.line, note)
        rules.append(replace(rule, line=rule_prop.line))
    if rules:
        event.rules = rules

    rdates: list[Moment] = []
    periods: list[tuple[Moment, Moment | Duration]] = []
    for rdate_prop in component.all("RDATE"):
        _read_rdates(rdate_prop, start, rdates, periods, resolver, warn)
    if rdates:
        event.rdates = rdates
    if periods:
        event.rdate_periods = periods
    exdates: list[Moment] = []
    for exdate_prop in component.all("EXDATE"):
        exdates.extend(_moment_list(exdate_prop, resolver, warn, like=start))
    if exdates:
        event.exdates = exdates

    rid_prop = component.first("RECURRENCE-ID")
    if rid_prop is not None:
        try:
            rid_value, rid_utc = parse_date_time(rid_prop.value)
        except ValueError as error:
            raise _EventError(rid_prop.line, f"RECURRENCE-ID {error}") from None
        event.recurrence_id = _with_zone(rid_value, rid_utc, rid_prop, resolver, warn, start)
        event.range_future = (rid_prop.param("RANGE") or "").upper() == "THISANDFUTURE"
    return event


def _end_before_start(start: Moment, end: Moment, warn: _Warn, line: int) -> bool:
    utc = UTC
    try:
        before = end.to_utc(utc) < start.to_utc(utc)
    except (OverflowError, ValueError):
        before = True
    if before:
        warn(line, "DTEND before DTSTART ignored")
    return before


def _with_zone(
    value: date | datetime,
    is_utc: bool,
    prop: Prop,
    resolver: ZoneResolver,
    warn: _Warn,
    like: Moment | None,
) -> Moment:
    if not isinstance(value, datetime):
        return Moment(value, None, "date")
    if is_utc:
        return Moment(value, UTC, "utc")
    tzid = prop.param("TZID")
    if tzid:
        zone, how = resolver.resolve(tzid)
        if zone is None:
            warn(prop.line, f"unknown time zone {tzid[:60]!r}; read as floating time")
        return Moment(value, zone, how)
    if like is not None and like.zone is not None and prop.name != "DTSTART":
        # EXDATE/RECURRENCE-ID/DTEND written without TZID beside a zoned DTSTART: writers mean
        # the series' zone (RFC 5545 says floating, but no calendar program behaves so).
        return Moment(value, like.zone, like.tz)
    return Moment(value, None, "floating")


def _moment_list(prop: Prop, resolver: ZoneResolver, warn: _Warn, like: Moment) -> list[Moment]:
    moments = []
    for item in split_list(prop.value):
        try:
            value, is_utc = parse_date_time(item)
        except ValueError as error:
            warn(prop.line, f"{prop.name}: {error}")
            continue
        moments.append(_with_zone(value, is_utc, prop, resolver, warn, like))
    return moments


def _read_rdates(
    prop: Prop,
    like: Moment,
    rdates: list[Moment],
    periods: list[tuple[Moment, Moment | Duration]],
    resolver: ZoneResolver,
    warn: _Warn,
) -> None:
    for item in split_list(prop.value):
        start_text, slash, end_text = item.partition("/")
        try:
            value, is_utc = parse_date_time(start_text)
        except ValueError as error:
            warn(prop.line, f"RDATE: {error}")
            continue
        start = _with_zone(value, is_utc, prop, resolver, warn, like)
        if not slash:
            rdates.append(start)
            continue
        try:
            if end_text.strip().upper().lstrip("+-").startswith("P"):
                periods.append((start, parse_duration(end_text)))
            else:
                end_value, end_utc = parse_date_time(end_text)
                end = _with_zone(end_value, end_utc, prop, resolver, warn, like)
                periods.append((start, end))
        except ValueError as error:
            warn(prop.line, f"RDATE period end ignored: {error}")
            rdates.append(start)


def _text(prop: Prop | None) -> str:
    return unescape_text(prop.value).strip() if prop is not None else ""


def _person_address(prop: Prop) -> str:
    """A CAL-ADDRESS as an email: Apple writes ``urn:uuid:…`` values with the address in
    an EMAIL parameter (RFC 7986), and the user's identity must still match it."""
    address = normalize_email(prop.value)
    if "@" not in address:
        email = prop.param("EMAIL")
        if email:
            return normalize_email(email)
    return address


_ATTENDEES: dict[tuple[str | None, str], Attendee] = {}
"""The same people answer the same way in event after event: each distinct ATTENDEE line
is read once. Attendees are immutable, so sharing them is safe; the cap bounds memory."""
_ATTENDEES_KEPT = 20_000


def _attendee(prop: Prop) -> Attendee:
    key = (prop.params_text, prop.value)
    found = _ATTENDEES.get(key)
    if found is not None:
        return found
    params = prop.params
    partstat = (params.get("PARTSTAT") or "").strip().upper()
    role = (params.get("ROLE") or "").strip().upper()
    found = Attendee(
        email=_person_address(prop),
        cn=(params.get("CN") or None),
        partstat=partstat or "NEEDS-ACTION",
        explicit=bool(partstat),
        role=role or "REQ-PARTICIPANT",
        cutype=(params.get("CUTYPE") or "").strip().upper() or "INDIVIDUAL",
    )
    if len(_ATTENDEES) >= _ATTENDEES_KEPT:
        _ATTENDEES.clear()
    _ATTENDEES[key] = found
    return found


def _info(
    props: dict[str, list[Prop]],
    uid: str | None,
    calendar: str,
    line: int | None,
    sequence: int,
    role: str = "mine",
) -> EventInfo:
    def first(name: str) -> Prop | None:
        found = props.get(name)
        return found[0] if found else None

    organizer_prop = first("ORGANIZER")
    attendees = [_attendee(prop) for prop in props.get("ATTENDEE", ())]
    status = first("STATUS")
    transp = first("TRANSP")
    busy = first("X-MICROSOFT-CDO-BUSYSTATUS")
    summary = _text(first("SUMMARY"))
    location = _text(first("LOCATION"))
    description = _text(first("DESCRIPTION"))
    categories: list[str] = []
    for prop in props.get("CATEGORIES", ()):
        categories.extend(split_list(unescape_text(prop.value)))
    return EventInfo(
        uid=uid,
        summary=summary,
        location=location,
        description=description,
        conference_url=_conference_url(first, location, description),
        status=status.value.strip().upper() or None if status else None,
        transp=(transp.value.strip().upper() if transp else "") or "OPAQUE",
        ms_busystatus=busy.value.strip().upper() or None if busy else None,
        organizer=_person_address(organizer_prop) if organizer_prop else None,
        organizer_cn=organizer_prop.param("CN") if organizer_prop else None,
        attendees=tuple(attendees),
        sequence=sequence,
        calendar=calendar,
        line=line,
        categories=tuple(categories),
        role=role,
    )


def _conference_url(
    first: Callable[[str], Prop | None], location: str, description: str
) -> str | None:
    for name in (
        "X-GOOGLE-CONFERENCE",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL",
        "X-MICROSOFT-ONLINEMEETINGCONFLINK",
        "CONFERENCE",
    ):
        prop = first(name)
        if prop is not None:
            match = _URL.search(prop.value)
            if match:
                return match.group(0)
    for text in (location, description):
        match = _CONFERENCE_HOSTS.search(text)
        if match:
            return match.group(0).rstrip(".,;)>")
    url = first("URL")
    if url is not None and _CONFERENCE_HOSTS.match(url.value.strip()):
        return url.value.strip()
    return None


def zone_by_name(name: str) -> tzinfo | None:
    """The user's zone from a setting or ``--tz``: IANA, or any TZID form we resolve."""
    zone = iana_zone(name)
    if zone is not None:
        return zone
    found, _ = resolve_tzid_name(name)
    return found


__all__ = [
    "Moment",
    "ParsedCalendar",
    "ParsedEvent",
    "read_calendar",
    "read_file",
    "zone_by_name",
]
