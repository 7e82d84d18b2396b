"""Fuzzing the engine: bytes → read_calendar → occurrences_between → conflicts → unconfirmed.

Every input is a *recipe*: a seed calendar plus a short list of mutations, each with its
own random seed, so a failing example prints compactly and :func:`build` turns it back
into the exact bytes. Seeds are the hand-written calendars below and, when present, the
real-world corpus (``$DAYBRIEF_CORPUS``, else ``../shared/corpus`` beside the repository;
read at test time, never copied here).

The properties: nothing escapes but :class:`InvalidCalendar`, and that only for input with
no ``BEGIN:VCALENDAR`` / ``BEGIN:VEVENT`` line; what comes out is well formed; and each
input finishes within :data:`DEADLINE_S` (a hard alarm stops a real hang a little later,
so a hang fails the test instead of stalling CI).

``benchmarks/fuzz_long.py`` runs the same mutations for minutes. Shrinking is off by
default because one shrink step of a slow input costs seconds; set
``DAYBRIEF_FUZZ_SHRINK=1`` to shrink a failure locally.
"""

from __future__ import annotations

import os
import random
import re
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from daybrief.core.confirmation import find_unconfirmed
from daybrief.core.conflicts import find_double_bookings
from daybrief.core.engine import occurrences_between
from daybrief.core.errors import InvalidCalendar, ReadWarning
from daybrief.core.events import read_calendar
from daybrief.core.model import recurrence_key

REPO_ROOT = Path(__file__).resolve().parents[2]
ME = frozenset({"me@example.com"})
Window = tuple[datetime, datetime]
APP_WINDOW: Window = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
CORPUS_WINDOW: Window = (datetime(2019, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
ZONES = ("UTC", "Europe/Berlin", "America/St_Johns", "Pacific/Kiritimati", "Australia/Lord_Howe")
DEADLINE_S = 5.0
"""Per input, everything included: "a few seconds" is what a user waits for a refresh."""
HARD_LIMIT_S = DEADLINE_S * 1.25
"""Hypothesis fails an example at 1.25 x deadline; the alarm stops a hang right there."""
REASONS = frozenset({"needs-action", "tentative", "event-tentative", "waiting-on"})


# --- seeds: hand-written calendars ------------------------------------------------------


def _ics(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


_BERLIN = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)

SEEDS: dict[str, bytes] = {
    # Two overlapping one-offs, one the user has not answered, one tentative.
    "one-offs": _ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Daybrief//fuzz seed//EN",
        "BEGIN:VEVENT",
        "UID:pricing-1@example.com",
        "DTSTAMP:20260101T000000Z",
        "DTSTART:20260310T090000Z",
        "DTEND:20260310T100000Z",
        "SUMMARY:Pricing review",
        "ORGANIZER;CN=Kim:mailto:kim@client.example",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:me@example.com",
        "ATTENDEE;PARTSTAT=ACCEPTED;CN=Kim:mailto:kim@client.example",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:standup-2@example.com",
        "DTSTAMP:20260101T000000Z",
        "DTSTART:20260310T093000Z",
        "DURATION:PT45M",
        "SUMMARY:Vendor call \\, with a comma",
        "STATUS:TENTATIVE",
        "ORGANIZER:mailto:me@example.com",
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:ola@vendor.example",
        "ATTENDEE;CUTYPE=ROOM:mailto:room-4@example.com",
        "END:VEVENT",
        "END:VCALENDAR",
    ),
    # A zoned weekly series with EXDATE, a moved, a cancelled and a THISANDFUTURE override.
    "series": _ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Daybrief//fuzz seed//EN",
        "X-WR-TIMEZONE:Europe/Berlin",
        *_BERLIN,
        "BEGIN:VEVENT",
        "UID:weekly-sync@example.com",
        "DTSTART;TZID=Europe/Berlin:20250106T100000",
        "DTEND;TZID=Europe/Berlin:20250106T103000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T230000Z",
        "EXDATE;TZID=Europe/Berlin:20260105T100000,20260112T100000",
        "SUMMARY:Weekly sync",
        "ORGANIZER:mailto:lead@example.com",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:weekly-sync@example.com",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260119T100000",
        "DTSTART;TZID=Europe/Berlin:20260120T140000",
        "DTEND;TZID=Europe/Berlin:20260120T143000",
        "SEQUENCE:2",
        "SUMMARY:Weekly sync (moved)",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:me@example.com",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:weekly-sync@example.com",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260126T100000",
        "DTSTART;TZID=Europe/Berlin:20260126T100000",
        "DTEND;TZID=Europe/Berlin:20260126T103000",
        "STATUS:CANCELLED",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:weekly-sync@example.com",
        "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260601T100000",
        "DTSTART;TZID=Europe/Berlin:20260601T110000",
        "DTEND;TZID=Europe/Berlin:20260601T120000",
        "SUMMARY:Weekly sync (new slot)",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:month-end@example.com",
        "DTSTART:20260130T150000Z",
        "DTEND:20260130T160000Z",
        "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=24",
        "RDATE;VALUE=PERIOD:20260704T090000Z/PT2H",
        "SUMMARY:Month-end close",
        "END:VEVENT",
        "END:VCALENDAR",
    ),
    # Outlook and Google habits: Windows TZID, busy status, all-day, floating, folding.
    "habits": _ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:040000008200E00074C5B7101A82E0080000000012345678",
        "DTSTART;TZID=W. Europe Standard Time:20260415T130000",
        "DTEND;TZID=W. Europe Standard Time:20260415T140000",
        "SUMMARY;LANGUAGE=de-DE:Quartalsgespräch – Überblick über die Zahlen und die näc",
        " hsten Schritte",
        "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.example/l/meetup-join/x",
        'ATTENDEE;CN="Me, Myself";PARTSTAT=TENTATIVE:MAILTO:Me@Example.com',
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:offsite@example.com",
        "DTSTART;VALUE=DATE:20260415",
        "DTEND;VALUE=DATE:20260417",
        "SUMMARY:Offsite",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:focus@example.com",
        "DTSTART:20260415T133000",
        "DTEND:20260415T150000",
        "RRULE:FREQ=DAILY;COUNT=5",
        "TRANSP:TRANSPARENT",
        "SUMMARY:Focus time",
        "END:VEVENT",
        "BEGIN:VTODO",
        "UID:todo@example.com",
        "SUMMARY:Not a meeting",
        "END:VTODO",
        "END:VCALENDAR",
    ),
    # A bare VEVENT without VCALENDAR, as some mail clients attach.
    "bare-vevent": _ics(
        "BEGIN:VEVENT",
        "UID:bare@example.com",
        "DTSTART:20260601T080000Z",
        "DTEND:20260601T083000Z",
        "SUMMARY:Bare event",
        "ATTENDEE:mailto:me@example.com",
        "END:VEVENT",
    ),
}


