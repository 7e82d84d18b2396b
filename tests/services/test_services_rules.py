"""Rules applied after an import: the right templates, per instance, once, deletions kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.keys import key_of
from daybrief.services.commands import import_calendars
from daybrief.services.importer import default_window, import_file
from daybrief.services.queries import occurrences_in_store, save_identity
from daybrief.services.rules import (
    FIRST_RUN_SETTING,
    apply_rules,
    apply_rules_ahead,
    seed_first_run_templates,
)
from daybrief.store import Store, UserData, export_user_data, meeting_key, open_store
from daybrief.store.models import RuleKind
from daybrief.store.templates import Templates

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
ME = ["me@agency.example"]

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
X-WR-CALNAME:Work
BEGIN:VEVENT
UID:qbr@acme.example
DTSTART;TZID=Europe/Berlin:20261124T100000
DTEND;TZID=Europe/Berlin:20261124T113000
SUMMARY:Acme QBR
ORGANIZER:mailto:me@agency.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@agency.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:jo@acme.example
END:VEVENT
BEGIN:VEVENT
UID:standup@agency.example
DTSTART;TZID=Europe/Berlin:20261123T090000
DTEND;TZID=Europe/Berlin:20261123T091500
RRULE:FREQ=DAILY;COUNT=5
SUMMARY:Stand-up
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@agency.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:kim@agency.example
END:VEVENT
BEGIN:VEVENT
UID:renewal@globex.example
DTSTART;TZID=Europe/Berlin:20261125T123000
DTEND;TZID=Europe/Berlin:20261125T133000
SUMMARY:Globex renewal call
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@agency.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@globex.example
END:VEVENT
BEGIN:VEVENT
UID:dropped@initech.example
DTSTART;TZID=Europe/Berlin:20261126T100000
DTEND;TZID=Europe/Berlin:20261126T110000
SUMMARY:Initech QBR
STATUS:CANCELLED
ATTENDEE:mailto:me@agency.example
ATTENDEE:mailto:bo@initech.example
END:VEVENT
BEGIN:VEVENT
UID:declined@umbrella.example
DTSTART;TZID=Europe/Berlin:20261126T140000
DTEND;TZID=Europe/Berlin:20261126T150000
SUMMARY:Umbrella QBR
ATTENDEE;PARTSTAT=DECLINED:mailto:me@agency.example
ATTENDEE:mailto:al@umbrella.example
END:VEVENT
END:VCALENDAR
"""

QBR = "qbr@acme.example"
RENEWAL = "renewal@globex.example"


def write_calendar(path: Path, text: str = CALENDAR) -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_identity(opened, ME)
        yield opened


def run_import(store: Store, path: Path) -> tuple[int, int]:
    outcome = import_calendars(store, [str(path)], zone=BERLIN, now=NOW)
    assert not outcome.failures
    if outcome.rules is None:  # nothing new or changed: no rule had anything to look at
        return 0, 0
    return outcome.rules.items, outcome.rules.meetings


def upcoming(store: Store):
    return occurrences_in_store(store, NOW, default_window(NOW)[1], BERLIN, "Europe/Berlin")


def texts(ud: UserData, key: str) -> list[str]:
    return [item.text for item in ud.checklists.items(key)]


def test_first_import_seeds_templates_and_applies_them(store: Store, tmp_path: Path) -> None:
    items, meetings = run_import(store, write_calendar(tmp_path / "work.ics"))
    ud = UserData.of(store)
    assert [t.name for t in ud.templates.all()] == [
        "Client meeting",
        "Quarterly business review",
        "Renewal",
    ]
    assert texts(ud, QBR) == [
        "Agenda sent",
        "Notes from last meeting reviewed",
        "Deck ready",
        "Usage report",
        "Success metrics reviewed",
    ]
    assert texts(ud, RENEWAL) == [
        "Agenda sent",
        "Notes from last meeting reviewed",
        "Pricing approved",
        "Contract draft ready",
    ]
    # Internal stand-ups, cancelled and declined meetings get nothing.
    assert ud.meetings.get("standup@agency.example") is None
    assert ud.meetings.get("dropped@initech.example") is None
    assert ud.meetings.get("declined@umbrella.example") is None
    assert (items, meetings) == (9, 2)
    snapshot = ud.meetings.get(QBR)
    assert snapshot is not None and snapshot.summary == "Acme QBR"


def test_applying_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = write_calendar(tmp_path / "work.ics")
    run_import(store, path)
    before = export_user_data(store)
    assert apply_rules(store, upcoming(store), ME).items == 0
    path.write_bytes(path.read_bytes() + b"\r\n")  # changed bytes: a real re-import
    assert run_import(store, path) == (0, 0)
    assert export_user_data(store) == before


def test_items_the_user_deleted_are_not_added_again(store: Store, tmp_path: Path) -> None:
    path = write_calendar(tmp_path / "work.ics")
    run_import(store, path)
    ud = UserData.of(store)
    for item in ud.checklists.items(QBR):
        if item.text in ("Usage report", "Agenda sent"):
            ud.checklists.delete(item.id)
    assert apply_rules(store, upcoming(store), ME).items == 0
    assert texts(ud, QBR) == [
        "Notes from last meeting reviewed",
        "Deck ready",
        "Success metrics reviewed",
    ]


