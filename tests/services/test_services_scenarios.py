"""Issue 4's scenarios end to end: what the calendars do never costs the user their data.

Each test imports small hand-written calendars into a fresh store with a fixed clock
(``NOW``, a Monday) and checks the user's data and what ``orphaned_meetings`` says
("no longer in your calendar", docs/semantics.md) after moves, deletions, overrides, duplicates
across calendars, a removed source, a dismissal and failed imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.conflicts import find_double_bookings
from daybrief.core.errors import InvalidCalendar
from daybrief.core.model import Occurrence, recurrence_key
from daybrief.services.importer import ImportReport, import_file
from daybrief.services.queries import occurrences_in_store, orphaned_meetings
from daybrief.services.sources import remove_source
from daybrief.store import Store, export_user_data, meeting_key, open_store
from daybrief.store.calendars import Calendars
from daybrief.store.userdata import UserData

BERLIN = ZoneInfo("Europe/Berlin")
ZONE_NAME = "Europe/Berlin"
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday; the window runs 30 days back, 180 on
WEEK = (datetime(2026, 11, 23, tzinfo=BERLIN), datetime(2026, 12, 31, tzinfo=BERLIN))
ME = frozenset({"alex@northwind.example"})

QBR = "qbr-2026q4@acme.example"
LUNCH = "lunch-1125@globex.example"
WEEKLY = "weekly-sync@northwind.example"
# The 2nd instance of WEEKLY: Tue 1 Dec 2026 09:00 Berlin (CET) is 08:00 UTC.
SECOND_RID = "2026-12-01T08:00:00Z"


def vevent(uid: str, start: str, end: str, summary: str, *extra: str) -> str:
    """One VEVENT with Berlin-local DTSTART/DTEND (``YYYYMMDDTHHMMSS``)."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T120000Z",
        f"DTSTART;TZID=Europe/Berlin:{start}",
        f"DTEND;TZID=Europe/Berlin:{end}",
        f"SUMMARY:{summary}",
        *extra,
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


def vcalendar(name: str, *events: str) -> str:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Daybrief scenarios//EN"]
    return "\r\n".join([*head, f"X-WR-CALNAME:{name}", *events, "END:VCALENDAR", ""])


def qbr(start: str = "20261124T100000", end: str = "20261124T113000") -> str:
    return vevent(QBR, start, end, "Acme QBR", "ORGANIZER:mailto:alex@northwind.example")


def lunch() -> str:
    return vevent(LUNCH, "20261125T123000", "20261125T133000", "Lunch with Globex")


def weekly(count: int = 6) -> str:
    return vevent(
        WEEKLY,
        "20261124T090000",
        "20261124T093000",
        "Weekly sync",
        f"RRULE:FREQ=WEEKLY;COUNT={count}",
    )


def moved_second_weekly() -> str:
    """The override: the 1 Dec instance of WEEKLY moved to 15:00 and renamed."""
    return vevent(
        WEEKLY,
        "20261201T150000",
        "20261201T153000",
        "Weekly sync (moved)",
        "RECURRENCE-ID;TZID=Europe/Berlin:20261201T090000",
        "SEQUENCE:1",
    )


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        yield opened


@pytest.fixture()
def data(store: Store) -> UserData:
    return UserData.of(store)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run_import(store: Store, path: Path) -> ImportReport:
    return import_file(store, str(path), user_zone=BERLIN, zone_name=ZONE_NAME, now=NOW)


def in_store(store: Store, start: datetime = WEEK[0], end: datetime = WEEK[1]) -> list[Occurrence]:
    return occurrences_in_store(store, start, end, BERLIN, ZONE_NAME)


def orphan_keys(store: Store) -> list[str]:
    return [m.meeting_key for m in orphaned_meetings(store)]


def texts(data: UserData, key: str) -> list[str]:
    return [item.text for item in data.checklists.items(key)]