def corpus_files() -> list[Path]:
    """Files of ``$DAYBRIEF_CORPUS`` (the corpus or its ``files``), else ``../shared/corpus``."""
    configured = os.environ.get("DAYBRIEF_CORPUS")
    base = Path(configured) if configured else REPO_ROOT.parent / "shared" / "corpus"
    folder = base / "files" if (base / "files").is_dir() else base
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


CORPUS_FILES = corpus_files()


# --- mutations --------------------------------------------------------------------------

ABSURD_RULES = (
    "FREQ=SECONDLY",
    "FREQ=MINUTELY;COUNT=10000000",
    "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=-366",
    "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-366",
    "FREQ=SECONDLY;BYSETPOS=-366",
    "FREQ=DAILY;UNTIL=99991231T235959Z",
    "FREQ=HOURLY;UNTIL=99991231T235959Z",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=2",
    "FREQ=DAILY;BYMONTHDAY=31;BYMONTH=2",
    "FREQ=HOURLY;BYMONTHDAY=30;BYMONTH=2",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;BYMONTH=1",
    "FREQ=YEARLY;BYWEEKNO=-53;BYYEARDAY=-366;BYDAY=-53SU",
    "FREQ=WEEKLY;COUNT=0",
    "FREQ=FORTNIGHTLY",
    "FREQ=DAILY;UNTIL=20200101T000000Z",
    "FREQ=MINUTELY;INTERVAL=10000000",
)
EXTREME_STARTS = (
    "DTSTART:99991231T235959Z",
    "DTSTART:00010101T000000Z",
    "DTSTART:00010101T000000",
    "DTSTART;VALUE=DATE:00010101",
    "DTSTART;VALUE=DATE:99991231",
    "DTSTART;TZID=Europe/Berlin:00010101T000000",
    "DTSTART;TZID=Pacific/Kiritimati:99991231T230000",
    "DTSTART:20260229T090000Z",
    "DTSTART:20261301T250000Z",
)

