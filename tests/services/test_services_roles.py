"""Issue 17 through the store: the guess on the first import, a change of role that takes
effect at once without importing again and without touching the user's data, colours, and
the window's data (faded context rows, counts without context)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.review import ProblemKind
from daybrief.services.agenda import AgendaService
from daybrief.services.commands import import_calendars
from daybrief.services.importer import import_file
from daybrief.services.preferences import Preferences, load_preferences, save_preferences
from daybrief.services.queries import save_identity
from daybrief.services.reminders import ReminderService
from daybrief.services.sources import (
    find_sources,
    list_sources,
    set_source_colour,
    set_source_role,
)
from daybrief.store import Store, UserData, open_store
from daybrief.store.db import bundled_migrations

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)  # Sunday evening: the review of Monday
MONDAY = date(2026, 3, 9)
ME = "me@corp.example"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(addresses=(ME,), zone_name="Europe/Berlin"))
        yield opened


def _import(store: Store, calendars, name: str, role: str | None = None):
    return import_file(
        store,
        str(calendars[name]),
        user_zone=BERLIN,
        zone_name="Europe/Berlin",
        now=NOW,
        role=role,
    )


def _source(store: Store, name: str):
    [source] = find_sources(store, name)
    return source


def _agenda(store: Store) -> AgendaService:
    return AgendaService(store, load_preferences(store), lambda: NOW)


def _clashing(agenda) -> set[str]:  # type: ignore[no-untyped-def]
    """Titles of the day's meetings in an open double-booking."""
    return {row.summary for row in agenda.rows if row.conflicts_with}


def _unconfirmed(agenda) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.summary for row in agenda.rows if row.unconfirmed is not None]


def test_the_first_import_guesses_and_says_why(store: Store, calendars, tmp_path: Path) -> None:
    colleague = tmp_path / "ana.ics"
    colleague.write_text(
        calendars["roles_team"]
        .read_text()
        .replace("X-WR-CALNAME:Team", "X-WR-CALNAME:Ana")
        .replace("mailto:ME@corp.example", "mailto:someone@corp.example"),
        encoding="utf-8",
    )
    report = _import(store, {"ana": colleague}, "ana")
    assert report.role_guess is not None and report.role_guess.role.value == "others"
    assert report.role_line() == (
        f"{colleague}: role others (guessed: you neither organise nor attend any of its 3 "
        "meetings with attendees)"
    )
    source = _source(store, "Ana")
    assert (source.role, source.role_set) == ("others", False)
    assert (
        source.role_reason == "you neither organise nor attend any of its 3 meetings with attendees"
    )
    # A later import keeps the role: the guess is made once.
    colleague.write_text(colleague.read_text().replace("Team retro", "Retro"), encoding="utf-8")
    again = _import(store, {"ana": colleague}, "ana")
    assert again.role_guess is None and again.role == "others"


def test_no_guess_of_another_person_before_the_user_is_known(
    store: Store, calendars, tmp_path: Path
) -> None:
    save_identity(store, [])
    _import(store, calendars, "roles_team")
    source = _source(store, "Team")
    assert source.role == "mine" and "addresses are not set" in (source.role_reason or "")


def test_a_role_given_on_import_is_set_not_guessed(store: Store, calendars) -> None:
    report = _import(store, calendars, "roles_info", role="info")
    assert report.role_guess is None and report.role_line().endswith("role info")
    source = _source(store, "Markets")
    assert (source.role, source.role_set, source.role_reason) == ("info", True, None)
    # Given again on an unchanged file: still the user's word, nothing else happens.
    again = _import(store, calendars, "roles_info", role="others")
    assert again.unchanged and _source(store, "Markets").role == "others"


def test_the_monday_of_issue_17_with_roles(store: Store, calendars) -> None:
    _import(store, calendars, "roles_work")
    _import(store, calendars, "roles_team", role="others")
    _import(store, calendars, "roles_info", role="info")
    agenda = _agenda(store).day(MONDAY)
    rows = {row.occurrence.uid.split("@")[0]: row for row in agenda.rows}
    assert {uid for uid, row in rows.items() if row.context} == {
        "offsite",
        "colleague-client",
        "xetra",
    }
    assert rows["offsite"].role == "others" and rows["xetra"].role == "info"
    assert not rows["offsite"].busy and not rows["offsite"].conflicts_with
    assert [o.summary for o in rows["retro"].conflicts_with] == ["1:1 with Bo"]
    assert rows["planning"].role == "mine" and not rows["planning"].context
    assert agenda.count(ProblemKind.DOUBLE_BOOKING) == 1
    assert _clashing(agenda) == {"Team retro", "1:1 with Bo"}
    assert _unconfirmed(agenda) == ["Team retro"]
    assert agenda.meetings == 6 and len(agenda.rows) == 9
    [summary] = [d for d in _agenda(store).week(MONDAY, 1)]
    assert (summary.meetings, summary.conflicts, summary.unconfirmed) == (6, 1, 1)


