"""Bytes to iCalendar components, tolerant of what real calendar programs write.

This is a content-line scanner of our own rather than ``icalendar.Calendar.from_ical``
for three reasons: it knows the line number of every property (warnings must name
it), one malformed line or unclosed component costs only that line or component,
and it decodes and keeps only the properties Daybrief reads, which makes it many
times faster and leaner on large calendars.

It works on bytes: each kept line is decoded on its own, so a file that is UTF-8
but for a few Windows-1252 lines loses nothing.

Warning:
    Nothing here interprets values (dates, zones, rules); see :mod:`daybrief.core.events`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from daybrief.core.errors import InvalidCalendar, ReadWarning

MAX_WARNINGS_PER_SOURCE = 500
"""Past this, a fuzzed or binary file would only flood the user; one summary line follows."""

# Properties of a VEVENT the engine reads; everything else is skipped undecoded.
EVENT_PROPERTIES = frozenset(
    {
        "UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
        "SEQUENCE", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "TRANSP", "ORGANIZER",
        "ATTENDEE", "URL", "CONFERENCE", "CATEGORIES", "X-MICROSOFT-CDO-BUSYSTATUS",
        "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL",
        "X-MICROSOFT-ONLINEMEETINGCONFLINK", "X-MICROSOFT-CDO-ALLDAYEVENT",
    }
)  # fmt: skip
CALENDAR_PROPERTIES = frozenset({"X-WR-TIMEZONE", "X-WR-CALNAME", "PRODID", "METHOD"})
# Components that cannot nest in each other: a BEGIN of one inside another means the
# writer forgot an END.
_SIBLING_ONLY = frozenset(
    {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"}
)
_KEEP_ALL = None
_KEEP_NONE: frozenset[str] = frozenset()

# A logical line: a physical line and its folded continuations (RFC 5545 3.1).
_LOGICAL_LINE = re.compile(rb"[^\n]*(?:\n[ \t][^\n]*)*")
_FOLD = re.compile(rb"\r?\n[ \t]")
_NAME = re.compile(rb"[A-Za-z0-9-]+")
# From the ';' after the name to the ':' that starts the value, quotes respected.
_PARAMS_END = re.compile(rb'(?:;(?:[^";:\r\n]|"[^"]*")*)*:')
_PARAM = re.compile(r'([^=;]+)=((?:"[^"]*"|[^;"])*)')
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class Prop:
    """One content line: NAME;PARAMS:VALUE, with the line it started on."""

    name: str
    params_text: str | None
    value: str
    line: int
    _params: dict[str, str] | None = None

    @property
    def params(self) -> dict[str, str]:
        """Parameters by upper-case name; values unquoted (multi-values stay comma-joined)."""
        if self._params is None:
            self._params = parse_params(self.params_text) if self.params_text else {}
        return self._params

    def param(self, key: str) -> str | None:
        if self.params_text is None:
            return None
        return self.params.get(key)


@dataclass(slots=True)
class Component:
    name: str
    line: int
    props: dict[str, list[Prop]] = field(default_factory=dict)
    children: list[Component] = field(default_factory=list)
    end_line: int | None = None
    """Line of the END; None when the component was never closed."""

    def first(self, name: str) -> Prop | None:
        found = self.props.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[Prop]:
        return self.props.get(name, [])

    def add(self, prop: Prop) -> None:
        bucket = self.props.get(prop.name)
        if bucket is None:
            self.props[prop.name] = [prop]
        else:
            bucket.append(prop)

    def walk(self, name: str) -> Iterator[Component]:
        """Every descendant component called ``name`` (depth first, self included)."""
        if self.name == name:
            yield self
        for child in self.children:
            yield from child.walk(name)


class WarningSink:
    """Collects warnings for one source, capped so a binary file cannot flood the user."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[ReadWarning] = []
        self._dropped = 0

    def add(self, line: int | None, message: str, uid: str | None = None) -> None:
        if len(self.items) < MAX_WARNINGS_PER_SOURCE:
            self.items.append(ReadWarning(self.source, line, uid, message))
        else:
            self._dropped += 1

    def finish(self) -> list[ReadWarning]:
        if self._dropped:
            self.items.append(
                ReadWarning(self.source, None, None, f"{self._dropped} more warnings not shown")
            )
            self._dropped = 0
        return self.items