_VEVENT = re.compile(rb"(?i)BEGIN:VEVENT\s*$")


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _event_starts(lines: list[bytes]) -> list[int]:
    return [i for i, line in enumerate(lines) if _VEVENT.match(line)]


def _insert_in_event(data: bytes, rng: random.Random, payload: bytes) -> bytes:
    """``payload`` right after a random BEGIN:VEVENT (else after a random line)."""
    lines = _lines(data)
    starts = _event_starts(lines) or [rng.randrange(len(lines))]
    at = rng.choice(starts) + 1
    return b"".join([*lines[:at], payload, *lines[at:]])


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def duplicate_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    chunk = lines[start : start + rng.randint(1, 40)]
    return b"".join([*lines[:start], *chunk * rng.randint(1, 5), *lines[start:]])


def reorder_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    chunk = lines[start : start + rng.randint(2, 60)]
    rng.shuffle(chunk)
    return b"".join([*lines[:start], *chunk, *lines[start + len(chunk) :]])


def delete_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    return b"".join([*lines[:start], *lines[start + rng.randint(1, 20) :]])


def huge_summary(data: bytes, rng: random.Random) -> bytes:
    text = rng.choice(["x", "Ü", "\\n", "\\,", "€"]) * 100_000
    return _insert_in_event(data, rng, f"SUMMARY:{text}\r\n".encode())


def many_attendees(data: bytes, rng: random.Random) -> bytes:
    partstat = rng.choice(["NEEDS-ACTION", "TENTATIVE", "ACCEPTED", ""])
    param = f";PARTSTAT={partstat}" if partstat else ""
    lines = [f"ATTENDEE{param};CN=P{i}:mailto:p{i}@example.com\r\n" for i in range(10_000)]
    lines.insert(
        rng.randrange(len(lines)), "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:me@example.com\r\n"
    )
    if rng.random() < 0.5:
        lines.append("ORGANIZER:mailto:me@example.com\r\n")
    return _insert_in_event(data, rng, "".join(lines).encode())


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    name = rng.choice([b"VALARM", b"X-NEST", b"VCALENDAR", b"VEVENT"])
    depth = 1000
    closed = rng.random() < 0.5
    payload = b"BEGIN:" + name + b"\r\n"
    body = payload * depth + (
        b"TRIGGER:-PT5M\r\n" + (b"END:" + name + b"\r\n") * depth if closed else b""
    )
    return _insert_in_event(data, rng, body)


def absurd_rrule(data: bytes, rng: random.Random) -> bytes:
    rule = f"RRULE:{rng.choice(ABSURD_RULES)}\r\n".encode()
    lines = _lines(data)
    existing = [i for i, line in enumerate(lines) if line[:6].upper() == b"RRULE:"]
    if existing and rng.random() < 0.5:
        lines[rng.choice(existing)] = rule
        return b"".join(lines)
    return _insert_in_event(data, rng, rule)


def extreme_dtstart(data: bytes, rng: random.Random) -> bytes:
    start = f"{rng.choice(EXTREME_STARTS)}\r\n".encode()
    lines = _lines(data)
    existing = [i for i, line in enumerate(lines) if line[:7].upper() in (b"DTSTART", b"RECURRE")]
    if existing and rng.random() < 0.7:
        lines[rng.choice(existing)] = start
        return b"".join(lines)
    return _insert_in_event(data, rng, start)


def non_utf8(data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:  # stray high bytes
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out.insert(rng.randrange(len(out) + 1), rng.randrange(0x80, 0x100))
        return bytes(out)
    if kind == 1:  # the whole file in Latin-1 (mojibake of the UTF-8 seed)
        return data.decode("utf-8", errors="replace").encode("latin-1", errors="replace")
    if kind == 2:  # UTF-16 with or without its BOM
        text = data.decode("utf-8", errors="replace")
        return text.encode("utf-16" if rng.random() < 0.5 else "utf-16-le")
    return _insert_in_event(data, rng, b"SUMMARY:caf\xe9 \xff\xfe \xc3\r\nLOCATION:\x00\x01\r\n")


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    fn.__name__: fn
    for fn in (
        truncate,
        flip_bytes,
        duplicate_lines,
        reorder_lines,
        delete_lines,
        huge_summary,
        many_attendees,
        deep_nesting,
        absurd_rrule,
        extreme_dtstart,
        non_utf8,
    )
}

