"""Shared test fixtures.

Calendar fixtures live in ``tests/data/calendars`` as scenario-named ICS files,
written by hand for these tests; the ``calendars`` fixture exposes them by
scenario name, in the style of python-recurring-ical-events' conftest
(``calendars.touching_meetings`` is the path of ``touching_meetings.ics``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pytest

from daybrief.core.engine import occurrences_between
from daybrief.core.events import ParsedCalendar, read_file
from daybrief.core.recurrence import Expansion

# Tests run without a display (CI, containers): Qt must not look for one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CALENDARS_DIR = Path(__file__).parent / "data" / "calendars"


@pytest.fixture(autouse=True)
def own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the store of the person running them: the default folder
    is an empty one of the test's own (a test about the default itself sets it again)."""
    monkeypatch.setenv("DAYBRIEF_DATA_DIR", str(tmp_path_factory.mktemp("data") / "Daybrief"))


class CalendarFiles:
    """The ICS fixtures, one attribute per scenario: ``calendars.<name>`` → Path."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def __getattr__(self, name: str) -> Path:
        if name.startswith("_"):
            raise AttributeError(name)
        path = self._folder / f"{name}.ics"
        if not path.is_file():
            raise AttributeError(f"no calendar fixture {path.name} in {self._folder}")
        return path

    def __getitem__(self, name: str) -> Path:
        return self.__getattr__(name)

    def names(self) -> list[str]:
        """Every scenario available, sorted."""
        return sorted(path.stem for path in self._folder.glob("*.ics"))


@pytest.fixture(scope="session")
def calendars() -> CalendarFiles:
    return CalendarFiles(CALENDARS_DIR)


# --- helpers for the calendar-engine tests (tests/core) ---


@pytest.fixture
def read(calendars: CalendarFiles) -> Callable[..., ParsedCalendar]:
    """``read("allday")`` → the fixture file, read with its path as the source."""

    def _read(name: str, display_name: str | None = None) -> ParsedCalendar:
        return read_file(str(calendars[name]), display_name)

    return _read


@pytest.fixture
def expand(read: Callable[..., ParsedCalendar]) -> Callable[..., Expansion]:
    """``expand(["allday"], start, end, zone)`` → the engine's merged occurrences."""

    def _expand(
        names: Sequence[str], start: datetime, end: datetime, zone: tzinfo = UTC
    ) -> Expansion:
        return occurrences_between([read(name) for name in names], start, end, zone)

    return _expand


@pytest.fixture
def line_of(calendars: CalendarFiles) -> Callable[[str, str], int]:
    """``line_of("broken_events", "RRULE:FREQ=FORTNIGHTLY")`` → its 1-based physical line.

    The needle must be on exactly one line, so a test cannot silently point at the wrong one.
    """

    def _line_of(name: str, needle: str) -> int:
        raw = calendars[name].read_bytes().decode("utf-8", errors="replace")
        hits = [n for n, text in enumerate(raw.split("\n"), 1) if needle in text]
        assert len(hits) == 1, f"{needle!r} is on lines {hits} of {name}.ics, want exactly one"
        return hits[0]

    return _line_of