def user_rows(store: Store) -> dict[str, Any]:
    """All the user's own data except the display snapshots imports may refresh."""
    tables = dict(export_user_data(store)["tables"])
    tables.pop("meetings", None)
    return tables


# --------------------------------------------------------------------- move, delete, reappear


def test_a_meeting_that_moves_keeps_its_checklist(store: Store, data: UserData, tmp_path) -> None:
    path = write(tmp_path / "work.ics", vcalendar("Work", qbr(), lunch()))
    run_import(store, path)
    key = meeting_key(QBR)
    data.checklists.add(key, "Deck ready", required=True)
    data.notes.set(key, "Ask about renewal")

    report = run_import(
        store, write(path, vcalendar("Work", qbr("20261126T140000", "20261126T153000"), lunch()))
    )

    assert [(a.uid, b.start) for a, b in report.moved] == [
        (QBR, datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    ]
    assert texts(data, key) == ["Deck ready"]
    note = data.notes.get(key)
    assert note is not None and note.text == "Ask about renewal"
    assert orphan_keys(store) == []
    snapshot = data.meetings.get(key)  # the snapshot follows the meeting to its new time
    assert snapshot is not None and snapshot.start_utc == datetime(2026, 11, 26, 13, 0, tzinfo=UTC)


def test_a_deleted_meeting_keeps_its_data_and_is_orphaned_until_it_reappears(
    store: Store, data: UserData, tmp_path
) -> None:
    path = write(tmp_path / "work.ics", vcalendar("Work", qbr(), lunch()))
    run_import(store, path)
    key = meeting_key(LUNCH)
    data.checklists.add(key, "Book a table")
    follow_up = data.follow_ups.add("Send the menu", meeting_key=key)
    data.checklists.add(meeting_key(QBR), "Deck ready")
    before = user_rows(store)

    report = run_import(store, write(path, vcalendar("Work", qbr())))

    assert [o.uid for o in report.removed] == [LUNCH]
    assert user_rows(store) == before  # nothing the user wrote is gone
    orphans = orphaned_meetings(store)
    assert [m.meeting_key for m in orphans] == [key]
    # Shown as last seen: the snapshot the import kept before the meeting vanished.
    assert orphans[0].summary == "Lunch with Globex"
    assert orphans[0].start_utc == datetime(2026, 11, 25, 11, 30, tzinfo=UTC)

    run_import(store, write(path, vcalendar("Work", qbr(), lunch())))  # it comes back

    assert orphan_keys(store) == []
    assert texts(data, key) == ["Book a table"]
    assert data.follow_ups.get(follow_up.id).meeting_key == key
    assert user_rows(store) == before


def test_meetings_without_user_data_are_never_orphans(store: Store, tmp_path) -> None:
    path = write(tmp_path / "work.ics", vcalendar("Work", qbr(), lunch()))
    run_import(store, path)
    run_import(store, write(path, vcalendar("Work")))
    assert orphan_keys(store) == []


# --------------------------------------------------------------------- a series instance


def test_an_overridden_instance_and_its_series_keep_their_own_data(
    store: Store, data: UserData, tmp_path
) -> None:
    path = write(tmp_path / "work.ics", vcalendar("Work", weekly()))
    run_import(store, path)
    second = [o for o in in_store(store) if o.uid == WEEKLY][1]
    assert recurrence_key(second) == SECOND_RID  # the engine's text form of RECURRENCE-ID
    series_key = meeting_key(WEEKLY)
    instance_key = meeting_key(WEEKLY, recurrence_key(second))
    data.checklists.add(series_key, "Update the board")
    data.checklists.add(instance_key, "Bring Q4 numbers")

    run_import(store, write(path, vcalendar("Work", weekly(), moved_second_weekly())))

    weeklies = [o for o in in_store(store) if o.uid == WEEKLY]
    assert len(weeklies) == 6
    moved = next(o for o in weeklies if recurrence_key(o) == SECOND_RID)
    assert moved.start == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert moved.summary == "Weekly sync (moved)"
    # The same key reaches the moved instance: its data attaches to it, the series' to all.
    assert meeting_key(WEEKLY, recurrence_key(moved)) == instance_key
    assert texts(data, instance_key) == ["Bring Q4 numbers"]
    assert texts(data, series_key) == ["Update the board"]
    assert orphan_keys(store) == []
    snapshot = data.meetings.get(instance_key)
    assert snapshot is not None and snapshot.summary == "Weekly sync (moved)"
    assert snapshot.start_utc == moved.start


def test_an_instance_that_leaves_its_series_is_orphaned_but_the_series_is_not(
    store: Store, data: UserData, tmp_path
) -> None:
    path = write(tmp_path / "work.ics", vcalendar("Work", weekly(), moved_second_weekly()))
    run_import(store, path)
    series_key = meeting_key(WEEKLY)
    instance_key = meeting_key(WEEKLY, SECOND_RID)
    data.checklists.add(series_key, "Update the board")
    data.checklists.add(instance_key, "Bring Q4 numbers")

    # The series now ends after its first instance and the override is gone.
    run_import(store, write(path, vcalendar("Work", weekly(count=1))))

    assert orphan_keys(store) == [instance_key]
    assert texts(data, instance_key) == ["Bring Q4 numbers"]
    assert texts(data, series_key) == ["Update the board"]


# --------------------------------------------------------------------- two calendars


def test_the_same_meeting_in_two_calendars_is_one_meeting_and_no_conflict(
    store: Store, data: UserData, tmp_path
) -> None:
    work = write(tmp_path / "work.ics", vcalendar("Work", qbr(), weekly()))
    clash = vevent("clash@initech.example", "20261124T110000", "20261124T120000", "Initech call")
    shared = write(tmp_path / "shared.ics", vcalendar("Shared", qbr(), weekly(), clash))
    run_import(store, work)
    run_import(store, shared)
    assert len(Calendars(store).sources()) == 2

    occurrences = in_store(store)
    qbrs = [o for o in occurrences if o.uid == QBR]
    assert len(qbrs) == 1 and sorted(qbrs[0].calendars) == ["Shared", "Work"]
    assert len([o for o in occurrences if o.uid == WEEKLY]) == 6
    # Even counting same-UID pairs, the only clash is with the real other meeting.
    pairs = [
        {c.a.uid, c.b.uid} for c in find_double_bookings(occurrences, ME, include_same_uid=True)
    ]
    assert pairs == [{QBR, "clash@initech.example"}]

    # Outside the materialised window the stored content is expanded again: still once.
    later = in_store(
        store, datetime(2027, 6, 1, tzinfo=BERLIN), datetime(2027, 7, 1, tzinfo=BERLIN)
    )
    assert later == []  # the weekly series ended; nothing duplicated, nothing invented

    # Data on the shared meeting is orphaned only when neither calendar has it.
    data.checklists.add(meeting_key(QBR), "Deck ready")
    calendars = Calendars(store)
    work_source = next(s for s in calendars.sources() if s.name == "Work")
    calendars.remove_source(work_source.id)
    assert orphan_keys(store) == []


def test_a_removed_source_keeps_its_user_data_as_orphans(
    store: Store, data: UserData, tmp_path
) -> None:
    run_import(store, write(tmp_path / "work.ics", vcalendar("Work", qbr(), weekly())))
    run_import(store, write(tmp_path / "private.ics", vcalendar("Private", lunch())))
    data.checklists.add(meeting_key(QBR), "Deck ready")
    data.notes.set(meeting_key(WEEKLY, SECOND_RID), "Bring Q4 numbers")
    data.checklists.add(meeting_key(LUNCH), "Book a table")
    before = user_rows(store)
    calendars = Calendars(store)
    work = next(s for s in calendars.sources() if s.name == "Work")

    calendars.remove_source(work.id)

    assert [s.name for s in calendars.sources()] == ["Private"]
    assert {o.uid for o in in_store(store)} == {LUNCH}
    assert user_rows(store) == before
    orphans = {m.meeting_key: m for m in orphaned_meetings(store)}
    assert set(orphans) == {meeting_key(QBR), meeting_key(WEEKLY, SECOND_RID)}


def test_a_removed_source_leaves_its_orphans_shown_as_last_seen(
    store: Store, data: UserData, tmp_path
) -> None:
    run_import(store, write(tmp_path / "work.ics", vcalendar("Work", qbr())))
    data.checklists.add(meeting_key(QBR), "Deck ready")
    calendars = Calendars(store)
    remove_source(store, calendars.sources()[0].id)
    [orphan] = orphaned_meetings(store)
    assert (orphan.summary, orphan.calendar) == ("Acme QBR", "Work")
    assert orphan.start_utc == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_dismissing_an_orphan_hides_it_and_keeps_its_data(
    store: Store, data: UserData, tmp_path
) -> None:
    path = write(tmp_path / "work.ics", vcalendar("Work", qbr(), lunch()))
    run_import(store, path)
    data.checklists.add(meeting_key(QBR), "Deck ready")
    data.checklists.add(meeting_key(LUNCH), "Book a table")
    run_import(store, write(path, vcalendar("Work")))
    assert orphan_keys(store) == [meeting_key(QBR), meeting_key(LUNCH)]  # by last-seen start

    data.meetings.dismiss(meeting_key(LUNCH))

    assert orphan_keys(store) == [meeting_key(QBR)]
    assert texts(data, meeting_key(LUNCH)) == ["Book a table"]
    data.meetings.undismiss(meeting_key(LUNCH))
    assert orphan_keys(store) == [meeting_key(QBR), meeting_key(LUNCH)]


def test_a_disabled_source_does_not_keep_its_meetings_alive(
    store: Store, data: UserData, tmp_path
) -> None:
    run_import(store, write(tmp_path / "work.ics", vcalendar("Work", qbr())))
    data.checklists.add(meeting_key(QBR), "Deck ready")
    source = Calendars(store).sources()[0]
    # No repository call disables a source yet; the column is what the query honours.
    store.execute("UPDATE sources SET enabled = 0 WHERE id = ?", (source.id,))
    assert orphan_keys(store) == [meeting_key(QBR)]


# --------------------------------------------------------------------- failed imports


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda p: p.unlink(), id="file-gone"),
        pytest.param(lambda p: (p.unlink(), p.mkdir()), id="directory"),
        pytest.param(
            lambda p: p.write_bytes(
                b"<!DOCTYPE html>\r\n<html><body><h1>502 Bad Gateway</h1></body></html>\r\n"
            ),
            id="html",
        ),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
    ],
)
def test_a_failed_import_changes_nothing(store: Store, data: UserData, tmp_path, break_it) -> None:
    path = write(tmp_path / "work.ics", vcalendar("Work", qbr(), weekly(), moved_second_weekly()))
    run_import(store, path)
    data.checklists.add(meeting_key(QBR), "Deck ready")
    data.notes.set(meeting_key(WEEKLY, SECOND_RID), "Bring Q4 numbers")
    data.checklists.add(meeting_key("gone@acme.example"), "An orphan already")
    calendars = Calendars(store)
    source = calendars.sources()[0]
    occurrences = calendars.occurrences_of(source.id)
    content = calendars.content(source.id)
    everything = export_user_data(store)

    break_it(path)
    with pytest.raises(InvalidCalendar):
        run_import(store, path)

    assert calendars.occurrences_of(source.id) == occurrences
    assert calendars.content(source.id) == content
    assert calendars.sources()[0].content_hash == source.content_hash
    assert export_user_data(store) == everything  # snapshots included: nothing was written
    assert orphan_keys(store) == [meeting_key("gone@acme.example")]
    assert {o.uid for o in in_store(store)} == {QBR, WEEKLY}