Ops = tuple[tuple[str, int], ...]


def build(seed: bytes, ops: Ops) -> bytes:
    """The input a recipe describes: ``seed`` with each (mutation, random seed) applied."""
    data = seed
    for name, op_seed in ops:
        data = MUTATIONS[name](data, random.Random(op_seed))
    return data


def random_ops(rng: random.Random, most: int = 4) -> Ops:
    """A random recipe for fuzzers without hypothesis (benchmarks/fuzz_long.py)."""
    names = sorted(MUTATIONS)
    return tuple((rng.choice(names), rng.getrandbits(32)) for _ in range(rng.randint(1, most)))


# --- running one input ------------------------------------------------------------------


class EngineHang(Exception):
    """The engine did not return within the hard limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (Unix main thread; elsewhere, no limit)."""
    usable = hasattr(signal, "setitimer")
    try:
        previous = signal.getsignal(signal.SIGALRM) if usable else None
    except ValueError:
        usable = False

    def _alarm(signum: int, frame: object) -> None:
        raise EngineHang(f"no result after {seconds:.1f} s")

    if usable:
        try:
            signal.signal(signal.SIGALRM, _alarm)
        except ValueError:  # not the main thread
            usable = False
    if usable:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _where(error: BaseException, depth: int = 5) -> str:
    frames = traceback.extract_tb(error.__traceback__)[-depth - 1 : -1]
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


@dataclass
class Outcome:
    invalid: bool = False
    occurrences: int = 0
    conflicts: int = 0
    unconfirmed: int = 0
    warnings: list[ReadWarning] | None = None
    seconds: float = 0.0


_CALENDAR_LINE = re.compile(r"(?im)^BEGIN:(?:VCALENDAR|VEVENT)[ \t\r]*$")


def has_calendar(data: bytes) -> bool:
    """Whether the input has a BEGIN:VCALENDAR or BEGIN:VEVENT line (InvalidCalendar otherwise)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("latin-1")  # enough to see ASCII keywords
    return bool(_CALENDAR_LINE.search(text))


def run_engine(data: bytes, window: Window, zone: tzinfo, limit: float = HARD_LIMIT_S) -> Outcome:
    """The app's pipeline on one input, with the properties checked; raises on a violation."""
    began = time.monotonic()
    try:
        with time_limit(limit):
            try:
                calendar = read_calendar(data, "fuzz.ics")
            except InvalidCalendar:
                assert not has_calendar(data), "InvalidCalendar for input with a calendar in it"
                return Outcome(invalid=True, seconds=time.monotonic() - began)
            expansion = occurrences_between([calendar], window[0], window[1], zone)
            conflicts = find_double_bookings(expansion.occurrences, ME)
            unconfirmed = find_unconfirmed(expansion.occurrences, ME)
    except EngineHang as hang:
        # A fresh exception naming where it was stuck: the interrupted traceback can hold a
        # frame without a line number, which crashes pytest's report (INTERNALERROR).
        raise EngineHang(f"{hang} in {_where(hang)}") from None
    seconds = time.monotonic() - began
    check_output(expansion.occurrences, conflicts, unconfirmed, expansion.warnings, window)
    return Outcome(
        occurrences=len(expansion.occurrences),
        conflicts=len(conflicts),
        unconfirmed=len(unconfirmed),
        warnings=expansion.warnings,
        seconds=seconds,
    )


def check_output(
    occurrences: list, conflicts: list, unconfirmed: list, warnings: list, window: Window
) -> None:
    """What any input must give: UTC instants in the window, sane pairs, known reasons."""
    for occ in occurrences:
        assert occ.start.utcoffset() == timedelta(0) and occ.end.utcoffset() == timedelta(0)
        assert occ.end >= occ.start
        if occ.end == occ.start:
            assert window[0] <= occ.start < window[1]
        else:
            assert occ.start < window[1] and occ.end > window[0]
        assert isinstance(recurrence_key(occ), str)
        if occ.all_day:
            assert isinstance(occ.start_date, date)
    for conflict in conflicts:
        assert conflict.a.start <= conflict.b.start
        assert conflict.overlap_end >= conflict.overlap_start
    for item in unconfirmed:
        assert item.reason in REASONS
    for warning in warnings:
        assert isinstance(warning, ReadWarning)
        str(warning)


