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

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from types import MappingProxyType
from typing import NamedTuple

from daybrief.core.errors import InvalidCalendar, ReadWarning

MAX_WARNINGS_PER_SOURCE = 500
"""Past this, a fuzzed or binary file would only flood the user; one summary line follows."""

# Properties of a VEVENT that place it in time (and pick among copies): read eagerly.
EVENT_TIMING_PROPERTIES = frozenset(
    {
        "UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
        "SEQUENCE",
    }
)  # fmt: skip
# What a meeting says about itself: read only when an occurrence of it is wanted, since a
# one-year window of a three-year calendar needs a third of its events.
EVENT_DETAIL_PROPERTIES = frozenset(
    {
        "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "TRANSP", "ORGANIZER", "ATTENDEE",
        "URL", "CONFERENCE", "CATEGORIES", "X-MICROSOFT-CDO-BUSYSTATUS", "X-GOOGLE-CONFERENCE",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-MICROSOFT-ONLINEMEETINGCONFLINK",
        "X-MICROSOFT-CDO-ALLDAYEVENT",
    }
)  # fmt: skip
EVENT_PROPERTIES = EVENT_TIMING_PROPERTIES | EVENT_DETAIL_PROPERTIES
CALENDAR_PROPERTIES = frozenset({"X-WR-TIMEZONE", "X-WR-CALNAME", "PRODID", "METHOD"})
# Components that cannot nest in each other: a BEGIN of one inside another means the
# writer forgot an END.
_SIBLING_ONLY = frozenset(
    {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"}
)
_KEEP_ALL = None
_KEEP_NONE: frozenset[str] = frozenset()

# A logical line: a physical line and its folded continuations (RFC 5545 3.1).
_FOLD = re.compile(rb"\r*\n[ \t]")
# From the ';' after the name to the ':' that starts the value, quotes respected.
_PARAMS_END = re.compile(rb'(?:;(?:[^";:\r\n]|"[^"]*")*)*:')
_PARAM = re.compile(r'([^=;]+)=((?:"[^"]*"|[^;"])*)')
_UTF8_BOM = b"\xef\xbb\xbf"


_NO_PARAMS: Mapping[str, str] = MappingProxyType({})
_PARAMS_SEEN: dict[str, Mapping[str, str]] = {}
_PARAMS_KEPT = 10_000


@dataclass(slots=True)
class Prop:
    """One content line: NAME;PARAMS:VALUE, with the line it started on."""

    name: str
    params_text: str | None
    value: str
    line: int
    _params: Mapping[str, str] | None = None

    @property
    def params(self) -> Mapping[str, str]:
        """Parameters by upper-case name; values unquoted (multi-values stay comma-joined).

        Shared by every line with the same parameter text (``TZID=Europe/Berlin`` on
        half the lines of a calendar): read-only.
        """
        if self._params is None:
            text = self.params_text
            if not text:
                self._params = _NO_PARAMS
            else:
                found = _PARAMS_SEEN.get(text)
                if found is None:
                    if len(_PARAMS_SEEN) >= _PARAMS_KEPT:
                        _PARAMS_SEEN.clear()
                    found = _PARAMS_SEEN[text] = MappingProxyType(parse_params(text))
                self._params = found
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
    source: Source | None = None
    """Where a VEVENT's own lines are, to read its details later (see read_details)."""
    digest: bytes | None = None
    """For a top-level VEVENT: the digest of its block (see :class:`Block`)."""

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


@dataclass(frozen=True, slots=True)
class Source:
    """A component's own byte ranges (children excluded) in the calendar's bytes."""

    data: bytes
    segments: tuple[tuple[int, int], ...]


def read_details(source: Source, line: int) -> dict[str, list[Prop]]:
    """The detail properties of a VEVENT (summary, attendees, ...), read on demand.

    Details carry no warnings of their own, so their props take the event's ``line``.
    """
    props: dict[str, list[Prop]] = {}
    data = source.data
    for start, end in source.segments:
        if end <= start:
            continue
        for match in _DETAIL_LINES.finditer(data, start, end):
            raw_name, rest = match.group(1, 2)
            parts = _split_property(rest)
            if parts is None:
                continue
            raw_params, raw_value = parts
            try:
                value = raw_value.decode("utf-8")
            except UnicodeDecodeError:
                value = _lenient(raw_value)
            name = raw_name.decode("ascii").upper()
            prop = Prop(name, _lenient(raw_params) if raw_params is not None else None, value, line)
            bucket = props.get(name)
            if bucket is None:
                props[name] = [prop]
            else:
                bucket.append(prop)
    return props


def _split_property(rest: bytes) -> tuple[bytes | None, bytes] | None:
    """``;PARAMS:VALUE`` or ``:VALUE`` (folds included) to (params, value); None if broken."""
    if b"\n" in rest:
        rest = _FOLD.sub(b"", rest)
    if rest[:1] == b":":
        return None, rest[1:].rstrip(b"\r")
    params_match = _PARAMS_END.match(rest)
    if params_match is None:
        return None
    colon = params_match.end() - 1
    return rest[1:colon], rest[colon + 1 :].rstrip(b"\r")


def _lines_not_utf8(data: bytes, chunk: int = 1 << 22) -> list[int]:
    """Line numbers that are not valid UTF-8, checked in chunks to spare memory."""
    if data.isascii():
        return []
    bad: list[int] = []
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start + chunk)
        end = len(data) if end < 0 else end + 1
        block = data[start:end]
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            for offset, raw in enumerate(block.split(b"\n")):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    bad.append(line + offset)
        line += block.count(b"\n")
        start = end
    return bad


