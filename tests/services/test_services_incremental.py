"""Incremental re-import: only changed VEVENT blocks are parsed, and the result is exactly
what a fresh full import of the same file gives (a differential test)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.model import format_utc, recurrence_key
from daybrief.services.importer import import_file
from daybrief.store import open_store
from daybrief.store.calendars import Calendars

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def event(uid: str, day: int, hour: int, summary: str, extra: str = "") -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTART;TZID=Europe/Berlin:202612{day:02d}T{hour:02d}0000\n"
        f"DURATION:PT1H\nSUMMARY:{summary}\n{extra}END:VEVENT\n"
    )


def calendar(events: list[str], vtimezone: str = VTIMEZONE) -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n"
        + vtimezone
        + "".join(events)
        + ("END:VCALENDAR\n")
    )


BASE = [event(f"e{i}@x", 1 + i % 28, 8 + i % 9, f"Meeting {i}") for i in range(60)] + [
    event("series@x", 1, 9, "Weekly", "RRULE:FREQ=WEEKLY;COUNT=8\n"),
    event(
        "series@x", 15, 11, "Weekly (moved)", "RECURRENCE-ID;TZID=Europe/Berlin:20261215T090000\n"
    ),
]


def materialised(store) -> list[tuple[object, ...]]:
    calendars = Calendars(store)
    (source,) = calendars.sources()
    return sorted(
        (o.uid, recurrence_key(o), format_utc(o.start), format_utc(o.end), o.summary)
        for o in calendars.occurrences_of(source.id)
    )


def write(path: Path, text: str) -> None:
    path.write_bytes(text.replace("\n", "\r\n").encode())


def run(store, path: Path):
    return import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)


# Each: (events of the first import, events of the re-import).
CHANGES = {
    "one event moved": (BASE, [BASE[0].replace("T08", "T16"), *BASE[1:]]),
    "one event removed": (BASE, BASE[1:]),
    "one event added": (BASE, [*BASE, event("new@x", 3, 7, "New one")]),
    "override of a series changed": (BASE, [*BASE[:-1], BASE[-1].replace("T11", "T14")]),
    "override of a series removed": (BASE, BASE[:-1]),
    "series master changed": (BASE, [*BASE[:-2], BASE[-2].replace("COUNT=8", "COUNT=3"), BASE[-1]]),
    "two copies of one block, one removed": ([*BASE, BASE[5]], BASE),
    "a copy of a block added": (BASE, [*BASE, BASE[7]]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_import_equals_a_full_import(change: str, tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    before, after = CHANGES[change]
    write(path, calendar(before))
    with open_store(tmp_path / "incremental.sqlite3") as store:
        run(store, path)
        write(path, calendar(after))
        report = run(store, path)
        assert report.changed_events is not None, "expected the incremental path"
        assert report.changed_events + report.gone_events <= 4
        incremental = materialised(store)
    with open_store(tmp_path / "full.sqlite3") as store:
        run(store, path)
        full = materialised(store)
    assert incremental == full


def test_a_changed_time_zone_definition_forces_a_full_import(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    write(path, calendar(BASE))
    with open_store(tmp_path / "s.sqlite3") as store:
        run(store, path)
        # Winter offset +00:00 instead of +01:00: every event reads differently.
        write(path, calendar(BASE, VTIMEZONE.replace("TZOFFSETTO:+0100", "TZOFFSETTO:+0000")))
        report = run(store, path)
        assert report.changed_events is None  # the frame changed: everything was read again
        first = next(o for o in materialised(store) if o[0] == "e0@x")
        assert first[2] == "2026-12-01T08:00:00Z"


def test_many_changes_take_the_full_path(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    write(path, calendar(BASE))
    with open_store(tmp_path / "s.sqlite3") as store:
        run(store, path)
        write(path, calendar([e.replace("Meeting", "Call") for e in BASE]))
        report = run(store, path)
        assert report.changed_events is None
        assert all(o[4].startswith(("Call", "Weekly")) for o in materialised(store))
