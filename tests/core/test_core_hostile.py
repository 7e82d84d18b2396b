"""Issue 19: hostile calendars against the core (scanner, per-calendar budget, old years)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from daybrief.core import recurrence
from daybrief.core.engine import occurrences_between
from daybrief.core.events import read_calendar


class Hang(BaseException):  # not caught by code under test that catches Exception
    pass


@contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    """Stops a runaway block; a guard against hangs, not a timing assertion."""

    def _alarm(signum: int, frame: object) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _calendar(*lines: str) -> bytes:
    return ("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])).encode()


@pytest.mark.parametrize("tail", ["x", "\rx"])
def test_a_begin_line_with_a_long_run_of_spaces_scans_in_linear_time(tail):
    # Quadratic scanning took 28 s at 100 kB; at 1 MB it would take most of an hour.
    spaces = " " * 1_000_000
    data = _calendar(
        "BEGIN:VEVENT" + spaces + tail,
        "UID:a",
        "DTSTART:20260105T090000Z",
        "END:VEVENT",
    )
    with hang_guard(30):
        calendar = read_calendar(data, "spaces.ics")
    assert calendar is not None


def test_begin_lines_with_trailing_blanks_still_open_their_component():
    data = _calendar(
        "BEGIN:VEVENT \t\r",
        "UID:kept",
        "DTSTART:20260105T090000Z",
        "DTEND:20260105T100000Z",
        "END:VEVENT  ",
    )
    calendar = read_calendar(data, "blanks.ics")
    assert [event.uid for event in calendar.events] == ["kept"]


# --- 6: one budget per calendar ------------------------------------------------------------------


def _series(count: int, freq: str) -> bytes:
    events = []
    for n in range(count):
        events += [
            "BEGIN:VEVENT",
            f"UID:s{n}",
            f"SUMMARY:Series {n}",
            "DTSTART:20260101T090000Z",
            "DURATION:PT1S",
            f"RRULE:FREQ={freq}",
            "END:VEVENT",
        ]
    return _calendar(*events)


WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 30, tzinfo=UTC))


def test_many_endless_secondly_series_share_one_time_budget(monkeypatch):
    monkeypatch.setattr(recurrence, "CALENDAR_TIME_BUDGET_S", 1.0)
    calendar = read_calendar(_series(40, "SECONDLY"), "secondly.ics")
    # 40 series x 1.5 s each took a minute before the calendar had a budget of its own.
    with hang_guard(30):
        result = occurrences_between([calendar], *WINDOW, UTC)
    cuts = [w for w in result.warnings if "budget" in str(w)]
    assert cuts, [str(w) for w in result.warnings][:5]
    named = {w.uid for w in cuts}
    assert len(named) >= 20  # the series left out are named, not just counted
    assert all("Series " in str(w) for w in cuts if "more series" not in str(w))


def test_many_daily_series_share_one_instance_budget(monkeypatch):
    monkeypatch.setattr(recurrence, "MAX_SERIES_INSTANCES_PER_CALENDAR", 5_000)
    calendar = read_calendar(_series(200, "DAILY"), "daily.ics")
    result = occurrences_between([calendar], *WINDOW, UTC)
    assert 5_000 <= len(result.occurrences) <= 5_000 + 210  # one series may finish its window
    messages = [str(w) for w in result.warnings]
    named = [m for m in messages if "used up its budget of 5000 instances" in m]
    assert len(named) == recurrence.MAX_NAMED_CUTS
    assert any("more series not expanded" in m for m in messages)


def test_a_big_calendar_of_one_off_events_is_not_cut(monkeypatch):
    monkeypatch.setattr(recurrence, "MAX_SERIES_INSTANCES_PER_CALENDAR", 10)
    events = []
    for n in range(300):
        events += ["BEGIN:VEVENT", f"UID:o{n}", f"DTSTART:202602{1 + n % 28:02d}T090000Z",
                   "END:VEVENT"]  # fmt: skip
    result = occurrences_between([read_calendar(_calendar(*events))], *WINDOW, UTC)
    assert len(result.occurrences) == 300
    assert not [w for w in result.warnings if "budget" in str(w)]


# --- 10: wide encodings ------------------------------------------------------------------------

PLAIN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:wide\r\nSUMMARY:Réunion\r\n"
    "DTSTART:20260105T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize(
    "encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32", "utf-16"]
)
def test_utf16_without_a_bom_and_utf32_are_read(encoding):
    calendar = read_calendar(PLAIN.encode(encoding), f"{encoding}.ics")
    assert [(e.uid, e.info.summary) for e in calendar.events] == [("wide", "Réunion")]


def test_an_address_without_a_calendar_name_is_named_by_its_host():
    data = PLAIN.encode()
    assert read_calendar(data, "https://cal.example.com/…").name == "cal.example.com"
    assert read_calendar(data, "/home/me/Work.ics").name == "Work"


# --- found by benchmarks/fuzz_long.py ----------------------------------------------------------


def test_a_vtimezone_nested_thousands_deep_is_read_without_recursing_away():
    depth = 5000
    data = _calendar(
        "X-WR-TIMEZONE:Custom/Deep",
        "BEGIN:VTIMEZONE",
        "TZID:Custom/Deep",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0100",
        *(["BEGIN:X-NEST"] * depth),
        *(["END:X-NEST"] * depth),
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "UID:deep",
        "DTSTART:20260105T090000",
        "END:VEVENT",
    )
    calendar = read_calendar(data, "deep.ics")
    result = occurrences_between([calendar], *WINDOW, UTC)
    assert [o.start for o in result.occurrences] == [datetime(2026, 1, 5, 8, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("moment", "zone"),
    [("99991231T233000", "America/St_Johns"), ("00010101T003000", "Australia/Lord_Howe")],
)
def test_an_override_without_its_series_at_the_end_of_time_is_a_warning(moment, zone):
    data = _calendar(
        "BEGIN:VEVENT",
        "UID:lonely",
        f"RECURRENCE-ID;TZID={zone}:{moment}",
        f"DTSTART;TZID={zone}:{moment}",
        "DURATION:PT1H",
        "END:VEVENT",
    )
    calendar = read_calendar(data, "edge.ics")
    result = occurrences_between([calendar], *WINDOW, ZoneInfo(zone))
    assert result.occurrences == []
    assert any("not expanded" in str(w) for w in result.warnings)


def test_thousands_of_unclosed_nested_components_are_read_in_linear_time():
    # Each unclosed component's content was read again for every ancestor: 72 kB took
    # 10 s, 670 kB more than a minute.
    nested = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:x"] * 50_000
    data = _calendar(
        "BEGIN:VEVENT",
        "UID:outer",
        "DTSTART:20260105T090000Z",
        *nested,
    )
    with hang_guard(30):
        calendar = read_calendar(data, "nested.ics")
    assert [e.uid for e in calendar.events] == ["outer"]
    assert any("not closed" in str(w) for w in calendar.warnings)


def test_a_utf16_fragment_at_the_top_of_a_utf8_calendar_does_not_hide_it():
    # Found by fuzz_long: a UTF-16 first line, then the rest in UTF-8.
    head = "BEGIN:VCALENDAR\nVERSION:2.0".encode("utf-16-le") + b"\n"
    rest = (
        b"BEGIN:VEVENT\r\nUID:kept\r\nDTSTART:20260105T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar = read_calendar(b"??" + head + rest, "mixed.ics")
    assert [e.uid for e in calendar.events] == ["kept"]