# --- the fuzz tests ---------------------------------------------------------------------

_PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
if os.environ.get("DAYBRIEF_FUZZ_SHRINK"):
    _PHASES.append(Phase.shrink)

FUZZ = settings(
    deadline=timedelta(seconds=DEADLINE_S),
    phases=_PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # CI checks the same examples every run, so a red main means a change broke something;
    # local runs explore new ones, and benchmarks/fuzz_long.py searches for hours.
    derandomize=bool(os.environ.get("CI")),
)
ops_strategy = st.lists(
    st.tuples(st.sampled_from(sorted(MUTATIONS)), st.integers(0, 2**32 - 1)),
    min_size=1,
    max_size=4,
).map(tuple)
zone_strategy = st.sampled_from(ZONES).map(ZoneInfo)


def _describe(data: bytes) -> None:
    note(f"input: {len(data)} bytes; head: {data[:600]!r}")


@settings(FUZZ, max_examples=160)
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    ops=ops_strategy,
    window=st.sampled_from([APP_WINDOW, APP_WINDOW, CORPUS_WINDOW]),
    zone=zone_strategy,
)
def test_fuzz_hand_written_seeds(seed: str, ops: Ops, window: Window, zone: tzinfo) -> None:
    data = build(SEEDS[seed], ops)
    _describe(data)
    run_engine(data, window, zone)


@pytest.mark.skipif(
    not CORPUS_FILES,
    reason="real-world corpus not found (set DAYBRIEF_CORPUS, or put it at ../shared/corpus)",
)
@settings(FUZZ, max_examples=120)
@given(
    path=st.sampled_from(CORPUS_FILES or [Path()]),
    ops=ops_strategy,
    window=st.sampled_from([APP_WINDOW, CORPUS_WINDOW]),
    zone=zone_strategy,
)
def test_fuzz_corpus_seeds(path: Path, ops: Ops, window: Window, zone: tzinfo) -> None:
    data = build(path.read_bytes(), ops)
    _describe(data)
    run_engine(data, window, zone)


# --- specific absurd inputs: warnings, not hangs or crashes ------------------------------


def _calendar(*event_lines: str) -> bytes:
    return _ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Daybrief//fuzz//EN",
        "BEGIN:VEVENT",
        "UID:absurd@example.com",
        *event_lines,
        "END:VEVENT",
        "END:VCALENDAR",
    )


def _messages(outcome: Outcome) -> list[str]:
    return [w.message for w in outcome.warnings or []]


def _timed(data: bytes, zone: tzinfo = UTC) -> Outcome:
    outcome = run_engine(data, APP_WINDOW, zone, limit=DEADLINE_S)
    assert outcome.seconds < DEADLINE_S, f"took {outcome.seconds:.1f} s"
    return outcome


def test_secondly_without_end_is_cut_with_a_warning() -> None:
    outcome = _timed(_calendar("DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY"))
    assert any("series cut" in m for m in _messages(outcome)), _messages(outcome)


def test_minutely_ten_million_count_is_cut_with_a_warning() -> None:
    outcome = _timed(_calendar("DTSTART:20260101T000000Z", "RRULE:FREQ=MINUTELY;COUNT=10000000"))
    assert any("series cut" in m for m in _messages(outcome)), _messages(outcome)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=2",
        "FREQ=DAILY;BYMONTHDAY=31;BYMONTH=2",
        "FREQ=HOURLY;BYMONTHDAY=30;BYMONTH=2",
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;BYMONTH=1",
        "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=-366",
        "FREQ=SECONDLY;BYSETPOS=-366",
        "FREQ=MINUTELY;BYSETPOS=2",
    ],
)
def test_rule_that_never_matches_finishes(rule: str) -> None:
    """Only DTSTART itself remains (it is always the first instance)."""
    outcome = _timed(_calendar("DTSTART:20260105T090000Z", "DURATION:PT1H", f"RRULE:{rule}"))
    assert outcome.occurrences == 1