def parse_params(text: str) -> dict[str, str]:
    """``A=1;B="x;y"`` to ``{"A": "1", "B": "x;y"}``; parameters without ``=`` are dropped."""
    result: dict[str, str] = {}
    for key, value in _PARAM.findall(text):
        result[key.strip().upper()] = value.replace('"', "") if '"' in value else value
    return result


def _to_utf8_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8", errors="surrogatepass")
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM) :]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return data


class Scanner:
    """One pass over a calendar's bytes, handing each closed top-level component on.

    ``on_component`` receives every component whose parent is a VCALENDAR (or that
    stands alone) as soon as it closes, so a caller can turn a VEVENT into an event
    and let the raw properties go. VCALENDAR properties are kept in ``calendar_props``.
    """

    def __init__(self, sink: WarningSink, on_component: Callable[[Component], None]) -> None:
        self.sink = sink
        self.on_component = on_component
        self.calendar_props: dict[str, Prop] = {}
        self.saw_content = False
        self._bad_utf8_lines: list[int] = []

    def _decode(self, raw: bytes, line: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self._bad_utf8_lines.append(line)
            return raw.decode("cp1252", errors="replace")

    def scan(self, data: bytes) -> None:
        sink = self.sink
        stack: list[Component] = []
        keep: list[frozenset[str] | None] = []
        line_at_pos, pos_of_line = 1, 0
        stray_lines = 0
        count_newlines = data.count
        for match in _LOGICAL_LINE.finditer(data):
            raw = match.group()
            if not raw or raw == b"\r":
                continue
            start = match.start()
            line_at_pos += count_newlines(b"\n", pos_of_line, start)
            pos_of_line = start
            number = line_at_pos
            if b"\n" in raw:
                raw = _FOLD.sub(b"", raw)
            if raw[-1:] == b"\r":
                raw = raw[:-1]
            name_match = _NAME.match(raw)
            if name_match is None:
                if stack:
                    sink.add(number, f"not a valid content line, skipped: {_excerpt(raw)}")
                elif raw.strip():
                    stray_lines += 1
                continue
            end = name_match.end()
            name = raw[:end].decode("ascii").upper()
            if name == "BEGIN" and raw[end : end + 1] == b":":
                self._begin(raw[end + 1 :], stack, keep, number)
                continue
            if name == "END" and raw[end : end + 1] == b":":
                self._end(raw[end + 1 :], stack, keep, number)
                continue
            if not stack:
                stray_lines += 1
                continue
            wanted = keep[-1]
            if wanted is not _KEEP_ALL and name not in wanted:
                if raw[end : end + 1] not in (b":", b";"):
                    sink.add(number, f"not a valid content line, skipped: {_excerpt(raw)}")
                continue
            separator = raw[end : end + 1]
            if separator == b":":
                params = None
                value = raw[end + 1 :]
            elif separator == b";":
                params_match = _PARAMS_END.match(raw, end)
                if params_match is None:
                    sink.add(number, f"parameters without a value, skipped: {_excerpt(raw)}")
                    continue
                colon = params_match.end() - 1
                params = self._decode(raw[end + 1 : colon], number)
                value = raw[colon + 1 :]
            else:
                sink.add(number, f"not a valid content line, skipped: {_excerpt(raw)}")
                continue
            stack[-1].add(Prop(name, params, self._decode(value, number), number))
        while stack:
            closed = stack.pop()
            keep.pop()
            if closed.name != "VCALENDAR":
                sink.add(closed.line, f"{closed.name} never closed (no END:{closed.name})")
            self._closed(closed, stack)
        if stray_lines:
            sink.add(None, f"{stray_lines} line(s) outside any component ignored")
        if self._bad_utf8_lines:
            bad = self._bad_utf8_lines
            sink.add(
                bad[0],
                f"not valid UTF-8 on {len(bad)} line(s) (first at line {bad[0]}); "
                "read those lines as Windows-1252",
            )

    def _begin(
        self, raw_name: bytes, stack: list[Component], keep: list[frozenset[str] | None], line: int
    ) -> None:
        name = raw_name.strip().decode("ascii", errors="replace").upper()
        if not name:
            self.sink.add(line, "BEGIN without a component name; line skipped")
            return
        self.saw_content = True
        if name == "VCALENDAR":
            closing = len(stack)
        elif name in _SIBLING_ONLY:
            closing = next(
                (len(stack) - i for i, c in enumerate(stack) if c.name in _SIBLING_ONLY), 0
            )
        else:
            closing = 0
        for _ in range(closing):
            open_component = stack.pop()
            keep.pop()
            if open_component.name != "VCALENDAR":
                self.sink.add(
                    open_component.line,
                    f"{open_component.name} not closed before BEGIN:{name} at line {line}; "
                    "closed there",
                )
            self._closed(open_component, stack)
        component = Component(name, line)
        if stack and stack[-1].name != "VCALENDAR":
            stack[-1].children.append(component)
        stack.append(component)
        keep.append(_kept_properties(name, stack))

    def _end(
        self, raw_name: bytes, stack: list[Component], keep: list[frozenset[str] | None], line: int
    ) -> None:
        name = raw_name.strip().decode("ascii", errors="replace").upper()
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].name == name:
                while len(stack) > depth:
                    closed = stack.pop()
                    keep.pop()
                    if closed.name != name:
                        self.sink.add(closed.line, f"{closed.name} not closed before END:{name}")
                    else:
                        closed.end_line = line
                    self._closed(closed, stack)
                return
        self.sink.add(line, f"END:{name} without a matching BEGIN; ignored")

    def _closed(self, component: Component, stack: list[Component]) -> None:
        if component.name == "VCALENDAR":
            for name, props in component.props.items():
                self.calendar_props.setdefault(name, props[0])
        elif not stack or stack[-1].name == "VCALENDAR":
            self.on_component(component)


