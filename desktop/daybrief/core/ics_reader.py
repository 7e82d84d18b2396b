"""Bytes to a tree of iCalendar components, tolerant of what real calendar programs write.

This is a content-line scanner of our own rather than ``icalendar.Calendar.from_ical``
for three reasons: it knows the line number of every property (warnings must name
it), one malformed line or unclosed component costs only that line or component,
and it keeps only the properties Daybrief reads, which makes it several times
faster on large calendars.

Warning:
    Nothing here interprets values (dates, zones, rules); see :mod:`daybrief.core.events`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from daybrief.core.errors import InvalidCalendar, ReadWarning

MAX_WARNINGS_PER_SOURCE = 500
"""Past this, a fuzzed or binary file would only flood the user; one summary line follows."""

# Properties of a VEVENT the engine reads; everything else is skipped unparsed.
EVENT_PROPERTIES = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "SEQUENCE",
        "SUMMARY",
        "LOCATION",
        "DESCRIPTION",
        "STATUS",
        "TRANSP",
        "ORGANIZER",
        "ATTENDEE",
        "URL",
        "CONFERENCE",
        "CATEGORIES",
        "X-MICROSOFT-CDO-BUSYSTATUS",
        "X-GOOGLE-CONFERENCE",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL",
        "X-MICROSOFT-ONLINEMEETINGCONFLINK",
        "X-MICROSOFT-CDO-ALLDAYEVENT",
    }
)
CALENDAR_PROPERTIES = frozenset({"X-WR-TIMEZONE", "X-WR-CALNAME", "PRODID", "METHOD"})
# Top-level components that cannot nest in each other: a BEGIN of one inside another means
# the writer forgot an END.
_SIBLING_ONLY = frozenset(
    {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"}
)

_NAME_OK = re.compile(r"[A-Za-z0-9-]+\Z").match
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
        return self.params.get(key)


@dataclass(slots=True)
class Component:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)
    end_line: int | None = None
    """Line of the END; None when the component was never closed."""

    def first(self, name: str) -> Prop | None:
        for prop in self.props:
            if prop.name == name:
                return prop
        return None

    def all(self, name: str) -> list[Prop]:
        return [prop for prop in self.props if prop.name == name]

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


def decode(data: bytes, sink: WarningSink) -> str:
    """Bytes to text: UTF-8 (BOM ignored), UTF-16 with a BOM, else per-line Windows-1252."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Decode line by line so one Latin-1 line does not garble the UTF-8 around it.
    lines = data.split(b"\n")
    bad: list[int] = []
    for index, raw in enumerate(lines):
        try:
            lines[index] = raw.decode("utf-8")  # type: ignore[call-overload]
        except UnicodeDecodeError:
            bad.append(index + 1)
            lines[index] = raw.decode("cp1252", errors="replace")  # type: ignore[call-overload]
    sink.add(
        bad[0],
        f"not valid UTF-8 on {len(bad)} line(s) (first at line {bad[0]}); "
        "read those lines as Windows-1252",
    )
    return "\n".join(lines)  # type: ignore[arg-type]