def test_until_in_year_9999_is_an_endless_series() -> None:
    outcome = _timed(
        _calendar("DTSTART:20260101T090000Z", "RRULE:FREQ=DAILY;UNTIL=99991231T235959Z")
    )
    assert outcome.occurrences == 365


def test_interval_zero_keeps_a_single_event_with_a_warning() -> None:
    data = _calendar("DTSTART:20260105T090000Z", "RRULE:FREQ=DAILY;INTERVAL=0")
    calendar = read_calendar(data, "absurd.ics")
    assert any("INTERVAL" in w.message for w in calendar.warnings)
    assert _timed(data).occurrences == 1


@pytest.mark.parametrize("start", EXTREME_STARTS[:7])
@pytest.mark.parametrize(
    "rule", ["", "RRULE:FREQ=DAILY", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"]
)
def test_dtstart_at_the_ends_of_time(start: str, rule: str) -> None:
    """No exception, no hang: out-of-range instants become warnings."""
    lines = [start, "DURATION:PT1H"] + ([rule] if rule else [])
    _timed(_calendar(*lines), ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("name", ["VALARM", "X-NEST"])
def test_deep_nesting_is_read(name: str) -> None:
    nested = [f"BEGIN:{name}"] * 1000 + ["TRIGGER:-PT5M"] + [f"END:{name}"] * 1000
    outcome = _timed(_calendar("DTSTART:20260105T090000Z", *nested))
    assert outcome.occurrences == 1


def test_huge_summary_and_ten_thousand_attendees() -> None:
    attendees = [f"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:p{i}@example.com" for i in range(10_000)]
    data = _calendar(
        "DTSTART:20260101T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=DAILY",
        "SUMMARY:" + "x" * 100_000,
        "ORGANIZER:mailto:me@example.com",
        *attendees,
    )
    outcome = _timed(data)
    assert outcome.occurrences == 365
    assert outcome.unconfirmed == 365  # waiting on everyone, every day


def test_self_overlapping_series_is_checked_quickly() -> None:
    """A long meeting every minute: 20,000 instances, none a double-booking of another UID."""
    outcome = _timed(
        _calendar("DTSTART:20260105T090000Z", "DURATION:PT8H", "RRULE:FREQ=MINUTELY;COUNT=20000")
    )
    assert outcome.occurrences == 20_000
    assert outcome.conflicts == 0


def test_non_utf8_bytes_are_read_with_a_warning() -> None:
    data = _calendar("DTSTART:20260105T090000Z", "SUMMARY:caf@").replace(b"caf@", b"caf\xe9")
    calendar = read_calendar(data, "latin.ics")
    assert calendar.events[0].info.summary == "café"
    assert any("UTF-8" in w.message for w in calendar.warnings)


def test_floating_event_in_year_one_east_of_utc() -> None:
    """Year 1 wall time in Berlin is year 0 in UTC: a warning, not an OverflowError."""
    data = _calendar("DTSTART:00010101T000000", "DTEND:00010101T010000")
    _timed(data, ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("start", "offset_from", "offset_to"),
    [("00010101T000000", "-0200", "-0300"), ("99991231T230000", "+0100", "+0200")],
)
def test_vtimezone_observance_at_the_ends_of_time(
    start: str, offset_from: str, offset_to: str
) -> None:
    """A VTIMEZONE transition whose wall time falls outside years 1-9999: no OverflowError."""
    data = _ics(
        "BEGIN:VCALENDAR",
        "BEGIN:VTIMEZONE",
        "TZID:Far West",
        "BEGIN:STANDARD",
        f"DTSTART:{start}",
        f"TZOFFSETFROM:{offset_from}",
        f"TZOFFSETTO:{offset_to}",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "UID:far-west@example.com",
        "DTSTART;TZID=Far West:20260105T090000",
        "END:VEVENT",
        "END:VCALENDAR",
    )
    assert _timed(data).occurrences == 1


def test_doubled_carriage_returns_are_line_ends() -> None:
    """CRLF converted twice (``\\r\\r\\n``, as some mail gateways do) is still a calendar."""
    data = _calendar("DTSTART:20260105T090000Z", "SUMMARY:Twice converted").replace(
        b"\r\n", b"\r\r\n"
    )
    calendar = read_calendar(data, "crcrlf.ics")
    assert [event.info.summary for event in calendar.events] == ["Twice converted"]