def _line_end(data: bytes, pos: int, limit: int) -> int:
    """Offset just past the line end at or after ``pos`` (the END line's own newline)."""
    newline = data.find(b"\n", pos, limit)
    return limit if newline < 0 else newline + 1


def _lenient(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


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


_WIDE_BEGINS = tuple(
    (encoding, "BEGIN".encode(encoding), width)
    for encoding, width in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2))
)


def _to_utf8_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8", errors="surrogatepass")
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM) :]
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return data.decode("utf-32", errors="replace").encode("utf-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    # No byte-order mark: told by how "BEGIN" is spelled (a calendar starts with it).
    head = data[:64].lstrip(b" \t\r\n\x00")
    # Only when nothing in the file reads as 8-bit text: a mostly-UTF-8 file with a
    # UTF-16 fragment at the top is still read as the UTF-8 it mostly is.
    if not head.startswith(b"BEGIN") and not _contains_ignoring_case(data, b"begin:"):
        for encoding, begin, width in _WIDE_BEGINS:
            at = data[:64].find(begin)
            if at != -1 and at % width == 0:  # aligned: "\0B\0E" is not "B\0E\0" at 1
                return data.decode(encoding, errors="replace").encode("utf-8")
    return data


class _LineNumbers:
    """Byte offset to line number, cheap when asked in (mostly) increasing order."""

    def __init__(self, data: bytes, pos: int = 0, line: int = 1) -> None:
        self._data = data
        self._pos = pos
        self._line = line

    def at(self, pos: int) -> int:
        if pos >= self._pos:
            self._line += self._data.count(b"\n", self._pos, pos)
        else:
            self._line -= self._data.count(b"\n", pos, self._pos)
        self._pos = pos
        return self._line


class LinePattern:
    """A regular expression for lines, matched from the newline before each.

    ``^`` under ``re.M`` makes the regex engine try the pattern at every byte; a leading
    newline lets it skip from newline to newline, three times faster over a big file.
    Group 1 always starts where the line starts.
    """

    __slots__ = ("_first", "_rest")

    def __init__(self, body: bytes, flags: int = 0) -> None:
        self._first = re.compile(body, flags)
        self._rest = re.compile(rb"\n" + body, flags)

    def finditer(self, data: bytes, start: int, end: int) -> Iterator[re.Match[bytes]]:
        rest = self._rest.finditer(data, start, end)
        if start == 0 or data[start - 1] == 0x0A:  # a line starts right at ``start``
            first = self._first.match(data, start, end)
            if first is not None:
                return chain((first,), rest)
        return rest

    def search(self, data: bytes, start: int, end: int) -> re.Match[bytes] | None:
        return next(iter(self.finditer(data, start, end)), None)


def _property_pattern(names: frozenset[str] | None) -> LinePattern:
    """Lines (with their folds) of the named properties, or of any property for None."""
    if names is None:
        head = rb"[A-Za-z0-9-]+"
    else:
        head = b"|".join(re.escape(n.encode()) for n in sorted(names, key=len, reverse=True))
    # Old Mozilla calendars fold right after the name ("UID" / " :value").
    return LinePattern(rb"(" + head + rb")(?=(?:\r*\n[ \t])?[;:])([^\n]*(?:\n[ \t][^\n]*)*)", re.I)


# Line ends may be LF, CRLF, or CRCRLF (CRLF files converted once more by a mail gateway).
# Greedy name, then only CRs: a lazy name before a whitespace run backtracks quadratically
# on a long run of spaces that does not end the line (the name is stripped anyway).
_STRUCTURE = LinePattern(rb"(BEGIN|END):([^\r\n]*)\r*$", re.M | re.I)
_MALFORMED = LinePattern(rb"((?![ \t\r\n])(?![A-Za-z0-9-]+(?:\r*\n[ \t])?[;:])[^\r\n]+)")
_EVENT_LINES = _property_pattern(EVENT_TIMING_PROPERTIES)
_DETAIL_LINES = _property_pattern(EVENT_DETAIL_PROPERTIES)
_CALENDAR_LINES = _property_pattern(CALENDAR_PROPERTIES)
_ANY_LINES = _property_pattern(None)


@dataclass(slots=True)
class _Open:
    """A component being read: its byte ranges between children, and what it keeps."""

    component: Component
    keep: frozenset[str] | None
    segment_start: int
    begin: int
    """Offset of its BEGIN line, for the block's span and digest."""
    segments: list[tuple[int, int]] = field(default_factory=list)
    in_zone: bool = False
    """Inside a VTIMEZONE: all its properties are kept."""

    def close_segment(self, at: int) -> None:
        """End the run of its own bytes at ``at`` (a child's BEGIN, its END, the data's end).

        Until the scan resumes it (after the child's END), it has no own bytes: an
        unclosed child's content must not count again for every ancestor, which made
        thousands of unclosed nested components quadratic.
        """
        if self.segment_start >= 0:
            self.segments.append((self.segment_start, at))
            self.segment_start = -1


class Block(NamedTuple):
    """A top-level VEVENT as bytes: where it is, and a digest of exactly those bytes.

    Re-imports compare digests to parse only the events that changed. A tuple because a
    big calendar has a hundred thousand of them, made on every re-import.
    """

    digest: bytes
    start: int
    end: int
    line: int


_DIGEST_SIZE = 16


def block_digest(raw: bytes | memoryview) -> bytes:
    # SHA-256 runs on the CPU's SHA extensions where there are some: about twice
    # blake2b's speed, which matters when a re-import hashes every block of 75 MB.
    return hashlib.sha256(raw).digest()[:_DIGEST_SIZE]


class Scanner:
    """One pass over a calendar's bytes, handing each closed top-level component on.

    Python sees only BEGIN/END lines and the properties a component keeps; regular
    expressions find those within the component's own byte ranges, so the many lines
    Daybrief never reads (folded descriptions, X- properties, alarms) cost next to
    nothing. ``on_component`` receives each component whose parent is a VCALENDAR (or
    that stands alone) as soon as it closes; VCALENDAR properties are kept in
    ``calendar_props``.
    """

    def __init__(
        self,
        sink: WarningSink,
        on_component: Callable[[Component], None],
        wanted: Callable[[bytes], bool] | None = None,
    ) -> None:
        """``wanted(digest)``: read this VEVENT block? (None: read all). Every block, read or
        not, is listed in ``blocks``."""
        self.sink = sink
        self.on_component = on_component
        self.wanted = wanted
        self.calendar_props: dict[str, Prop] = {}
        self.saw_content = False
        self.truncated_at: int | None = None
        """Line of a VEVENT still open when the data ended: the file was cut off."""
        self.blocks: list[Block] = []
        self._data = b""
        self._lines = _LineNumbers(b"")
        self._any_malformed = False

    def scan(self, data: bytes, start: int = 0, end: int | None = None, line: int = 1) -> None:
        """Scan ``data[start:end]``, whose first line is line ``line`` of the file."""
        end = len(data) if end is None else end
        self._data = data
        self._lines = _LineNumbers(data, start, line)
        # One pass over the whole range is far cheaper than one per component, and real
        # files almost never have a malformed line: then no component looks again.
        self._any_malformed = _MALFORMED.search(data, start, end) is not None
        stack: list[_Open] = []
        for match in _STRUCTURE.finditer(data, start, end):
            kind = match.group(1).upper()
            name = match.group(2).decode("ascii", errors="replace").strip().upper()
            line_start = match.start(1)
            if stack:
                stack[-1].close_segment(line_start)
            if kind == b"BEGIN":
                self._begin(name, stack, line_start, match.end())
            else:
                self._end(name, stack, line_start, _line_end(data, match.end(), end))
            if stack:
                stack[-1].segment_start = match.end()
        while stack:
            current = stack.pop()
            current.close_segment(end)
            if current.component.name != "VCALENDAR":
                self.sink.add(
                    current.component.line,
                    f"{current.component.name} never closed (no END:{current.component.name})",
                )
                if current.component.name == "VEVENT":
                    self.truncated_at = current.component.line
            self._closed(current, stack, end)
        bad = _lines_not_utf8(data) if start == 0 and end == len(data) else []
        if bad:
            self.sink.add(
                bad[0],
                f"not valid UTF-8 on {len(bad)} line(s) (first at line {bad[0]}); "
                "read those lines as Windows-1252",
            )

    def _begin(self, name: str, stack: list[_Open], start: int, end: int) -> None:
        line = self._lines.at(start)
        if not name:
            self.sink.add(line, "BEGIN without a component name; line skipped")
            return
        self.saw_content = True
        if name == "VCALENDAR":
            closing = len(stack)
        elif name in _SIBLING_ONLY:
            closing = next(
                (len(stack) - i for i, o in enumerate(stack) if o.component.name in _SIBLING_ONLY),
                0,
            )
        else:
            closing = 0
        for _ in range(closing):
            current = stack.pop()
            current.close_segment(start)
            current_end = start
            if current.component.name != "VCALENDAR":
                self.sink.add(
                    current.component.line,
                    f"{current.component.name} not closed before BEGIN:{name} at line {line}; "
                    "closed there",
                )
            self._closed(current, stack, current_end)
        component = Component(name, line)
        if stack and stack[-1].component.name != "VCALENDAR":
            stack[-1].component.children.append(component)
        parent = stack[-1] if stack else None
        in_zone = parent is not None and (parent.in_zone or parent.component.name == "VTIMEZONE")
        keep = _kept_properties(name, in_zone)
        stack.append(_Open(component, keep, end, start, in_zone=in_zone))

    def _end(self, name: str, stack: list[_Open], start: int, line_end: int) -> None:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].component.name == name:
                while len(stack) > depth:
                    current = stack.pop()
                    if current.component.name != name:
                        self.sink.add(
                            current.component.line,
                            f"{current.component.name} not closed before END:{name}",
                        )
                    else:
                        current.component.end_line = self._lines.at(start)
                    self._closed(current, stack, line_end if current.component.end_line else start)
                return
        self.sink.add(self._lines.at(start), f"END:{name} without a matching BEGIN; ignored")

    def _closed(self, current: _Open, stack: list[_Open], end: int) -> None:
        component = current.component
        top_level = not stack or stack[-1].component.name == "VCALENDAR"
        if top_level and component.name == "VEVENT":
            digest = block_digest(memoryview(self._data)[current.begin : end])
            self.blocks.append(Block(digest, current.begin, end, component.line))
            if self.wanted is not None and not self.wanted(digest):
                return
            component.digest = digest
        if current.keep is None or current.keep:
            self._read_properties(current)
        if component.name == "VCALENDAR":
            for name, props in component.props.items():
                self.calendar_props.setdefault(name, props[0])
        elif not stack or stack[-1].component.name == "VCALENDAR":
            self.on_component(component)

    def _read_properties(self, current: _Open) -> None:
        data, lines, sink = self._data, self._lines, self.sink
        component = current.component
        if current.keep is EVENT_TIMING_PROPERTIES:
            pattern = _EVENT_LINES
            component.source = Source(data, tuple(current.segments))
        elif current.keep is CALENDAR_PROPERTIES:
            pattern = _CALENDAR_LINES
        else:
            pattern = _ANY_LINES
        props = component.props
        # The loop below runs for every kept line of the file: lookups hoisted, calls inlined.
        for start, end in current.segments:
            if end <= start:
                continue
            for match in pattern.finditer(data, start, end):
                line = lines.at(match.start(1))
                raw_name, rest = match.group(1, 2)
                parts = _split_property(rest)
                if parts is None:
                    whole = data[match.start(1) : match.end()]
                    sink.add(line, f"parameters without a value, skipped: {_excerpt(whole)}")
                    continue
                raw_params, raw_value = parts
                try:
                    value = raw_value.decode("utf-8")
                except UnicodeDecodeError:
                    value = _lenient(raw_value)
                params = _lenient(raw_params) if raw_params is not None else None
                name = raw_name.decode("ascii").upper()
                prop = Prop(name, params, value, line)
                bucket = props.get(name)
                if bucket is None:
                    props[name] = [prop]
                else:
                    bucket.append(prop)
            if self._any_malformed and component.name != "VCALENDAR":
                for bad in _MALFORMED.finditer(data, start, end):
                    sink.add(
                        lines.at(bad.start(1)),
                        f"not a valid content line, skipped: {_excerpt(bad.group(1))}",
                    )