def test_starter_templates_are_seeded_once(store: Store) -> None:
    made = seed_first_run_templates(store)
    assert [t.name for t in made] == ["Client meeting", "Quarterly business review", "Renewal"]
    ud = UserData.of(store)
    assert [(r.kind, r.value) for r in ud.rules.all()] == [
        (RuleKind.EXTERNAL_ATTENDEES, ""),
        (RuleKind.TITLE_KEYWORD, "QBR, quarterly business review"),
        (RuleKind.TITLE_KEYWORD, "renewal"),
    ]
    renewal = ud.templates.by_name("Renewal")
    assert renewal is not None
    ud.templates.delete(renewal.id)
    assert seed_first_run_templates(store) == []
    assert ud.templates.by_name("Renewal") is None
    assert ud.settings.get(FIRST_RUN_SETTING) is True


def test_seeding_keeps_a_template_the_user_already_named_so(store: Store) -> None:
    ud = UserData.of(store)
    mine = ud.templates.create("Renewal", [("Call legal", True)])
    seed_first_run_templates(store)
    assert ud.templates.get(mine.id).items[0].text == "Call legal"
    assert [r.template_id for r in ud.rules.all() if r.template_id == mine.id] == []


def test_a_new_store_stays_empty_until_the_first_import(tmp_path: Path) -> None:
    # Restoring a backup needs an empty store: opening one must not seed anything.
    with open_store(tmp_path / "fresh.sqlite3") as fresh:
        assert all(rows == [] for rows in export_user_data(fresh)["tables"].values())


def test_series_items_attach_per_instance(store: Store, tmp_path: Path) -> None:
    ud = UserData.of(store)
    prep = ud.templates.create("Stand-up prep", [("Blockers noted", False)])
    ud.rules.add(RuleKind.RECURRING_SERIES, "standup@agency.example", prep.id)
    run_import(store, write_calendar(tmp_path / "work.ics"))
    keys = sorted(key_of(o) or "" for o in upcoming(store) if o.uid == "standup@agency.example")
    assert len(keys) == 4  # the 23rd's 09:00 instance is before NOW
    for key in keys:
        assert texts(ud, key) == ["Blockers noted"]
    ticked = ud.checklists.items(keys[0])[0]
    ud.checklists.set_done(ticked.id)
    assert not ud.checklists.items(keys[1])[0].done
    assert ud.checklists.items("standup@agency.example") == []  # the series key stays free


def test_client_rule_uses_the_clients_domains(store: Store, tmp_path: Path) -> None:
    ud = UserData.of(store)
    store_settings_seeded(ud)
    acme = ud.clients.create("Acme", ["acme.example"])
    steering = ud.templates.create("Acme steering", [("Roadmap slide", True)])
    ud.rules.add(RuleKind.CLIENT, str(acme.id), steering.id)
    run_import(store, write_calendar(tmp_path / "work.ics"))
    assert texts(ud, QBR) == ["Roadmap slide"]
    assert texts(ud, RENEWAL) == []


def test_disabled_rules_do_nothing(store: Store, tmp_path: Path) -> None:
    ud = UserData.of(store)
    seed_first_run_templates(store)
    for rule in ud.rules.all():
        ud.rules.update(rule.id, enabled=False)
    assert run_import(store, write_calendar(tmp_path / "work.ics")) == (0, 0)


def test_without_identity_only_title_rules_fire(tmp_path: Path) -> None:
    with open_store(tmp_path / "anon.sqlite3") as anon:
        # The import entry would save the suggested identity first: import the file alone.
        import_file(
            anon, str(write_calendar(tmp_path / "work.ics")), user_zone=BERLIN,
            zone_name="Europe/Berlin", now=NOW,
        )  # fmt: skip
        apply_rules_ahead(anon, user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)
        ud = UserData.of(anon)
        assert texts(ud, QBR) == ["Deck ready", "Usage report", "Success metrics reviewed"]
        # Without knowing the user, the declined meeting is not known to be declined.
        assert texts(ud, "declined@umbrella.example") == texts(ud, QBR)


def test_all_rules_apply_in_one_transaction(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_first_run_templates(store)
    run_import(store, write_calendar(tmp_path / "work.ics"))
    ud = UserData.of(store)
    ud.templates.create("Late", [("Late item", False)])
    late = ud.templates.by_name("Late")
    assert late is not None
    # A new rule picking two meetings: the second application fails, the first is undone.
    ud.rules.add(RuleKind.TITLE_KEYWORD, "QBR, renewal", late.id)
    before = export_user_data(store)
    calls = 0
    original = Templates.apply

    def failing(self: Templates, key: str, template_id: int):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk on fire")
        return original(self, key, template_id)

    monkeypatch.setattr(Templates, "apply", failing)
    with pytest.raises(RuntimeError):
        apply_rules(store, upcoming(store), ME)
    assert calls == 2
    assert export_user_data(store) == before


def test_occurrences_without_uid_are_skipped(store: Store) -> None:
    from daybrief.core.model import EventInfo, Occurrence

    seed_first_run_templates(store)
    start = NOW + timedelta(days=1)
    nameless = Occurrence(EventInfo(uid=None, summary="QBR"), start, start + timedelta(hours=1))
    assert key_of(nameless) is None
    assert apply_rules(store, [nameless], ME).items == 0


def store_settings_seeded(ud: UserData) -> None:
    """Mark the starter templates as offered, so a test sees only its own rules."""
    ud.settings.set(FIRST_RUN_SETTING, True)


def test_instance_key_of_a_one_off_is_its_uid(store: Store, tmp_path: Path) -> None:
    run_import(store, write_calendar(tmp_path / "work.ics"))
    qbr = next(o for o in upcoming(store) if o.uid == QBR)
    assert key_of(qbr) == meeting_key(QBR)
