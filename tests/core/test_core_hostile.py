"""Issue 19: hostile calendars against the core (scanner, per-calendar budget, old years)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

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