def test_a_change_of_role_takes_effect_at_once_and_touches_no_user_data(
    store: Store, calendars
) -> None:
    _import(store, calendars, "roles_work")
    _import(store, calendars, "roles_team", role="mine")
    data = UserData.of(store)
    data.checklists.add("offsite@team.example", "Ask Ana for the notes", required=True)
    data.notes.set("offsite@team.example", "Ana away all morning")
    team = _source(store, "Team")
    content = store.query_one("SELECT data FROM source_content WHERE source_id = ?", (team.id,))[
        "data"
    ]
    occurrences_before = store.query_one("SELECT count(*) AS n FROM occurrences")["n"]
    service = _agenda(store)  # one service across the change, as the tray keeps one
    before = service.day(MONDAY)
    assert len(_clashing(before)) > 5

    set_source_role(store, team.id, "others")

    after = service.day(MONDAY)
    assert _clashing(after) == {"Team retro", "1:1 with Bo"}
    offsite = next(r for r in after.rows if r.occurrence.uid == "offsite@team.example")
    assert offsite.context and offsite.checklist.required_open == 1  # the item is still there
    assert [i.text for i in data.checklists.items("offsite@team.example")] == [
        "Ask Ana for the notes"
    ]
    note = data.notes.get("offsite@team.example")
    assert note is not None and note.text == "Ana away all morning"
    # Nothing was imported again: the content, the occurrences and the last import are as they were.
    changed = _source(store, "Team")
    assert (changed.role, changed.role_set) == ("others", True)
    assert changed.content_hash == team.content_hash
    assert changed.last_success_at == team.last_success_at
    assert (
        store.query_one("SELECT data FROM source_content WHERE source_id = ?", (team.id,))["data"]
        == content
    )
    assert store.query_one("SELECT count(*) AS n FROM occurrences")["n"] == occurrences_before

    set_source_role(store, team.id, "info")
    assert _unconfirmed(_agenda(store).day(MONDAY)) == []


def test_days_beyond_the_stored_window_honour_the_role_too(store: Store, calendars) -> None:
    """Days outside the materialised window are read again from the stored content: the
    role must come along, and a change of it must not be hidden by the read cache."""
    _import(store, calendars, "roles_work")
    _import(store, calendars, "roles_team", role="mine")
    with store.transaction():  # as if the window had not reached Monday: the slow path
        store.execute("UPDATE sources SET window_end = window_start")
    team = _source(store, "Team")
    assert len(_clashing(_agenda(store).day(MONDAY))) > 5
    set_source_role(store, team.id, "others")
    assert _clashing(_agenda(store).day(MONDAY)) == {"Team retro", "1:1 with Bo"}


def test_reminders_skip_context(store: Store, calendars) -> None:
    _import(store, calendars, "roles_work")
    _import(store, calendars, "roles_team", role="others")
    planned = ReminderService(store, load_preferences(store), lambda: NOW).planned(
        datetime(2026, 3, 9, 8, tzinfo=UTC)
    )
    after = {r.meeting_key for r in planned if r.kind.value == "after"}
    assert any("retro@team.example" in key for key in after if key)
    assert not any("colleague-client" in key or "offsite" in key for key in after if key)
    morning = next(r for r in planned if r.kind.value == "morning" and r.day == MONDAY)
    assert morning.title.startswith("Your day: 6 meetings; 1 double-booking, 1 unconfirmed")


def test_templates_are_not_applied_to_context(store: Store, calendars) -> None:
    outcome = import_calendars(
        store, [str(calendars["roles_team"])], zone=BERLIN, now=NOW, role="others"
    )
    assert outcome.reports[0].role == "others"
    assert outcome.rules is not None
    applied = {key.split("|")[0] for key, _ in outcome.rules.applied}
    assert not any("colleague-client" in key or "offsite" in key for key in applied)


def test_colours(store: Store, calendars) -> None:
    _import(store, calendars, "roles_work")
    work = _source(store, "Work")
    set_source_colour(store, work.id, "#3B82F6")
    assert _source(store, "Work").colour == "#3b82f6"
    rows = _agenda(store).day(MONDAY).rows
    assert {row.colour for row in rows} == {"#3b82f6"}
    with pytest.raises(ValueError, match="#RRGGBB"):
        set_source_colour(store, work.id, "blue")
    with pytest.raises(ValueError, match="not one of mine, others, info"):
        set_source_role(store, work.id, "team")
    with pytest.raises(KeyError):
        set_source_role(store, 999, "info")
    set_source_colour(store, work.id, None)
    assert _source(store, "Work").colour is None
    listed = list_sources(store)[0].to_dict()
    assert (listed["role"], listed["role_how"], listed["colour"]) == ("mine", "guessed", None)