def unfold(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines with the physical line number they start on (RFC 5545 3.1 folding)."""
    current: str | None = None
    start = 0
    pieces: list[str] = []
    for number, raw in enumerate(text.split("\n"), 1):
        if raw.endswith("\r"):
            raw = raw[:-1]
        if raw[:1] in (" ", "\t"):
            if current is not None:
                pieces.append(raw[1:])
            continue
        if current is not None:
            yield start, current + "".join(pieces) if pieces else current
            pieces.clear()
        if raw:
            current, start = raw, number
        else:
            current = None
    if current is not None:
        yield start, current + "".join(pieces) if pieces else current


def split_content_line(line: str) -> tuple[str, str | None, str] | None:
    """NAME;PARAMS:VALUE to (NAME upper-cased, PARAMS or None, VALUE); None if malformed."""
    colon = line.find(":")
    if colon < 0:
        return None
    semi = line.find(";", 0, colon)
    if semi < 0:
        name, params = line[:colon], None
    else:
        name = line[:semi]
        if '"' in line[semi:colon]:
            colon = _colon_outside_quotes(line, semi)
            if colon < 0:
                return None
        params = line[semi + 1 : colon]
    if not _NAME_OK(name):
        return None
    return name.upper(), params, line[colon + 1 :]


def _colon_outside_quotes(line: str, start: int) -> int:
    quoted = False
    for index in range(start, len(line)):
        char = line[index]
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return -1


def parse_params(text: str) -> dict[str, str]:
    """``A=1;B="x;y"`` to ``{"A": "1", "B": "x;y"}``; malformed parameters are dropped."""
    result: dict[str, str] = {}
    if '"' not in text:
        for part in text.split(";"):
            key, eq, value = part.partition("=")
            if eq:
                result[key.strip().upper()] = value
        return result
    key_chars: list[str] = []
    value_chars: list[str] = []
    in_value = quoted = False
    for char in text + ";":
        if quoted:
            if char == '"':
                quoted = False
            else:
                value_chars.append(char)
        elif char == '"' and in_value:
            quoted = True
        elif char == ";":
            if in_value:
                result["".join(key_chars).strip().upper()] = "".join(value_chars)
            key_chars, value_chars, in_value = [], [], False
        elif char == "=" and not in_value:
            in_value = True
        elif in_value:
            value_chars.append(char)
        else:
            key_chars.append(char)
    return result


def parse_components(text: str, sink: WarningSink) -> list[Component]:
    """Logical lines to top-level components, closing what writers forgot to close."""
    roots: list[Component] = []
    stack: list[Component] = []
    keep: list[frozenset[str] | None] = []  # per open component: the property names kept
    stray_lines = 0
    for number, line in unfold(text):
        head = line[:6].upper()
        if head == "BEGIN:":
            name = line[6:].strip().upper()
            if not name:
                sink.add(number, "BEGIN without a component name; line skipped")
                continue
            _close_for_begin(name, stack, keep, sink, number)
            component = Component(name, number)
            (stack[-1].children if stack else roots).append(component)
            stack.append(component)
            keep.append(_kept_properties(name, stack))
            continue
        if head[:4] == "END:":
            name = line[4:].strip().upper()
            _close_for_end(name, stack, keep, sink, number)
            continue
        if not stack:
            if line.strip():
                stray_lines += 1
            continue
        wanted = keep[-1]
        if wanted is not None and not wanted:
            continue  # inside something we do not read (VTODO, VALARM, ...): skip unparsed
        parts = split_content_line(line)
        if parts is None:
            sink.add(number, f"not a valid content line, skipped: {_excerpt(line)}")
            continue
        if wanted is None or parts[0] in wanted:
            stack[-1].props.append(Prop(parts[0], parts[1], parts[2], number))
    for component in stack:
        if component.name != "VCALENDAR":
            sink.add(component.line, f"{component.name} never closed (no END:{component.name})")
    if stray_lines:
        sink.add(None, f"{stray_lines} line(s) outside any component ignored")
    return roots


def _kept_properties(name: str, stack: list[Component]) -> frozenset[str] | None:
    """Which properties to keep in a new component: a set, None for all, empty for none."""
    if name == "VEVENT":
        return EVENT_PROPERTIES
    if name == "VCALENDAR":
        return CALENDAR_PROPERTIES
    if name == "VTIMEZONE" or any(c.name == "VTIMEZONE" for c in stack[:-1]):
        return None
    return frozenset()


def _close_for_begin(
    name: str,
    stack: list[Component],
    keep: list[frozenset[str] | None],
    sink: WarningSink,
    line: int,
) -> None:
    if name == "VCALENDAR":
        closing = len(stack)
    elif name in _SIBLING_ONLY:
        closing = next((len(stack) - i for i, c in enumerate(stack) if c.name in _SIBLING_ONLY), 0)
    else:
        return
    for _ in range(closing):
        open_component = stack.pop()
        keep.pop()
        if open_component.name != "VCALENDAR":
            sink.add(
                open_component.line,
                f"{open_component.name} not closed before BEGIN:{name} at line {line}; "
                "closed there",
            )


def _close_for_end(
    name: str,
    stack: list[Component],
    keep: list[frozenset[str] | None],
    sink: WarningSink,
    line: int,
) -> None:
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].name == name:
            while len(stack) > depth:
                closed = stack.pop()
                keep.pop()
                if closed.name != name:
                    sink.add(closed.line, f"{closed.name} not closed before END:{name}")
                else:
                    closed.end_line = line
            return
    sink.add(line, f"END:{name} without a matching BEGIN; ignored")


def _excerpt(line: str, width: int = 60) -> str:
    return repr(line if len(line) <= width else line[:width] + "…")


def read_components(data: bytes | str, sink: WarningSink) -> list[Component]:
    """Parse calendar bytes (or text) to components; warnings go to ``sink``.

    Raises:
        InvalidCalendar: when there is no iCalendar content at all.
    """
    text = decode(data, sink) if isinstance(data, bytes) else data
    roots = parse_components(text, sink)
    if not roots:
        raise InvalidCalendar(
            sink.source, "not an iCalendar file (no BEGIN:VCALENDAR or BEGIN:VEVENT)"
        )
    return roots
