"""Issue 19: hostile calendars against the core (scanner, per-calendar budget, old years)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

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
