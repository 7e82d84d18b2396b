"""Importing calendars into the store: atomic, incremental by content, reporting changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.cli.main import main
from daybrief.core.errors import InvalidCalendar
from daybrief.services.importer import import_file
from daybrief.services.queries import occurrences_in_store
from daybrief.store import open_store
from daybrief.store.calendars import Calendars
from daybrief.store.meetings import meeting_key
from daybrief.store.userdata import UserData

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
X-WR-CALNAME:Work
BEGIN:VEVENT
UID:qbr@acme.example
DTSTART;TZID=Europe/Berlin:20261124T100000
DTEND;TZID=Europe/Berlin:20261124T113000
SUMMARY:Acme QBR
END:VEVENT
BEGIN:VEVENT
UID:standup@team.example
DTSTART;TZID=Europe/Berlin:20261123T090000
DTEND;TZID=Europe/Berlin:20261123T091500
RRULE:FREQ=DAILY;COUNT=10
SUMMARY:Stand-up
END:VEVENT
BEGIN:VEVENT
UID:lunch@globex.example
DTSTART;TZID=Europe/Berlin:20261125T123000
DTEND;TZID=Europe/Berlin:20261125T133000
SUMMARY:Lunch with Globex
END:VEVENT
END:VCALENDAR
"""


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


@pytest.fixture()
def store(tmp_path: Path):
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        yield opened


def run_import(store, path: Path):
    return import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)


def test_first_import_adds_everything_and_second_is_unchanged(store, tmp_path: Path) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    first = run_import(store, path)
    assert first.occurrences == 12 and len(first.added) == 12 and not first.unchanged
    second = run_import(store, path)
    assert second.unchanged and not second.added


def test_changes_are_reported_as_moved_cancelled_removed_added(store, tmp_path: Path) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    run_import(store, path)
    changed = (
        CALENDAR.replace("20261124T100000", "20261124T140000")
        .replace("20261124T113000", "20261124T153000")
        .replace("SUMMARY:Lunch with Globex", "SUMMARY:Lunch with Globex\nSTATUS:CANCELLED")
        .replace("COUNT=10", "COUNT=9")
        .replace(
            "END:VCALENDAR",
            "BEGIN:VEVENT\nUID:new@initech.example\nDTSTART:20261126T090000Z\n"
            "DTEND:20261126T100000Z\nSUMMARY:Initech kick-off\nEND:VEVENT\nEND:VCALENDAR",
        )
    )
    report = run_import(store, write(path, changed))
    assert [(a.summary, b.start.hour) for a, b in report.moved] == [("Acme QBR", 13)]
    assert [o.summary for o in report.cancelled] == ["Lunch with Globex"]
    assert [o.summary for o in report.removed] == ["Stand-up"]  # the 10th instance
    assert [o.summary for o in report.added] == ["Initech kick-off"]


def test_a_broken_file_changes_nothing(store, tmp_path: Path) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    run_import(store, path)
    before = Calendars(store).occurrences_of(Calendars(store).sources()[0].id)
    path.write_bytes(b"<html>503 Service Unavailable</html>")
    with pytest.raises(InvalidCalendar):
        run_import(store, path)
    after = Calendars(store).occurrences_of(Calendars(store).sources()[0].id)
    assert [(o.uid, o.start) for o in after] == [(o.uid, o.start) for o in before]


def test_user_data_survives_a_meeting_that_moves_and_one_that_disappears(
    store, tmp_path: Path
) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    run_import(store, path)
    data = UserData.of(store)
    data.checklists.add(meeting_key("qbr@acme.example"), "Deck ready", required=True)
    data.checklists.add(meeting_key("lunch@globex.example"), "Book table")
    without_lunch = (
        CALENDAR.replace(
            CALENDAR[CALENDAR.index("BEGIN:VEVENT\nUID:lunch") : CALENDAR.index("END:VCALENDAR")],
            "",
        )
        .replace("20261124T100000", "20261124T160000")
        .replace("20261124T113000", "20261124T170000")
    )
    run_import(store, write(path, without_lunch))
    qbr_items = data.checklists.items(meeting_key("qbr@acme.example"))
    lunch_items = data.checklists.items(meeting_key("lunch@globex.example"))
    assert [i.text for i in qbr_items] == ["Deck ready"]
    assert [i.text for i in lunch_items] == ["Book table"]
    snapshot = data.meetings.get(meeting_key("lunch@globex.example"))
    assert snapshot is not None and snapshot.summary == "Lunch with Globex"
    assert "lunch@globex.example" not in Calendars(store).known_uids()