def _kept_properties(name: str, in_zone: bool) -> frozenset[str] | None:
    """Which properties to keep in a new component: a set, None for all, empty for none.

    ``in_zone``: it is inside a VTIMEZONE (known from the parent, not by walking up the
    stack at every BEGIN, which thousands of nested components made quadratic)."""
    if name == "VEVENT":
        return EVENT_TIMING_PROPERTIES
    if name == "VCALENDAR":
        return CALENDAR_PROPERTIES
    if name == "VTIMEZONE" or in_zone:
        return _KEEP_ALL
    return _KEEP_NONE


def _excerpt(raw: bytes, width: int = 60) -> str:
    text = raw[: width + 1].decode("utf-8", errors="replace")
    return repr(text if len(text) <= width else text[:width] + "…")


def _contains_ignoring_case(data: bytes, needle: bytes, chunk: int = 1 << 22) -> bool:
    """``needle`` (lower case ASCII) in ``data`` in any case, a chunk at a time: a
    case-insensitive regex crawls through a big file byte by byte, and lower-casing it
    whole would copy it."""
    overlap = len(needle) - 1
    for start in range(0, len(data), chunk):
        if needle in data[max(0, start - overlap) : start + chunk].lower():
            return True
    return False


_VTIMEZONE_EDGE = re.compile(rb"^(?:BEGIN|END):VTIMEZONE", re.M | re.I)


