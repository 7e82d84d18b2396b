"""Acknowledged problems stay acknowledged across imports, until the clash moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.confirmation import find_unconfirmed, identity
from daybrief.core.conflicts import find_double_bookings
from daybrief.core.model import Occurrence
from daybrief.services.hygiene import (
    acknowledge,
    acknowledged,
    conflict_problem_key,
    open_problems,
    unacknowledge,
    unconfirmed_problem_key,
)
from daybrief.services.importer import import_file
from daybrief.services.queries import occurrences_in_store
from daybrief.store import Store, open_store
from daybrief.store.models import AckState

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
ME = identity(["me@agency.example"])

TEMPLATE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
BEGIN:VEVENT
UID:qbr@acme.example
DTSTART;TZID=Europe/Berlin:20261124T{qbr_start}
DTEND;TZID=Europe/Berlin:20261124T{qbr_end}
SUMMARY:Acme QBR
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:me@agency.example
END:VEVENT
BEGIN:VEVENT
UID:dentist@home.example
DTSTART;TZID=Europe/Berlin:20261124T103000
DTEND;TZID=Europe/Berlin:20261124T113000
SUMMARY:Dentist
END:VEVENT
END:VCALENDAR
"""


def calendar(path: Path, qbr_start: str = "100000", qbr_end: str = "110000") -> Path:
    text = TEMPLATE.format(qbr_start=qbr_start, qbr_end=qbr_end)
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        yield opened


def load(store: Store, path: Path) -> list[Occurrence]:
    import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)
    return occurrences_in_store(store, NOW, NOW + timedelta(days=14), BERLIN, "Europe/Berlin")


def test_acknowledged_problems_leave_the_panel_and_come_back_on_clear(
    store: Store, tmp_path: Path
) -> None:
    occurrences = load(store, calendar(tmp_path / "work.ics"))
    conflicts = find_double_bookings(occurrences, ME)
    unconfirmed = find_unconfirmed(occurrences, ME)
    assert len(conflicts) == 1 and len(unconfirmed) == 1
    clash = conflict_problem_key(conflicts[0])
    answer = unconfirmed_problem_key(unconfirmed[0])
    assert clash is not None and answer is not None
    acknowledge(store, clash, AckState.IGNORED)
    acknowledge(store, answer, "handled")
    assert open_problems(store, conflicts, unconfirmed) == ([], [])
    assert acknowledged(store) == {clash: AckState.IGNORED, answer: AckState.HANDLED}
    unacknowledge(store, clash)
    assert open_problems(store, conflicts, unconfirmed) == (conflicts, [])


def test_a_moved_clash_shows_again_but_the_unconfirmed_ack_stays(
    store: Store, tmp_path: Path
) -> None:
    path = calendar(tmp_path / "work.ics")
    occurrences = load(store, path)
    for conflict in find_double_bookings(occurrences, ME):
        acknowledge(store, conflict_problem_key(conflict) or "", AckState.HANDLED)
    for item in find_unconfirmed(occurrences, ME):
        acknowledge(store, unconfirmed_problem_key(item) or "", AckState.IGNORED)
    # The same calendar again: nothing moved, everything stays acknowledged.
    path.write_bytes(path.read_bytes() + b"\r\n")
    again = load(store, path)
    assert open_problems(store, find_double_bookings(again, ME), find_unconfirmed(again, ME)) == (
        [],
        [],
    )
    # The QBR moves by 15 minutes: still a clash with the dentist, but at another time.
    moved = load(store, calendar(path, "101500", "111500"))
    conflicts, unconfirmed = open_problems(
        store, find_double_bookings(moved, ME), find_unconfirmed(moved, ME)
    )
    assert [(c.a.summary, c.b.summary) for c in conflicts] == [("Acme QBR", "Dentist")]
    assert unconfirmed == []  # same meeting, same reason: the user's "ignore" holds
