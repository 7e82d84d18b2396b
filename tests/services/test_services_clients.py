"""Clients from attendee domains (Public Suffix List, free mail, own domains, the user's
names, merges and splits) and follow-ups (due picks and groups, anchored dates, tasks)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.model import Attendee
from daybrief.services.clients import client_directory
from daybrief.services.followups import (
    by_client,
    by_due,
    due_end_of_week,
    due_next_working_day,
    follow_up_rows,
    follow_ups_to_ics,
    follow_ups_to_markdown,
    import_follow_ups_ics,
    next_meeting_with,
    sync_anchored_due_dates,
)
from daybrief.services.importer import import_file
from daybrief.services.preferences import Preferences
from daybrief.services.queries import occurrences_in_store
from daybrief.store import Store, UserData, open_store

ME = "sam@brightpath.example"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 26, 8, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        yield opened


def people(*emails: str) -> list[Attendee]:
    return [Attendee(email=e) for e in emails]


def test_clients_come_from_registrable_domains_not_mine_and_not_free_mail(store: Store) -> None:
    directory = client_directory(store, [ME])
    assert directory.client_of("jo@mail.eu.acme.co.uk") == "Acme"
    assert directory.client_of("pat@acme.co.uk") == "Acme"
    assert directory.domain_of_client("jo@mail.eu.acme.co.uk") == "acme.co.uk"
    assert directory.client_of("lee@globex-corp.com.au") == "Globex Corp"
    assert directory.client_of("friend@gmail.com") is None  # a person, not a client
    assert directory.client_of("kim@brightpath.example") is None  # a colleague
    assert directory.client_of("ops@eu.brightpath.example") is None  # my own subdomain
    assert directory.clients_of(
        people("kim@brightpath.example", "jo@acme.co.uk", "x@initech.com", "y@acme.co.uk")
    ) == ["Acme", "Initech"]


def test_the_users_names_merges_and_splits_win(store: Store) -> None:
    clients = UserData.of(store).clients
    acme = clients.ensure_for_domain("acme.co.uk", "ACME Ltd")
    assert client_directory(store, [ME]).client_of("jo@uk.acme.co.uk") == "ACME Ltd"
    us = clients.ensure_for_domain("acme.com", "Acme Inc")
    clients.merge(us.id, acme.id)  # acme.com + acme.co.uk → one client
    directory = client_directory(store, [ME])
    assert directory.client_of("a@acme.com") == directory.client_of("b@acme.co.uk") == "ACME Ltd"
    apart = clients.create("Acme US")
    clients.assign_domain("acme.com", apart.id)  # split again
    directory = client_directory(store, [ME])
    assert directory.client_of("a@acme.com") == "Acme US"
    assert directory.client_of("b@acme.co.uk") == "ACME Ltd"


def test_due_groups_across_a_weekend_and_a_month_end(store: Store) -> None:
    follow_ups = UserData.of(store).follow_ups
    friday = date(2026, 1, 30)
    for text, due in [
        ("late", date(2026, 1, 29)),
        ("today", friday),
        ("saturday", date(2026, 1, 31)),
        ("monday", date(2026, 2, 2)),
        ("someday", None),
    ]:
        follow_ups.add(text, due=due)
    groups = by_due(follow_up_rows(store), friday)
    assert [(g.title, [r.follow_up.text for r in g.rows]) for g in groups] == [
        ("Overdue", ["late"]),
        ("Today", ["today"]),
        ("Tomorrow", ["saturday"]),
        ("Later", ["monday"]),
        ("No due date", ["someday"]),
    ]
    # Saturday 31 January: tomorrow is 1 February.
    saturday = by_due(follow_up_rows(store), date(2026, 1, 31))
    assert [g.title for g in saturday] == ["Overdue", "Today", "Later", "No due date"]
    preferences = Preferences()
    assert due_next_working_day(friday, preferences) == date(2026, 2, 2)
    assert due_end_of_week(date(2026, 1, 28), preferences) == friday
    assert due_end_of_week(friday, preferences) == date(2026, 2, 6)
    assert due_end_of_week(date(2026, 1, 31), preferences) == date(2026, 2, 6)


def test_by_client_groups_named_clients_then_the_rest(store: Store) -> None:
    data = UserData.of(store)
    globex = data.clients.ensure_for_domain("globex.com", "Globex")
    acme = data.clients.ensure_for_domain("acme.com", "Acme")
    data.follow_ups.add("pricing", client_id=globex.id)
    data.follow_ups.add("deck", client_id=acme.id)
    data.follow_ups.add("expenses")
    groups = by_client(follow_up_rows(store))
    assert [(g.title, [r.follow_up.text for r in g.rows]) for g in groups] == [
        ("Acme", ["deck"]),
        ("Globex", ["pricing"]),
        ("No client", ["expenses"]),
    ]


CALL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//f//EN
BEGIN:VEVENT
UID:acme-call
DTSTART;TZID=Europe/Berlin:{start}
DTEND;TZID=Europe/Berlin:{end}
SUMMARY:Acme call
ORGANIZER:mailto:jo@acme.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{me}
END:VEVENT
END:VCALENDAR
"""