def prescan_timezones(data: bytes) -> list[Component]:
    """The file's VTIMEZONEs, found before the main pass so events can be read as they close.

    Writers may put VTIMEZONE after the events that use it; a search over the bytes finds
    them all first (exact-case first, which is what every real writer uses).
    """
    edges = [(position, True) for position in _line_starts(data, b"BEGIN:VTIMEZONE")] + [
        (position, False) for position in _line_starts(data, b"END:VTIMEZONE")
    ]
    if not edges:
        if not _contains_ignoring_case(data, b"vtimezone"):
            return []
        edges = [(m.start(), m.group()[:1] in (b"B", b"b")) for m in _VTIMEZONE_EDGE.finditer(data)]
    edges.sort()
    found: list[Component] = []
    quiet = WarningSink("<vtimezone>")
    begin = None
    for position, is_begin in edges:
        if is_begin:
            begin = position
        elif begin is not None:
            line_end = data.find(b"\n", position)
            Scanner(quiet, found.append).scan(data[begin : line_end if line_end > 0 else None])
            begin = None
    return [c for c in found if c.name == "VTIMEZONE"]


_END_VEVENT_LINE = re.compile(rb"\nEND:VEVENT[^\n]*\n?")
_BLOCK_UID = re.compile(rb"^UID(?:\r*\n[ \t])?[;:]", re.M)


