"""The briefing service over a real store: inputs gathered, settings read, looks remembered,
and the next briefing marking what changed in the calendar since."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.briefing import Change, ProblemKind
from daybrief.core.clock import FixedClock
from daybrief.core.demo import DEMO_USER, demo_calendar
from daybrief.services.briefing import (
    BACK_TO_BACK_MEETINGS,
    DAY_END,
    WORKING_DAYS,
    briefing_from_store,
    default_day,
    load_freemail_domains,
    mark_seen,
    resolve_day,
    settings_of,
)
from daybrief.services.importer import import_file
from daybrief.services.queries import save_identity
from daybrief.store import Store, UserData, open_store

ZONE = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 23)
DAY = date(2026, 11, 24)
EVENING = FixedClock(datetime(2026, 11, 23, 17, 5, tzinfo=ZONE))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(tmp_path / "daybrief.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def import_text(store: Store, tmp_path: Path, text: str) -> None:
    path = tmp_path / "work.ics"
    path.write_text(text, encoding="utf-8")
    import_file(store, str(path), user_zone=ZONE, zone_name="Europe/Berlin", now=EVENING.now())


def test_briefing_from_store_uses_the_users_data(store: Store, tmp_path: Path) -> None:
    import_text(store, tmp_path, demo_calendar(TODAY))
    save_identity(store, [DEMO_USER])
    ud = UserData.of(store)
    ud.checklists.add("demo-qbr", "Usage report", required=True)
    acme = ud.clients.create("ACME Holdings", ["acme.example"])
    ud.follow_ups.add("Send the deck", due=TODAY, client_id=acme.id, meeting_key="demo-qbr")
    done = ud.follow_ups.add("Already done", due=TODAY)
    ud.follow_ups.set_done(done.id)
    ud.goals.add(DAY, "Close Globex")

    b = briefing_from_store(store, DAY, ZONE, EVENING)
    qbr = b.meeting("demo-qbr")
    assert qbr is not None
    assert qbr.clients == ("ACME Holdings",)  # the user's name beats the domain's
    assert [i.text for i in qbr.checklist] == ["Usage report"]
    assert ProblemKind.OPEN_ITEMS in [p.kind for p in b.problems]
    assert ProblemKind.UNCONFIRMED in [p.kind for p in b.problems]  # identity was used
    ((client, items),) = [(g.client, g.items) for g in b.follow_ups]
    assert client == "ACME Holdings"
    assert [(i.entry.text, i.overdue_days, i.entry.meeting_uid) for i in items] == [
        ("Send the deck", 1, "demo-qbr")
    ]
    assert [g.text for g in b.goals] == ["Close Globex"]
    assert b.last_look_at is None


def test_series_checklists_show_on_every_instance(store: Store, tmp_path: Path) -> None:
    import_text(store, tmp_path, demo_calendar(TODAY))
    UserData.of(store).checklists.add("demo-standup", "Blockers list", required=True)
    b = briefing_from_store(store, DAY, ZONE, EVENING, me=[DEMO_USER])
    (standup,) = [m for m in b.meetings if m.uid == "demo-standup"]
    assert [i.text for i in standup.checklist] == ["Blockers list"]


def test_the_next_briefing_marks_what_changed_since_the_last_look(
    store: Store, tmp_path: Path
) -> None:
    original = demo_calendar(TODAY)
    import_text(store, tmp_path, original)
    save_identity(store, [DEMO_USER])
    evening = briefing_from_store(store, DAY, ZONE, EVENING)
    assert evening.changed == 0
    mark_seen(store, evening)

    # Overnight: the QBR moves an hour; the Stark lunch is replaced by a new meeting.
    changed = (
        original.replace("DTSTART:20261124T100000", "DTSTART:20261124T110000")
        .replace("DTEND:20261124T113000", "DTEND:20261124T123000")
        .replace("UID:demo-stark-lunch", "UID:demo-stark-lunch-gone")
    )
    assert changed.count("20261124T110000") >= 2
    import_text(store, tmp_path, changed)
    morning = FixedClock(datetime(2026, 11, 24, 7, 30, tzinfo=ZONE))
    b = briefing_from_store(store, DAY, ZONE, morning)
    marks = {m.ref: m.changes for m in b.meetings if m.changes}
    assert marks == {"demo-qbr": (Change.MOVED,), "demo-stark-lunch-gone": (Change.ADDED,)}
    assert [g.ref for g in b.gone] == ["demo-stark-lunch"]
    assert b.last_look_at == datetime(2026, 11, 23, 17, 5, tzinfo=ZONE)

    mark_seen(store, b)
    assert briefing_from_store(store, DAY, ZONE, morning).changed == 0


def test_settings_come_from_the_store_with_defaults_for_bad_values(store: Store) -> None:
    ud = UserData.of(store)
    assert settings_of(store).day_end == time(17, 30)
    ud.settings.set(WORKING_DAYS, [0, 1, 2, 3])
    ud.settings.set(DAY_END, "16:00")
    ud.settings.set(BACK_TO_BACK_MEETINGS, "many")
    settings = settings_of(store)
    assert settings.working_days == frozenset({0, 1, 2, 3})
    assert settings.day_end == time(16, 0)
    assert settings.back_to_back_meetings == 3
    # Thursday evening: Friday is not a working day any more, so "next" is Monday.
    thursday = datetime(2026, 11, 26, 18, 0, tzinfo=ZONE)
    assert resolve_day("next", thursday, settings) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 24, 8, 0), date(2026, 11, 24)),  # morning: today
        (datetime(2026, 11, 24, 17, 45), date(2026, 11, 25)),  # evening: tomorrow
        (datetime(2026, 11, 27, 18, 0), date(2026, 11, 30)),  # Friday evening: Monday
        (datetime(2026, 11, 28, 10, 0), date(2026, 11, 30)),  # Saturday: Monday
    ],
)
def test_default_day_is_today_in_the_morning_and_next_working_day_after(
    now: datetime, expected: date, store: Store
) -> None:
    assert default_day(now.replace(tzinfo=UTC), settings_of(store)) == expected


def test_resolve_day_refuses_nonsense(store: Store) -> None:
    with pytest.raises(ValueError, match="not a day"):
        resolve_day("someday", datetime(2026, 11, 24, tzinfo=UTC), settings_of(store))


def test_the_free_mail_list_is_packaged() -> None:
    domains = load_freemail_domains()
    assert {"gmail.com", "outlook.com", "yahoo.com"} <= domains
    assert not any(d.startswith("#") or " " in d for d in domains)