def test_due_before_the_next_meeting_follows_it_when_it_moves(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "work.ics"

    def load(start: str, end: str) -> None:
        path.write_text(CALL.format(start=start, end=end, me=ME), encoding="utf-8")
        import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)

    load("20260129T100000", "20260129T110000")
    occurrences = occurrences_in_store(
        store, NOW, datetime(2026, 3, 1, tzinfo=UTC), BERLIN, "Europe/Berlin"
    )
    meeting = next_meeting_with("Acme", occurrences, client_directory(store, [ME]), NOW, BERLIN)
    assert meeting is not None and (meeting.key, meeting.day) == ("acme-call", date(2026, 1, 29))
    follow_ups = UserData.of(store).follow_ups
    item = follow_ups.add("Send the usage report", due=meeting.day, due_before=meeting.key)
    load("20260203T100000", "20260203T110000")  # the call moved to next Tuesday
    assert sync_anchored_due_dates(store, BERLIN) == 1
    assert follow_ups.get(item.id).due_date == date(2026, 2, 3)
    assert sync_anchored_due_dates(store, BERLIN) == 0
    assert (
        next_meeting_with("Initech", occurrences, client_directory(store, [ME]), NOW, BERLIN)
        is None
    )


def test_tasks_go_out_as_vtodos_and_come_back_without_duplicates(
    store: Store, tmp_path: Path
) -> None:
    data = UserData.of(store)
    acme = data.clients.ensure_for_domain("acme.com", "Acme")
    data.meetings.remember("qbr-1", summary="Acme QBR", start_utc=NOW, calendar="Work")
    first = data.follow_ups.add(
        "Send deck; pricing, and notes", due=date(2026, 2, 2), client_id=acme.id,
        meeting_key="qbr-1",
    )  # fmt: skip
    data.follow_ups.add("Book venue\r\nBEGIN:VEVENT")
    exported = follow_ups_to_ics(store, NOW)
    assert "RELATED-TO:qbr-1" in exported and "CATEGORIES:Acme" in exported
    assert "\r\nBEGIN:VEVENT" not in exported  # text cannot start a component
    assert "SUMMARY:Send deck\\; pricing\\, and notes" in exported
    again = import_follow_ups_ics(store, exported.encode())
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    # The task app ticked the first one and renamed the second.
    done = exported.replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED", 1)
    done = done.replace("SUMMARY:Book venue", "SUMMARY:Book the venue")
    result = import_follow_ups_ics(store, done.encode())
    assert (result.added, result.updated) == (0, 2)
    assert data.follow_ups.get(first.id).done
    assert [f.text for f in data.follow_ups.all()][1].startswith("Book the venue")
    # A task from elsewhere is added once, then recognised by its UID.
    foreign = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:tb-77\r\n"
        b"SUMMARY:Call Globex\r\nDUE;VALUE=DATE:20260205\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    assert import_follow_ups_ics(store, foreign).added == 1
    assert import_follow_ups_ics(store, foreign).unchanged == 1
    assert sum(f.text == "Call Globex" for f in data.follow_ups.all()) == 1


def test_tasks_exported_by_another_store_are_new_here(store: Store, tmp_path: Path) -> None:
    with open_store(tmp_path / "other.sqlite3") as other:
        UserData.of(other).follow_ups.add("Their task")
        exported = follow_ups_to_ics(other, NOW)
    mine = UserData.of(store).follow_ups.add("My task")
    result = import_follow_ups_ics(store, exported.encode())
    assert result.added == 1
    assert UserData.of(store).follow_ups.get(mine.id).text == "My task"


def test_markdown_escapes_what_markdown_would_read(store: Store) -> None:
    UserData.of(store).follow_ups.add("Fix [link](javascript:x) *now*", due=date(2026, 1, 30))
    text = follow_ups_to_markdown(store, date(2026, 1, 30))
    assert "## Today" in text
    assert "\\[link\\]\\(javascript:x\\) \\*now\\*" in text