def split_blocks(data: bytes, digests: Sequence[bytes] | None = None) -> list[Block] | None:
    """The top-level VEVENT blocks of a tidy calendar, found without parsing it.

    The same blocks, with the same digests, as :class:`Scanner` lists for such a file
    (but line 0: see :func:`with_lines`); None when BEGIN and END lines do not pair up.
    Whatever this misses (lower-case names, say) lands in the frame digest, so the caller
    compares that before trusting the blocks.

    ``digests``: the blocks' digests in file order, known because these very bytes were
    split before; they are taken instead of hashing every block again (None: their
    number differs).
    """
    begins = _line_starts(data, b"BEGIN:VEVENT")
    # (start of the END line, end of it): the block runs to that line's end.
    ends = [(m.start() + 1, m.end()) for m in _END_VEVENT_LINE.finditer(data)]
    if data.startswith(b"END:VEVENT"):
        ends.insert(0, (0, _line_end(data, 0, len(data))))
    if len(begins) != len(ends):
        return None
    if not begins:
        return []
    if digests is not None and len(digests) != len(begins):
        return None
    view = memoryview(data)
    blocks = []
    for index, (begin, (end, stop), following) in enumerate(
        zip(begins, ends, [*begins[1:], len(data)], strict=True)
    ):
        if end < begin or following < end:
            return None  # an END before its BEGIN, or a VEVENT left open
        # Line 0: counting lines for every block costs more than hashing them; the few
        # blocks that get read have theirs counted by with_lines.
        digest = block_digest(view[begin:stop]) if digests is None else digests[index]
        blocks.append(_new_tuple(Block, (digest, begin, stop, 0)))
    return blocks


