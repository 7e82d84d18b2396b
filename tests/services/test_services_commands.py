"""The application layer's entries (services/commands.py): what the window's jobs and the
command line both call. The demo never mixes with real data; rules run on what changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.network import CalendarServer, MemoryKeyring, ics

from daybrief.core.clock import FixedClock
from daybrief.core.demo import DEMO_USER, next_working_day
from daybrief.core.settings import WorkingWeek
from daybrief.services.agenda import AgendaService
from daybrief.services.briefing import briefing_from_store
from daybrief.services.commands import (
    import_calendars,
    refresh_calendars,
    set_identity,
    subscribe_calendar,
)
from daybrief.services.credentials import KeyringStore
from daybrief.services.demo import has_demo, load_demo
from daybrief.services.preferences import (
    Preferences,
    load_preferences,
    save_preferences,
    stored_preferences,
)
from daybrief.services.queries import own_identity, saved_identity
from daybrief.store import Store, UserData, open_store
from daybrief.store.models import RuleKind

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 5)  # a Thursday: the demo is about Friday the 6th
NOW = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)

REAL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
X-WR-CALNAME:Work
BEGIN:VEVENT
UID:qbr@acme.test
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Berlin:20260306T100000
DTEND;TZID=Europe/Berlin:20260306T110000
SUMMARY:Acme QBR
ORGANIZER;CN=Jo Real:mailto:jo@agency.test
ATTENDEE;CN=Jo Real;PARTSTAT=ACCEPTED:mailto:jo@agency.test
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@acme.test
END:VEVENT
BEGIN:VEVENT
UID:lunch@globex.test
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Berlin:20260306T123000
DTEND;TZID=Europe/Berlin:20260306T133000
SUMMARY:Lunch with Globex
ORGANIZER;CN=Jo Real:mailto:jo@agency.test
ATTENDEE;CN=Jo Real;PARTSTAT=ACCEPTED:mailto:jo@agency.test
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bo@globex.test
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        yield opened


def demo(store: Store, tmp_path: Path) -> None:
    load_demo(store, tmp_path / "demo", today=TODAY, zone=BERLIN, now=NOW)
    data = UserData.of(store)
    # What a user does while trying the demo: marks a problem, ticks an item.
    data.acks.set('["conflict","demo-qbr","demo-globex-renewal"]', "handled")  # older keys
    data.acks.set(  # the review's: an id, and the facts it was about
        "0123456789ab", "ignored", ["demo-qbr@2026-03-06T09:00:00Z/2026-03-06T10:30:00Z"]
    )
    assert data.follow_ups.all() and data.goals.for_day(next_working_day(TODAY))
    assert data.checklists.items("demo-qbr")


def real_file(tmp_path: Path, text: str = REAL) -> str:
    path = tmp_path / "work.ics"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_first_real_import_removes_the_demo_and_all_made_for_it(
    store: Store, tmp_path: Path
) -> None:
    demo(store, tmp_path)
    data = UserData.of(store)
    mine = data.follow_ups.add("Call the bank", due=TODAY)  # the user's own, kept
    outcome = import_calendars(store, [real_file(tmp_path)], zone=BERLIN, now=NOW)
    assert outcome.demo_removed is not None and not has_demo(store)
    assert not (tmp_path / "demo" / "demo-calendar.ics").exists()
    assert [f.id for f in data.follow_ups.all()] == [mine.id]
    assert data.goals.for_day(next_working_day(TODAY)) == []
    assert data.checklists.items("demo-qbr") == [] and data.acks.all() == []
    assert data.clients.all() == []
    assert data.meetings.get("demo-qbr") is None
    # The real calendar is all there is, and it says who the user is.
    assert saved_identity(store) == ["jo@agency.test"] == list(outcome.identity)
    day = briefing_from_store(store, date(2026, 3, 6), BERLIN, FixedClock(NOW))
    assert {m.title for m in day.meetings} == {"Acme QBR", "Lunch with Globex"}
    lines = outcome.summaries()
    assert any("demo calendar was removed" in line for line in lines)


def test_a_failed_import_keeps_the_demo(store: Store, tmp_path: Path) -> None:
    demo(store, tmp_path)
    broken = tmp_path / "broken.ics"
    broken.write_text("not a calendar", encoding="utf-8")
    outcome = import_calendars(store, [str(broken)], zone=BERLIN, now=NOW)
    assert outcome.failures and outcome.demo_removed is None and has_demo(store)


def test_subscribing_to_a_real_calendar_removes_the_demo(
    store: Store,
    tmp_path: Path,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
) -> None:
    demo(store, tmp_path)
    calendar_server.serve(
        "/work.ics", ics(("x-1", "Renewal call", datetime(2026, 3, 6, 9, tzinfo=UTC)))
    )
    outcome = subscribe_calendar(
        store, calendar_server.url("/work.ics"), credentials=KeyringStore(), zone=BERLIN, now=NOW
    )
    assert outcome.subscription is not None and outcome.subscription.added
    assert outcome.demo_removed is not None and not has_demo(store)
    assert UserData.of(store).follow_ups.all() == []
    # The subscription's meetings got the starter templates' rules ("renewal").
    assert outcome.rules is not None and outcome.rules.items >= 2
    assert [i.text for i in UserData.of(store).checklists.items("x-1")] == [
        "Pricing approved",
        "Contract draft ready",
    ]


def _what_the_demo_shows(store: Store) -> tuple[object, ...]:
    day = briefing_from_store(store, date(2026, 3, 6), BERLIN, FixedClock(NOW))
    hygiene = AgendaService(store, load_preferences(store), lambda: NOW).hygiene(TODAY)
    return (
        tuple(p.text for p in day.problems),
        tuple((m.title, m.start, m.clients, m.unconfirmed) for m in day.meetings),
        tuple((item.kind, item.title, item.detail) for item in hygiene),
    )


def test_your_address_zone_and_hours_never_change_the_demo(store: Store, tmp_path: Path) -> None:
    demo(store, tmp_path)
    before = _what_the_demo_shows(store)
    assert before[0] and before[2]  # the demo has problems to show
    save_preferences(
        store,
        Preferences(
            addresses=("jordan.lee@acme.example", "sam@brightpath.example"),
            zone_name="Asia/Tokyo",
            week=WorkingWeek(frozenset({0, 1, 2}), time(7), time(12)),
            hygiene_days=2,
        ),
    )
    assert _what_the_demo_shows(store) == before
    assert load_preferences(store).addresses == (DEMO_USER,)
    # What the user typed is kept for their own calendar.
    assert stored_preferences(store).addresses[0] == "jordan.lee@acme.example"
    assert own_identity(store)[0] == "jordan.lee@acme.example"


def test_rules_run_only_on_new_or_changed_meetings(store: Store, tmp_path: Path) -> None:
    set_identity(store, ["jo@agency.test"])
    path = real_file(tmp_path)
    first = import_calendars(store, [path], zone=BERLIN, now=NOW)
    assert first.rules is not None and first.rules.items  # the starter templates
    data = UserData.of(store)
    template = data.templates.create("Lunch", [("Book a table", True)])
    data.rules.add(RuleKind.TITLE_KEYWORD, "lunch", template.id)
    again = import_calendars(store, [path], zone=BERLIN, now=NOW)
    assert again.reports[0].unchanged and again.rules is None
    lunch = [i.text for i in data.checklists.items("lunch@globex.test")]
    assert "Book a table" not in lunch  # no meeting was looked at again
    Path(path).write_text(REAL.replace("Lunch with Globex", "Lunch with Globex (moved)"), "utf-8")
    changed = import_calendars(store, [path], zone=BERLIN, now=NOW)
    assert changed.rules is not None and changed.rules.meetings == 1
    assert [i.text for i in data.checklists.items("lunch@globex.test")] == [*lunch, "Book a table"]
    assert data.checklists.items("qbr@acme.test")  # untouched, as it was


def test_a_refresh_applies_rules_to_what_changed(store: Store, tmp_path: Path) -> None:
    path = real_file(tmp_path)
    import_calendars(store, [path], zone=BERLIN, now=NOW)
    renewal = REAL.replace("SUMMARY:Acme QBR", "SUMMARY:Acme renewal")
    Path(path).write_text(renewal, encoding="utf-8")
    outcome = refresh_calendars(store, credentials=KeyringStore(), zone=BERLIN, now=NOW)
    assert outcome.rules is not None and outcome.rules.meetings == 1
    texts = [i.text for i in UserData.of(store).checklists.items("qbr@acme.test")]
    assert "Pricing approved" in texts


def test_set_identity_refuses_what_is_not_an_address(store: Store) -> None:
    with pytest.raises(ValueError, match="not an email address"):
        set_identity(store, ["jo@agency.test", "Jo Real"])
    assert own_identity(store) == []
    assert set_identity(store, [" mailto:jo@agency.test", "jo@agency.test"]) == ("jo@agency.test",)