def _kept_properties(name: str, stack: list[Component]) -> frozenset[str] | None:
    """Which properties to keep in a new component: a set, None for all, empty for none."""
    if name == "VEVENT":
        return EVENT_PROPERTIES
    if name == "VCALENDAR":
        return CALENDAR_PROPERTIES
    if name == "VTIMEZONE" or any(c.name == "VTIMEZONE" for c in stack[:-1]):
        return _KEEP_ALL
    return _KEEP_NONE


def _excerpt(raw: bytes, width: int = 60) -> str:
    text = raw[: width + 1].decode("utf-8", errors="replace")
    return repr(text if len(text) <= width else text[:width] + "…")


_VTIMEZONE_BLOCK = re.compile(rb"^BEGIN:VTIMEZONE\r?$.*?^END:VTIMEZONE\r?$", re.I | re.M | re.S)


def prescan_timezones(data: bytes) -> list[Component]:
    """The file's VTIMEZONEs, found before the main pass so events can be read as they close.

    Writers may put VTIMEZONE after the events that use it; a cheap search over the
    bytes finds them all first.
    """
    found: list[Component] = []
    quiet = WarningSink("<vtimezone>")
    for match in _VTIMEZONE_BLOCK.finditer(data):
        Scanner(quiet, found.append).scan(match.group())
    return [c for c in found if c.name == "VTIMEZONE"]


def scan(
    data: bytes | str, sink: WarningSink, on_component: Callable[[Component], None]
) -> Scanner:
    """Scan calendar bytes (or text), calling ``on_component`` for each top-level component.

    Raises:
        InvalidCalendar: when there is no iCalendar content at all.
    """
    scanner = Scanner(sink, on_component)
    scanner.scan(_to_utf8_bytes(data))
    if not scanner.saw_content:
        raise InvalidCalendar(
            sink.source, "not an iCalendar file (no BEGIN:VCALENDAR or BEGIN:VEVENT)"
        )
    return scanner