# Block(...) runs NamedTuple's Python-level __new__; tuple's own is a third of the cost,
# which shows on a hundred thousand blocks per re-import.
_new_tuple = tuple.__new__


def with_lines(data: bytes, blocks: list[Block]) -> list[Block]:
    """``blocks`` (in file order) with their line numbers filled in."""
    lines = _LineNumbers(data)
    return [block._replace(line=lines.at(block.start)) for block in blocks]


def offsets_are_in(data: bytes) -> bool:
    """Whether block offsets found by reading ``data`` are offsets in ``data`` itself
    (not so when a BOM was stripped or UTF-16 converted first)."""
    return _to_utf8_bytes(data) is data


def _line_starts(data: bytes, needle: bytes) -> list[int]:
    found = []
    position = data.find(needle)
    while position >= 0:
        if position == 0 or data[position - 1] == 0x0A:
            found.append(position)
        position = data.find(needle, position + len(needle))
    return found


def block_uid(data: bytes, block: Block) -> str | None:
    """The UID of a block by a plain search (first UID line; folded UIDs are joined)."""
    match = _BLOCK_UID.search(data, block.start, block.end)
    if match is None:
        return None
    value_end = match.end()
    line_end = data.find(b"\n", value_end, block.end)
    raw = data[value_end : block.end if line_end < 0 else line_end]
    while line_end >= 0 and data[line_end + 1 : line_end + 2] in (b" ", b"\t"):
        next_end = data.find(b"\n", line_end + 1, block.end)
        raw += data[line_end + 2 : block.end if next_end < 0 else next_end]
        line_end = next_end
    if match.group().endswith(b";"):
        raw = raw.split(b":", 1)[-1]
    uid = _lenient(raw.rstrip(b"\r")).strip()
    return uid or None


def scan(
    data: bytes | str,
    sink: WarningSink,
    on_component: Callable[[Component], None],
    wanted: Callable[[bytes], bool] | None = None,
) -> Scanner:
    """Scan calendar bytes (or text), calling ``on_component`` for each top-level component.

    Raises:
        InvalidCalendar: when there is no iCalendar content at all.
    """
    scanner = Scanner(sink, on_component, wanted)
    scanner.scan(_to_utf8_bytes(data))
    if not scanner.saw_content:
        raise InvalidCalendar(
            sink.source, "not an iCalendar file (no BEGIN:VCALENDAR or BEGIN:VEVENT)"
        )
    return scanner


def outside_blocks(data: bytes, blocks: Sequence[Block]) -> tuple[bytes, list[int]] | None:
    """The bytes of ``data`` outside ``blocks`` and, per block, how many of them precede it.

    None unless the blocks are in file order without overlapping (as both
    :class:`Scanner` and :func:`split_blocks` list them).
    """
    pieces: list[bytes] = []
    offsets: list[int] = []
    position = 0
    offset = 0
    for block in blocks:
        start = block.start
        if start != position:
            if start < position:
                return None
            pieces.append(data[position:start])
            offset += start - position
        offsets.append(offset)
        position = block.end
    if position > len(data):
        return None
    pieces.append(data[position:])
    return b"".join(pieces), offsets