def test_store_answers_a_window_and_one_outside_the_materialised_one(store, tmp_path: Path) -> None:
    run_import(store, write(tmp_path / "work.ics", CALENDAR))
    inside = occurrences_in_store(
        store,
        datetime(2026, 11, 24, tzinfo=UTC),
        datetime(2026, 11, 25, tzinfo=UTC),
        BERLIN,
        "Europe/Berlin",
    )
    assert [o.summary for o in inside] == ["Stand-up", "Acme QBR"]
    far = occurrences_in_store(
        store,
        datetime(2027, 6, 1, tzinfo=UTC),
        datetime(2027, 7, 1, tzinfo=UTC),
        BERLIN,
        "Europe/Berlin",
    )
    assert far == []  # outside the window the stored content is expanded again: nothing then


def test_cli_import_then_query_the_store(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    data_dir = str(tmp_path / "data")
    assert main(["import", str(path), "--data-dir", data_dir, "--tz", "Europe/Berlin"]) == 0
    assert "12 occurrences; 12 added" in capsys.readouterr().out
    code = main(
        [
            "occurrences",
            "--start",
            "2026-11-24",
            "--end",
            "2026-11-24",
            "--tz",
            "Europe/Berlin",
            "--json",
            "--data-dir",
            data_dir,
        ]
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and [r["summary"] for r in rows] == ["Stand-up", "Acme QBR"]
    assert rows[1]["calendar"] == "Work"


def test_cli_without_files_or_store_says_what_to_do(tmp_path: Path, capsys) -> None:
    code = main(["conflicts", "--data-dir", str(tmp_path / "empty")])
    assert code == 2 and "daybrief import" in capsys.readouterr().err


def test_a_cut_off_file_is_refused_and_the_failure_recorded(store, tmp_path: Path) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    run_import(store, path)
    cut = CALENDAR[: CALENDAR.index("SUMMARY:Lunch with Globex")]
    write(path, cut)
    with pytest.raises(InvalidCalendar, match="cut off"):
        run_import(store, path)
    calendars = Calendars(store)
    (source,) = calendars.sources()
    assert "cut off" in (source.last_error or "")
    assert len(calendars.occurrences_of(source.id)) == 12  # the last good import stays


def test_a_dismissed_orphan_that_comes_back_and_goes_again_is_shown_again(
    store, tmp_path: Path
) -> None:
    from daybrief.services.queries import orphaned_meetings

    path = write(tmp_path / "work.ics", CALENDAR)
    run_import(store, path)
    data = UserData.of(store)
    key = meeting_key("lunch@globex.example")
    data.checklists.add(key, "Book table")
    without = CALENDAR.replace(
        CALENDAR[CALENDAR.index("BEGIN:VEVENT\nUID:lunch") : CALENDAR.index("END:VCALENDAR")], ""
    )
    run_import(store, write(path, without))
    assert [m.meeting_key for m in orphaned_meetings(store)] == [key]
    data.meetings.dismiss(key)
    assert orphaned_meetings(store) == []
    run_import(store, write(path, CALENDAR))
    run_import(store, write(path, without))
    assert [m.meeting_key for m in orphaned_meetings(store)] == [key]


def test_a_meeting_that_grows_old_is_not_an_orphan(store, tmp_path: Path) -> None:
    from daybrief.services.queries import orphaned_meetings

    path = write(tmp_path / "work.ics", CALENDAR)
    run_import(store, path)
    UserData.of(store).checklists.add(meeting_key("qbr@acme.example"), "Send minutes")
    two_months_later = datetime(2027, 1, 25, 9, 0, tzinfo=UTC)
    import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=two_months_later)
    assert "qbr@acme.example" not in Calendars(store).known_uids()  # out of the window now
    assert orphaned_meetings(store) == []


def test_saved_identity_is_used_when_no_me_is_given(tmp_path: Path, capsys) -> None:
    calendar = CALENDAR.replace(
        "SUMMARY:Acme QBR",
        "SUMMARY:Acme QBR\nORGANIZER:mailto:jo@acme.example\n"
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:me@example.com",
    )
    path = write(tmp_path / "work.ics", calendar)
    data_dir = str(tmp_path / "data")
    assert main(["import", str(path), "--data-dir", data_dir, "--tz", "Europe/Berlin"]) == 0
    assert main(["whoami", "--save", "Me@Example.com", "--data-dir", data_dir]) == 0
    capsys.readouterr()
    code = main(
        [
            "unconfirmed",
            "--start",
            "2026-11-24",
            "--end",
            "2026-11-24",
            "--json",
            "--tz",
            "Europe/Berlin",
            "--data-dir",
            data_dir,
        ]
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and [(r["uid"], r["reason"]) for r in rows] == [
        ("qbr@acme.example", "needs-action")
    ]