def test_sources_from_before_roles_stay_the_users_own(tmp_path: Path, calendars) -> None:
    path = tmp_path / "daybrief.sqlite3"
    version = next(m.version for m in bundled_migrations() if m.name == "source_roles")
    before = [m for m in bundled_migrations() if m.version < version]
    with open_store(path, migrations=before) as store, store.transaction():
        store.execute(
            "INSERT INTO sources (kind, location, name, created_at, updated_at) "
            "VALUES ('file', '/x/team.ics', 'Team', '2026-01-01', '2026-01-01')"
        )
    with open_store(path) as store:
        [status] = list_sources(store)
        row = status.to_dict()
        assert (row["role"], row["role_how"]) == ("mine", "guessed")
        assert "before calendars had roles" in row["role_reason"]
        assert store.integrity_check() == ["ok"]


def test_the_briefing_lists_context_as_such(store: Store, calendars) -> None:
    from daybrief.core.briefing import UserInputs, build_briefing
    from daybrief.core.clock import FixedClock
    from daybrief.core.confirmation import identity
    from daybrief.services.export.json import briefing_to_dict
    from daybrief.services.export.text import render_text
    from daybrief.services.queries import occurrences_in_store

    _import(store, calendars, "roles_work")
    _import(store, calendars, "roles_team", role="others")
    _import(store, calendars, "roles_info", role="info")
    start, end = datetime(2026, 3, 8, 23, tzinfo=UTC), datetime(2026, 3, 9, 23, tzinfo=UTC)
    occurrences = occurrences_in_store(store, start, end, BERLIN, "Europe/Berlin")
    briefing = build_briefing(
        MONDAY, occurrences, BERLIN, FixedClock(NOW), UserInputs(me=identity([ME]))
    )
    context = {entry.title for entry in briefing.meetings if entry.context}
    assert context == {"Ana: leadership offsite", "Ana with Initech", "Stock market opens"}
    assert briefing.headline.meetings == 6
    text = render_text(briefing)
    offsite = next(line for line in text.splitlines() if "Ana: leadership offsite" in line)
    assert "for context" in offsite and "free" not in offsite
    meetings = {m["summary"]: m for m in briefing_to_dict(briefing)["meetings"]}
    assert meetings["Stock market opens"]["context"] is True
    assert meetings["Team retro"]["context"] is False


def test_a_colleagues_client_meeting_is_not_the_users_client_meeting(
    store: Store, calendars
) -> None:
    from daybrief.services.clients import clients_overview

    _import(store, calendars, "roles_work")
    _import(store, calendars, "roles_team", role="mine")
    names = {c.name for c in clients_overview(store, load_preferences(store), NOW)}
    assert {"Acme", "Initech"} <= names
    set_source_role(store, _source(store, "Team").id, "others")
    names = {c.name for c in clients_overview(store, load_preferences(store), NOW)}
    assert "Acme" in names and "Initech" not in names


def test_the_next_meeting_with_a_client_and_the_tray_count_skip_context(
    store: Store, calendars
) -> None:
    from daybrief.core.confirmation import identity
    from daybrief.services.clients import client_directory
    from daybrief.services.followups import next_meeting_with
    from daybrief.services.queries import occurrences_in_store

    _import(store, calendars, "roles_work")
    _import(store, calendars, "roles_team", role="others")
    start, end = datetime(2026, 3, 8, 23, tzinfo=UTC), datetime(2026, 3, 12, tzinfo=UTC)
    occurrences = occurrences_in_store(store, start, end, BERLIN, "Europe/Berlin")
    directory = client_directory(store, [ME])
    me = identity([ME])
    assert next_meeting_with("Initech", occurrences, directory, start, BERLIN, me) is None
    acme = next_meeting_with("Acme", occurrences, directory, start, BERLIN, me)
    assert acme is not None and acme.summary == "Acme weekly"
    # Items the user attached to a colleague's meeting do not count as the day's open items.
    UserData.of(store).checklists.add("offsite@team.example", "Notes from Ana", required=True)
    UserData.of(store).checklists.add("design@work.example", "Slides", required=True)
    assert _agenda(store).day(MONDAY).open_required_items == 1


def test_the_windows_import_report_says_what_was_guessed(store: Store, calendars) -> None:
    from daybrief.services.jobs import import_paths

    paths = [str(calendars["roles_work"]), str(calendars["allday"])]
    outcome = import_paths(store.path, paths, zone=BERLIN, now=NOW, progress=lambda *_: None)
    lines = outcome.summaries()
    assert (
        f"{calendars['allday']}: role info (guessed: no timed event: all its 3 events are "
        "all-day); change it in Calendars"
    ) in lines
    assert any(line.startswith(f"{calendars['roles_work']}: role mine (guessed:") for line in lines)
