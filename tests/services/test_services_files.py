"""File-pattern checklist items: ticked by a fresh file, "missing" otherwise, never
overriding the user; real files under tmp_path with controlled modification times."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.model import Occurrence
from daybrief.services.files import FileState, LocalFileSystem, check_file_items
from daybrief.services.importer import import_file
from daybrief.services.queries import occurrences_in_store, save_identity
from daybrief.store import Store, UserData, open_store
from daybrief.store.models import DoneBy

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
LAST_ACME_END = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)  # 11:00 Berlin
QBR = "qbr@acme.example"
GLOBEX = "kickoff@globex.example"

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
BEGIN:VEVENT
UID:last@acme.example
DTSTART;TZID=Europe/Berlin:20261110T100000
DTEND;TZID=Europe/Berlin:20261110T110000
SUMMARY:Acme check-in
ATTENDEE:mailto:me@agency.example
ATTENDEE:mailto:jo@acme.example
END:VEVENT
BEGIN:VEVENT
UID:qbr@acme.example
DTSTART;TZID=Europe/Berlin:20261124T100000
DTEND;TZID=Europe/Berlin:20261124T113000
SUMMARY:Acme QBR
ATTENDEE:mailto:me@agency.example
ATTENDEE:mailto:jo@acme.example
END:VEVENT
BEGIN:VEVENT
UID:kickoff@globex.example
DTSTART;TZID=Europe/Berlin:20261125T100000
DTEND;TZID=Europe/Berlin:20261125T110000
SUMMARY:Globex kick-off
ATTENDEE:mailto:me@agency.example
ATTENDEE:mailto:ann@globex.example
END:VEVENT
BEGIN:VEVENT
UID:internal@agency.example
DTSTART;TZID=Europe/Berlin:20261124T140000
DTEND;TZID=Europe/Berlin:20261124T150000
SUMMARY:Team planning
ATTENDEE:mailto:me@agency.example
ATTENDEE:mailto:kim@agency.example
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_identity(opened, ["me@agency.example"])
        ud = UserData.of(opened)
        ud.clients.create("Acme", ["acme.example"])
        ud.clients.create("Globex [EU]", ["globex.example"])
        path = tmp_path / "work.ics"
        path.write_bytes(CALENDAR.replace("\n", "\r\n").encode())
        import_file(opened, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)
        yield opened


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def upcoming(store: Store) -> list[Occurrence]:
    return occurrences_in_store(store, NOW, NOW + timedelta(days=14), BERLIN, "Europe/Berlin")


def touch(path: Path, modified: datetime) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"slides")
    os.utime(path, (modified.timestamp(), modified.timestamp()))
    return path


def check(store: Store, home: Path, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return check_file_items(store, upcoming(store), lambda: now, fs=LocalFileSystem(home))


def test_a_file_changed_since_the_last_client_meeting_ticks_the_item(
    store: Store, home: Path
) -> None:
    ud = UserData.of(store)
    deck = ud.checklists.add(
        QBR, "Deck ready", required=True, file_pattern="~/Clients/Acme/*QBR*.pptx"
    )
    stale = touch(home / "Clients/Acme/Acme QBR.pptx", LAST_ACME_END - timedelta(minutes=5))
    [status] = check(store, home)
    assert status.state is FileState.MISSING
    assert status.since == LAST_ACME_END
    assert status.label == "deck missing"
    assert not ud.checklists.get(deck.id).done
    touch(stale, LAST_ACME_END + timedelta(days=3))
    [status] = check(store, home)
    assert status.state is FileState.FOUND and status.changed
    assert status.found is not None and status.found.path == str(stale)
    assert status.label == "found Acme QBR.pptx"
    item = ud.checklists.get(deck.id)
    assert item.done and item.auto_done and item.done_by is DoneBy.FILE
    # Checking again changes nothing.
    [status] = check(store, home)
    assert status.state is FileState.FOUND and not status.changed


def test_the_file_going_away_takes_back_only_the_apps_own_tick(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    deck = ud.checklists.add(QBR, "Deck ready", file_pattern="~/Clients/Acme/")
    notes = touch(home / "Clients/Acme/notes/prep.md", NOW - timedelta(days=1))
    check(store, home)
    assert ud.checklists.get(deck.id).auto_done
    notes.unlink()
    [status] = check(store, home)
    assert status.state is FileState.MISSING and status.changed
    assert not ud.checklists.get(deck.id).done


def test_ticks_by_hand_are_never_overridden(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    ticked = ud.checklists.add(QBR, "Deck ready", file_pattern="~/Clients/Acme/")
    ud.checklists.set_done(ticked.id)
    [status] = check(store, home)  # no folder at all
    assert status.state is FileState.BY_HAND
    assert ud.checklists.get(ticked.id).done
    # An automatic tick the user takes back stays taken back, file or no file.
    touch(home / "Clients/Acme/deck.pptx", NOW)
    other = ud.checklists.add(QBR, "Usage report", file_pattern="~/Clients/Acme/*.pptx")
    check(store, home)
    assert ud.checklists.get(other.id).auto_done
    ud.checklists.set_done(other.id, False)
    statuses = {s.item.id: s for s in check(store, home)}
    assert statuses[other.id].state is FileState.BY_HAND
    assert not ud.checklists.get(other.id).done


def test_client_placeholder_tries_the_meetings_client(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    item = ud.checklists.add(GLOBEX, "Proposal", file_pattern="~/Clients/{client}/*.pdf")
    # The client's name has glob characters: they must match themselves.
    touch(home / "Clients/Globex [EU]/proposal.pdf", NOW - timedelta(days=2))
    touch(home / "Clients/Globex E/other.pdf", NOW)
    [status] = check(store, home)
    assert status.state is FileState.FOUND
    assert status.patterns == (str(home / "Clients/Globex [[]EU]/*.pdf"),)
    assert status.found is not None and status.found.path.endswith("Globex [EU]/proposal.pdf")
    assert ud.checklists.get(item.id).auto_done


def test_without_an_earlier_client_meeting_the_last_30_days_count(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    ud.checklists.add(GLOBEX, "Proposal", file_pattern="~/Clients/Globex/")
    old = touch(home / "Clients/Globex/proposal.pdf", NOW - timedelta(days=31))
    [status] = check(store, home)
    assert status.state is FileState.MISSING
    assert status.since == NOW - timedelta(days=30)
    touch(old, NOW - timedelta(days=29))
    [status] = check(store, home)
    assert status.state is FileState.FOUND


def test_a_missing_folder_is_missing_not_an_error(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    ud.checklists.add(QBR, "Deck ready", file_pattern="~/Nowhere/at/all/")
    ud.checklists.add(QBR, "Usage report", file_pattern="~/Nowhere/*/*.xlsx")
    ud.checklists.add(QBR, "Contract", file_pattern="/no/such/root/contract.pdf")
    assert [s.state for s in check(store, home)] == [FileState.MISSING] * 3


def test_tilde_and_relative_patterns_are_under_home(tmp_path: Path) -> None:
    fs = LocalFileSystem(tmp_path)
    assert fs.expand("~/Clients/") == f"{tmp_path}/Clients/"
    assert fs.expand("~") == str(tmp_path)
    assert fs.expand("Clients/x.pptx") == str(tmp_path / "Clients/x.pptx")
    assert fs.expand("/srv/decks/*.pptx") == "/srv/decks/*.pptx"


def test_a_meeting_without_client_cannot_fill_the_placeholder(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    ud.checklists.add("internal@agency.example", "Plan", file_pattern="~/Clients/{client}/")
    [status] = check(store, home)
    assert status.state is FileState.NO_CLIENT
    assert status.label == "no client for this meeting"


def test_a_finished_meetings_checklist_is_left_as_it_was(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    deck = ud.checklists.add(QBR, "Deck ready", file_pattern="~/Clients/Acme/")
    touch(home / "Clients/Acme/deck.pptx", NOW)
    after_the_qbr = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    [status] = check(store, home, after_the_qbr)
    assert status.state is FileState.FOUND and not status.changed
    assert not ud.checklists.get(deck.id).done


def test_template_patterns_reach_the_checklist(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    template = ud.templates.create("QBR", [("Deck ready", True, "~/Clients/{client}/*QBR*")])
    ud.templates.apply(QBR, template.id)
    [item] = ud.checklists.items(QBR)
    assert item.file_pattern == "~/Clients/{client}/*QBR*"
    touch(home / "Clients/Acme/Q4 QBR.key", NOW - timedelta(hours=1))
    [status] = check(store, home)
    assert status.state is FileState.FOUND


def test_lock_files_and_hidden_files_are_not_work_done(store: Store, home: Path) -> None:
    ud = UserData.of(store)
    ud.checklists.add(QBR, "Deck ready", file_pattern="~/Clients/Acme/")
    ud.checklists.add(QBR, "Usage report", file_pattern="~/Clients/Acme/*usage*")
    touch(home / "Clients/Acme/old deck.pptx", LAST_ACME_END - timedelta(days=1))
    touch(home / "Clients/Acme/~$old deck.pptx", NOW)  # PowerPoint has the deck open
    touch(home / "Clients/Acme/.DS_Store", NOW)
    touch(home / "Clients/Acme/.git/index", NOW)
    touch(home / "Clients/Acme/.usage.xlsx.swp", NOW)
    assert [s.state for s in check(store, home)] == [FileState.MISSING, FileState.MISSING]
