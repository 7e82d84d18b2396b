"""What the window shows, computed without Qt: the day, the week, hygiene, drafts, imports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.settings import WorkingWeek
from daybrief.services.agenda import AgendaService, key_of, meeting_link
from daybrief.services.demo import load_demo
from daybrief.services.importer import import_file
from daybrief.services.jobs import import_paths
from daybrief.services.preferences import Preferences, load_preferences, save_preferences
from daybrief.services.review import ProblemKind, draft_mailto, drafts, set_problem_state
from daybrief.store import Store, UserData, open_store
from daybrief.store.calendars import Calendars

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # Monday morning in Berlin
ME = "me@agency.example"

# Tuesday 10 March 2026: a double-booking, an unanswered invitation, a late call with a
# client in New York, and a meeting the user declined (not busy: no conflict).
DAY = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//agenda//EN
BEGIN:VEVENT
UID:qbr@test
DTSTART;TZID=Europe/Berlin:20260310T100000
DTEND;TZID=Europe/Berlin:20260310T113000
SUMMARY:Acme QBR
LOCATION:https://meet.example/acme?pwd=1
ORGANIZER:mailto:{ME}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}
ATTENDEE;PARTSTAT=ACCEPTED;CN=Jo:mailto:jo@acme.com
END:VEVENT
BEGIN:VEVENT
UID:renewal@test
DTSTART;TZID=Europe/Berlin:20260310T110000
DTEND;TZID=Europe/Berlin:20260310T120000
SUMMARY:Globex renewal\\nBcc: evil@example.com
ORGANIZER:mailto:pat@globex.co.uk
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ME}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:pat@globex.co.uk
END:VEVENT
BEGIN:VEVENT
UID:ny@test
DTSTART;TZID=America/New_York:20260310T130000
DTEND;TZID=America/New_York:20260310T140000
SUMMARY:Initech sync
ORGANIZER:mailto:tom@initech.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}
END:VEVENT
BEGIN:VEVENT
UID:declined@test
DTSTART;TZID=Europe/Berlin:20260310T103000
DTEND;TZID=Europe/Berlin:20260310T110000
SUMMARY:Declined workshop
ORGANIZER:mailto:x@umbrella.com
ATTENDEE;PARTSTAT=DECLINED:mailto:{ME}
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        yield opened


def _import(store: Store, tmp_path: Path, text: str = DAY, name: str = "work.ics") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)
    return path


def _service(store: Store) -> AgendaService:
    preferences = Preferences(addresses=(ME,), zone_name="Europe/Berlin")
    save_preferences(store, preferences)
    return AgendaService(store, load_preferences(store), lambda: NOW)


def problem_states(store: Store) -> dict[str, str]:
    return {ack.problem_key: ack.state.value for ack in UserData.of(store).acks.all()}


def test_day_marks_double_bookings_unconfirmed_and_outside_hours(
    store: Store, tmp_path: Path
) -> None:
    _import(store, tmp_path)
    agenda = _service(store).day(date(2026, 3, 10))
    rows = {row.occurrence.uid: row for row in agenda.rows}
    assert [r.occurrence.uid for r in agenda.rows] == [
        "qbr@test",
        "declined@test",
        "renewal@test",
        "ny@test",
    ]
    assert [o.uid for o in rows["qbr@test"].conflicts_with] == ["renewal@test"]
    assert [o.uid for o in rows["renewal@test"].conflicts_with] == ["qbr@test"]
    assert rows["declined@test"].conflicts_with == ()  # declined: not busy, no conflict
    assert not rows["declined@test"].busy
    unconfirmed = rows["renewal@test"].unconfirmed
    assert unconfirmed is not None and unconfirmed.reason == "needs-action"
    assert rows["qbr@test"].unconfirmed is None
    # New York is already on summer time (8 March), Berlin not yet: 13:00 there is 18:00
    # here, after hours, and shown in the organiser's time too.
    assert rows["ny@test"].outside_hours
    assert rows["ny@test"].start.hour == 18
    assert rows["ny@test"].organiser_time == "13:00–14:00 America/New_York"
    assert rows["qbr@test"].organiser_time is None
    assert not rows["qbr@test"].outside_hours
    assert agenda.problem_count == 3  # the clash, the unanswered one, the evening call


def test_day_names_clients_from_attendee_domains_not_mine(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    UserData.of(store).clients.ensure_for_domain("acme.com", "ACME Corp")
    rows = {row.occurrence.uid: row for row in _service(store).day(date(2026, 3, 10)).rows}
    assert rows["qbr@test"].clients == ("ACME Corp",)
    assert rows["qbr@test"].client_domains == ("acme.com",)
    assert rows["renewal@test"].clients == ("Globex",)  # globex.co.uk: name before the suffix
    assert rows["qbr@test"].link == "https://meet.example/acme?pwd=1"


def test_checklist_progress_counts_required_open(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    data = UserData.of(store)
    data.checklists.add("qbr@test", "Deck", required=True)
    done = data.checklists.add("qbr@test", "Agenda", required=True)
    data.checklists.set_done(done.id)
    data.checklists.add("qbr@test", "Snacks")
    rows = {row.occurrence.uid: row for row in _service(store).day(date(2026, 3, 10)).rows}
    progress = rows["qbr@test"].checklist
    assert (progress.done, progress.total, progress.required_open) == (1, 3, 1)
    assert progress.label() == "1/3 · 1 required open"
    assert rows["ny@test"].checklist.label() == ""


def test_week_summarises_each_day(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    week = _service(store).week(date(2026, 3, 9))
    assert [d.day.day for d in week] == [9, 10, 11, 12, 13, 14, 15]
    tuesday = week[1]
    # Busy meetings, as the briefing's headline counts them: the declined one is not.
    assert (tuesday.meetings, tuesday.conflicts, tuesday.unconfirmed) == (3, 1, 1)
    # 10:00–12:00 (the clash's half hour counted once, as the briefing does) and 18:00–19:00;
    # the declined one is not booked.
    assert tuesday.booked.total_seconds() == 3 * 3600
    assert [d.working_day for d in week] == [True] * 5 + [False] * 2
    assert week[0].meetings == 0


def test_hygiene_lists_problems_and_vanished_meetings(store: Store, tmp_path: Path) -> None:
    path = _import(store, tmp_path)
    service = _service(store)
    items = service.hygiene(date(2026, 3, 9))
    assert [(i.kind, i.title) for i in items] == [
        ("double-booking", "Acme QBR × Globex renewal\nBcc: evil@example.com"),
        ("unconfirmed", "Globex renewal\nBcc: evil@example.com"),
        ("outside-hours", "Initech sync"),  # 13:00 in New York is 18:00 in Berlin
    ]
    # The user's note on a meeting that then leaves the calendar: kept, listed as gone.
    UserData.of(store).notes.set("ny@test", "ask about the budget")
    path.write_text(DAY.replace("UID:ny@test", "UID:ny-moved@test"), encoding="utf-8")
    import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)
    gone = [i for i in service.hygiene(date(2026, 3, 9)) if i.kind == "gone"]
    assert [(i.title, i.snapshot.meeting_key if i.snapshot else None) for i in gone] == [
        ("Initech sync", "ny@test")
    ]


def test_hygiene_keys_are_stable_and_states_remembered(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    service = _service(store)
    items = service.hygiene(date(2026, 3, 9))
    first = [i.problem_key for i in items]
    _import(store, tmp_path, DAY.replace("SUMMARY:Initech sync", "SUMMARY:Initech"))
    assert [i.problem_key for i in service.hygiene(date(2026, 3, 9))] == first
    assert items[0].problem is not None and items[1].problem is not None
    set_problem_state(store, items[0].problem, "handled")
    set_problem_state(store, items[1].problem, "ignored")
    assert problem_states(store) == {first[0]: "handled", first[1]: "ignored"}
    states = {i.problem_key: i.state for i in service.hygiene(date(2026, 3, 9))}
    assert (states[first[0]], states[first[1]]) == ("handled", "ignored")
    set_problem_state(store, items[1].problem, "open")
    assert problem_states(store) == {first[0]: "handled"}
    with pytest.raises(ValueError):
        set_problem_state(store, items[0].problem, "deleted")


def test_drafts_cannot_inject_mail_headers(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    service = _service(store)
    conflict, unconfirmed = service.hygiene(date(2026, 3, 9))[:2]
    assert conflict.problem is not None and unconfirmed.problem is not None
    for item in (conflict, unconfirmed):
        for draft in drafts(item.problem, [ME], BERLIN, sender_name="Sam"):  # type: ignore[arg-type]
            assert "\r" not in draft.subject and "\n" not in draft.subject
            link = draft_mailto(draft)
            assert "\n" not in link and "\r" not in link and " " not in link
            query = link.split("?", 1)[1]
            assert sorted(part.split("=", 1)[0] for part in query.split("&")) == ["body", "subject"]
            assert "Sam" in unquote(link)
    # One draft per meeting that could move: the renewal's organiser, and the QBR's
    # attendees (the user organises it); neither names the other meeting.
    by_to = {d.to: d for d in drafts(conflict.problem, [ME], BERLIN)}
    assert set(by_to) == {("pat@globex.co.uk",), ("jo@acme.com",)}
    assert "11:00" in by_to[("pat@globex.co.uk",)].body
    assert "Acme" not in by_to[("pat@globex.co.uk",)].body
    assert "Globex" not in by_to[("jo@acme.com",)].body + by_to[("jo@acme.com",)].subject


def test_meeting_link_offers_only_web_addresses(store: Store, tmp_path: Path) -> None:
    text = DAY.replace("LOCATION:https://meet.example/acme?pwd=1", "LOCATION:javascript:alert(1)")
    _import(store, tmp_path, text)
    rows = {row.occurrence.uid: row for row in _service(store).day(date(2026, 3, 10)).rows}
    assert rows["qbr@test"].link is None
    assert meeting_link(rows["ny@test"].occurrence) is None


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 10, 8, 0), date(2026, 3, 10)),  # Tuesday morning: today
        (datetime(2026, 3, 10, 18, 0), date(2026, 3, 11)),  # Tuesday evening: tomorrow
        (datetime(2026, 3, 13, 18, 0), date(2026, 3, 16)),  # Friday evening: Monday
        (datetime(2026, 3, 14, 10, 0), date(2026, 3, 16)),  # Saturday: Monday
        (datetime(2026, 3, 15, 20, 0), date(2026, 3, 16)),  # Sunday evening: Monday
    ],
)
def test_window_opens_on_today_or_the_next_working_day(local: datetime, expected: date) -> None:
    preferences = Preferences(zone_name="Europe/Berlin")
    assert preferences.opening_day(local.replace(tzinfo=BERLIN)) == expected


def test_preferences_round_trip_and_survive_bad_values(store: Store) -> None:
    wanted = Preferences(
        addresses=("a@x.example", "b@y.example"),
        zone_name="America/Chicago",
        week=WorkingWeek(frozenset({0, 1, 2, 3, 6}), time(8, 30), time(16, 0)),
        hygiene_days=21,
        reminder_lead_minutes=45,
        close_to_tray=False,
        refresh_minutes=15,
    )
    save_preferences(store, wanted)
    assert load_preferences(store) == wanted
    UserData.of(store).settings.set("work/days", "weekdays")
    UserData.of(store).settings.set("work/day_start", "soon")
    loaded = load_preferences(store)
    assert loaded.working_days == Preferences().working_days
    assert loaded.work_start == Preferences().work_start


def test_import_job_cancel_changes_nothing(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.ics"
    good.write_text(DAY, encoding="utf-8")

    def cancel_when_saving(step: int, steps: int, message: str) -> None:
        if "saving" in message:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_paths(store.path, [str(good)], zone=BERLIN, now=NOW, progress=cancel_when_saving)
    assert _service(store).day(date(2026, 3, 10)).rows == []


def test_import_job_goes_on_past_a_broken_file(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.ics"
    good.write_text(DAY, encoding="utf-8")
    broken = tmp_path / "broken.ics"
    broken.write_text("this is not a calendar", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    outcome = import_paths(
        store.path,
        [str(broken), str(good), str(tmp_path / "missing.ics")],
        zone=BERLIN,
        now=NOW,
        progress=lambda step, steps, message: seen.append((step, steps)),
    )
    assert len(outcome.reports) == 1
    assert len(outcome.failures) == 2
    assert "broken.ics" in outcome.failures[0] and "missing.ics" in outcome.failures[1]
    assert seen[-1] == (9, 9)
    assert len(_service(store).day(date(2026, 3, 10)).rows) == 4


def test_demo_gives_tomorrow_problems_clients_and_open_items(store: Store, tmp_path: Path) -> None:
    today = date(2026, 3, 9)
    load_demo(store, tmp_path, today=today, zone=BERLIN, now=NOW)
    load_demo(store, tmp_path, today=today, zone=BERLIN, now=NOW)  # seeding happens once
    service = AgendaService(store, load_preferences(store), lambda: NOW)
    agenda = service.day(date(2026, 3, 10))
    assert agenda.count(ProblemKind.DOUBLE_BOOKING) and agenda.count(ProblemKind.UNCONFIRMED)
    assert len({c for row in agenda.rows for c in row.clients}) >= 4
    open_required = sum(row.checklist.required_open for row in agenda.rows)
    assert open_required >= 2
    qbr = next(row for row in agenda.rows if row.occurrence.uid == "demo-qbr")
    assert key_of(qbr.occurrence) == "demo-qbr"
    # The demo's own items, then the starter templates' (QBR and client meeting), each once.
    texts = [item.text for item in UserData.of(store).checklists.items("demo-qbr")]
    # The demo user's own items (as `daybrief brief --demo` has them), then the starter
    # templates' (QBR and client meeting), each text once.
    assert texts[:3] == ["Deck ready", "Usage report", "Agenda sent"]
    assert len(texts) == len(set(texts)) == qbr.checklist.total
    assert "Success metrics reviewed" in texts
    assert len(UserData.of(store).goals.for_day(date(2026, 3, 10))) == 2


def test_first_run_is_true_once(store: Store) -> None:
    from daybrief.services.demo import first_run

    assert first_run(store) is True
    assert first_run(store) is False


def test_the_first_real_import_replaces_the_demos_identity(store: Store, tmp_path: Path) -> None:
    from daybrief.core.demo import DEMO_USER
    from daybrief.services.queries import saved_identity

    load_demo(store, tmp_path / "demo", today=date(2026, 3, 9), zone=BERLIN, now=NOW)
    assert saved_identity(store) == [DEMO_USER]
    work = tmp_path / "work.ics"
    work.write_text(DAY, encoding="utf-8")
    outcome = import_paths(store.path, [str(work)], zone=BERLIN, now=NOW, progress=lambda *_: None)
    assert saved_identity(store) == [ME] and outcome.identity == (ME,)
    assert any(ME in line for line in outcome.summaries())
    # Addresses the user chose are never replaced by a guess.
    save_preferences(store, Preferences(addresses=("sam@elsewhere.example",)))
    import_paths(store.path, [str(work)], zone=BERLIN, now=NOW, progress=lambda *_: None)
    assert saved_identity(store) == ["sam@elsewhere.example"]


def test_the_window_and_the_briefing_read_the_same_working_week(store: Store) -> None:
    from daybrief.services.briefing import settings_of

    save_preferences(
        store, Preferences(week=WorkingWeek(frozenset({1, 2, 3, 4, 5}), time(8), time(16)))
    )
    briefing = settings_of(store)
    assert briefing.working_days == frozenset({1, 2, 3, 4, 5})
    assert (briefing.day_start, briefing.day_end) == (time(8), time(16))


def test_a_pile_up_of_three_meetings_says_so(store: Store, tmp_path: Path) -> None:
    third = DAY.replace("UID:declined@test", "UID:pile@test").replace(
        "ATTENDEE;PARTSTAT=DECLINED", "ATTENDEE;PARTSTAT=ACCEPTED"
    )
    _import(store, tmp_path, third)
    doubles = [i for i in _service(store).hygiene(date(2026, 3, 9)) if i.kind == "double-booking"]
    # QBR × workshop and QBR × renewal (the workshop ends as the renewal starts): one pile,
    # one problem listing all three.
    assert len(doubles) == 1
    assert doubles[0].detail.startswith("3 meetings overlap between 10:00 and 12:00")
    assert doubles[0].problem is not None and len(doubles[0].problem.meetings) == 3


def test_days_outside_the_window_read_the_calendars_once_per_content(
    store: Store, tmp_path: Path
) -> None:
    from daybrief.services.queries import stored_calendars

    path = _import(store, tmp_path)
    first = stored_calendars(store)
    assert stored_calendars(store)[0] is first[0]  # the same read, not a new one
    far = _service(store).day(date(2027, 3, 10))  # beyond the 180 days kept in the store
    assert far.rows == []
    path.write_text(DAY.replace("Acme QBR", "Acme QBR (moved)"), encoding="utf-8")
    import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)
    again = stored_calendars(store)
    assert again[0] is not first[0]
    assert "Acme QBR (moved)" in {e.info.summary for e in again[0].events}


def test_kept_reviews_follow_every_change_they_depend_on(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    service = _service(store)
    tuesday = date(2026, 3, 10)

    def kinds() -> dict[str, str]:
        return {p.kind.value: p.state.value for p in service.review(tuesday).problems}

    first = service.review(tuesday)
    assert service.review(tuesday).problems == first.problems  # kept, and the same
    assert kinds()["double-booking"] == "open"
    clash = next(p for p in first.problems if p.kind is ProblemKind.DOUBLE_BOOKING)
    set_problem_state(store, clash, "handled")
    assert kinds()["double-booking"] == "handled"
    data = UserData.of(store)
    item = data.checklists.add("qbr@test", "Deck", required=True)
    assert "open-items" in kinds()
    data.checklists.set_done(item.id, True)
    assert "open-items" not in kinds()
    data.checklists.set_done(item.id, False)
    assert "open-items" in kinds()
    # The calendar moves the renewal away from the QBR: the clash is gone.
    _import(store, tmp_path, DAY.replace("T110000", "T150000").replace("T120000", "T160000"))
    assert "double-booking" not in kinds()


def test_the_fingerprint_ignores_what_the_window_writes_as_it_goes(store: Store) -> None:
    from daybrief.store.settings import Settings
    from daybrief.store.stamps import review_inputs_stamp

    before = review_inputs_stamp(store)
    settings = Settings(store)
    settings.set("reminders_checked_at", "2026-03-10T08:00:00+00:00")
    settings.set("export_folder", "/tmp")
    assert review_inputs_stamp(store) == before
    settings.set("calendar/time_off_uids", ["offsite@test"])
    assert review_inputs_stamp(store) != before


def test_kept_day_rows_follow_clients_colours_checklists_and_time(
    store: Store, tmp_path: Path
) -> None:
    _import(store, tmp_path)
    clock = {"now": NOW}
    preferences = Preferences(addresses=(ME,), zone_name="Europe/Berlin")
    save_preferences(store, preferences)
    service = AgendaService(store, load_preferences(store), lambda: clock["now"])
    tuesday = date(2026, 3, 10)

    def row(uid: str) -> object:
        return next(r for r in service.day(tuesday).rows if r.occurrence.uid == uid)

    first = service.day(tuesday)
    assert service.day(tuesday) is first  # kept while nothing changed
    data = UserData.of(store)
    acme = data.clients.ensure_for_domain("acme.com")
    assert row("qbr@test").clients == ("acme.com",)  # type: ignore[attr-defined]
    data.clients.rename(acme.id, "Acme Corporation")
    assert row("qbr@test").clients == ("Acme Corporation",)  # type: ignore[attr-defined]
    calendars = Calendars(store)
    calendars.set_colour(calendars.sources()[0].id, "#112233")
    assert row("qbr@test").colour == "#112233"  # type: ignore[attr-defined]
    item = data.checklists.add("qbr@test", "Deck", required=True)
    assert row("qbr@test").checklist.required_open == 1  # type: ignore[attr-defined]
    data.checklists.set_done(item.id, True)
    assert row("qbr@test").checklist.required_open == 0  # type: ignore[attr-defined]
    # Once the clash is over it is no problem any more, and the rows say so.
    assert row("qbr@test").conflicts_with  # type: ignore[attr-defined]
    clock["now"] = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
    assert not row("qbr@test").conflicts_with  # type: ignore[attr-defined]


def test_a_twin_prepares_on_its_own_connection_and_keeps_to_itself(
    store: Store, tmp_path: Path
) -> None:
    _import(store, tmp_path)
    service = _service(store)
    tuesday, monday = date(2026, 3, 10), date(2026, 3, 9)
    assert not service.is_prepared(tuesday, monday)
    with open_store(store.path) as other:
        twin = service.twin(other)
        twin.prepare(tuesday, monday, also=[date(2026, 3, 11)])
        assert twin.is_prepared(tuesday, monday, also=[date(2026, 3, 11)])
    assert not service.is_prepared(tuesday, monday)  # the copies were the twin's own
    twin.store = store
    assert twin.is_prepared(tuesday, monday)
    # An edit in the store makes what was worked out stale, on any connection.
    UserData.of(store).checklists.add("qbr@test", "Deck", required=True)
    assert not twin.is_prepared(tuesday, monday)
    assert any(p.kind is ProblemKind.OPEN_ITEMS for p in twin.review(tuesday).problems)


def test_search_finds_meetings_in_the_day_pages_order_without_reading_problems(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import daybrief.services.agenda as agenda

    weekly = DAY.replace("SUMMARY:Acme QBR", "RRULE:FREQ=WEEKLY;COUNT=8\nSUMMARY:Acme QBR").replace(
        "UID:declined@test", "UID:declined@test\nSTATUS:CANCELLED"
    )
    _import(store, tmp_path, weekly)
    preferences = Preferences(addresses=(ME,), zone_name="Europe/Berlin")
    monkeypatch.setattr(agenda, "build_review", None)  # a search works out no problems

    def search(text: str, first: date, after: object = None, **options: int) -> object:
        return agenda.search_meetings(store, preferences, text, first, after, **options)

    found = search("acme", date(2026, 3, 9), chunk=5)
    assert found is not None and found.day == date(2026, 3, 10) and found.summary == "Acme QBR"
    following = [found]
    while found := search("ACME", date(2026, 3, 9), (found.key, found.start), chunk=5):  # type: ignore[union-attr]
        following.append(found)
    # Weekly, eight times, each once although the search reads five days at a time.
    assert [f.day for f in following] == [  # type: ignore[attr-defined]
        date(2026, 3, 10) + timedelta(weeks=week) for week in range(8)
    ]
    assert search("globex", date(2026, 3, 11)) is None  # only on the 10th, before the start
    assert search("initech", date(2026, 3, 10)).summary == "Initech sync"  # type: ignore[union-attr]
    assert search("workshop", date(2026, 3, 10)) is None  # cancelled
    assert search("acme", date(2026, 3, 11), days=6) is None  # the 17th is past six days
    # Clients count by their name, as the Day page shows them.
    UserData.of(store).clients.ensure_for_domain("globex.co.uk", "Globex Corporation")
    assert search("corporation", date(2026, 3, 10)).summary.startswith("Globex renewal")  # type: ignore[union-attr]


def test_search_goes_past_the_stored_meetings_reading_the_calendars_once(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import daybrief.services.agenda as agenda
    import daybrief.services.queries as queries

    far = (
        DAY.replace("UID:ny@test", "UID:far@test")
        .replace("20260310T130000", "20261201T130000")
        .replace("20260310T140000", "20261201T140000")
        .replace("Initech sync", "Far-off review")
    )
    _import(store, tmp_path, far)
    preferences = Preferences(addresses=(ME,), zone_name="Europe/Berlin")
    until = queries.materialised_until(store, "Europe/Berlin")
    assert until is not None and until < datetime(2026, 12, 1, tzinfo=UTC)
    reads: list[int] = []
    real = queries.stored_calendars
    monkeypatch.setattr(queries, "stored_calendars", lambda s: reads.append(1) or real(s))
    found = agenda.search_meetings(store, preferences, "far-off", date(2026, 3, 10), chunk=7)
    assert found is not None and found.day == date(2026, 12, 1)
    assert len(reads) == 1  # the months past the stored ones: expanded once, not per week
