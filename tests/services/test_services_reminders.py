"""The reminder schedule over simulated weeks, with a fake clock (docs/semantics.md, Reminders)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.services.importer import import_file
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.services.reminders import OUTSIDE_HOURS, Kind, Reminder, ReminderService
from daybrief.store import Store, UserData, open_store

BERLIN = ZoneInfo("Europe/Berlin")
ME = "me@agency.example"
# Thursday 26 March 2026; Europe moves to summer time on Sunday the 29th.
START = datetime(2026, 3, 26, 5, 0, tzinfo=UTC)


def event(uid: str, start: str, end: str, summary: str, *, others: bool = True) -> str:
    attendees = f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}\n"
    if others:
        attendees += "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jo@acme.com\n"
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTART;TZID=Europe/Berlin:{start}\n"
        f"DTEND;TZID=Europe/Berlin:{end}\nSUMMARY:{summary}\n{attendees}END:VEVENT\n"
    )


def calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//r//EN\n" + "".join(events) + "END:VCALENDAR\n"
    )


QBR = event("qbr", "20260327T100000", "20260327T110000", "Acme QBR")
FOCUS = event("focus", "20260327T140000", "20260327T150000", "Focus time", others=False)
MONDAY = event("globex", "20260330T093000", "20260330T100000", "Globex call")
LATE = event("late", "20260326T190000", "20260326T200000", "Call with Tokyo")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(addresses=(ME,), zone_name="Europe/Berlin"))
        yield opened


def load(store: Store, tmp_path: Path, *events: str) -> None:
    path = tmp_path / "work.ics"
    path.write_text(calendar(*events), encoding="utf-8")
    import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=START)


def service(store: Store, clock: Clock) -> ReminderService:
    from daybrief.services.preferences import load_preferences

    return ReminderService(store, load_preferences(store), clock)


def run(
    reminders: ReminderService, clock: Clock, until: datetime
) -> list[tuple[datetime, Reminder]]:
    """Drive the service as the tray's one timer does: sleep to next_due, ask what is due."""
    shown: list[tuple[datetime, Reminder]] = []
    while clock.now < until:
        shown += [(clock.now, r) for r in reminders.due().reminders]
        following = reminders.next_due()
        assert (following is not None and following > clock.now) or shown
        clock.now = min(max(following or until, clock.now + timedelta(seconds=1)), until)
    return shown


def local(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%a %H:%M")


def test_a_week_across_the_dst_change(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, QBR, FOCUS, MONDAY, LATE)
    UserData.of(store).checklists.add("qbr", "Deck ready", required=True)
    clock = Clock(START)
    shown = run(service(store, clock), clock, datetime(2026, 3, 31, 5, 0, tzinfo=UTC))
    timeline = [(local(at), r.kind.value, r.title) for at, r in shown]
    none = "no open problems"
    # The counts are the review model's, as the briefing and `daybrief problems` give them.
    assert timeline == [
        ("Thu 09:00", "morning", "Your day: 1 meeting; 1 outside your hours"),
        ("Thu 17:30", "evening", "Prepare for tomorrow: 2 meetings; 1 meeting with open items"),
        ("Fri 09:00", "morning", "Your day: 2 meetings; 1 meeting with open items"),
        ("Fri 09:30", "before", "Deck ready not done — Acme QBR in 30 min"),
        ("Fri 11:00", "after", "Any follow-ups from Acme QBR?"),
        ("Fri 17:30", "evening", f"Prepare for Monday: 1 meeting; {none}"),
        # Summer time from Sunday: 09:00 in Berlin is now 07:00 UTC, and still 09:00 here.
        ("Mon 09:00", "morning", f"Your day: 1 meeting; {none}"),
        ("Mon 10:00", "after", "Any follow-ups from Globex call?"),
        ("Mon 17:30", "evening", f"Prepare for tomorrow: 0 meetings; {none}"),
    ]  # fmt: skip
    monday_morning = next(at for at, r in shown if r.key == "morning|2026-03-30")
    assert monday_morning == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    # Solo focus time asks for no follow-ups; the 19:00 call is after hours: no reminders.
    assert not any("Focus" in r.title or "Tokyo" in r.title for _, r in shown)
    assert len({r.key for _, r in shown}) == len(shown)


def test_after_hours_meetings_remind_when_the_user_asks(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, LATE)
    UserData.of(store).settings.set(OUTSIDE_HOURS, True)
    clock = Clock(START)
    shown = run(service(store, clock), clock, datetime(2026, 3, 27, 0, 0, tzinfo=UTC))
    assert ("Thu 20:00", "Any follow-ups from Call with Tokyo?") in [
        (local(at), r.title) for at, r in shown
    ]


def test_a_moved_meeting_moves_its_reminder_and_a_cancelled_one_drops_it(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, QBR, FOCUS)
    data = UserData.of(store)
    data.checklists.add("qbr", "Deck ready", required=True)
    data.checklists.add("focus", "Draft the proposal", required=True)
    clock = Clock(datetime(2026, 3, 27, 7, 0, tzinfo=UTC))  # Friday 08:00 in Berlin
    reminders = service(store, clock)
    planned = {r.key: r for r in reminders.planned(clock.now) if r.kind is Kind.BEFORE}
    assert {local(r.due) for r in planned.values()} == {"Fri 09:30", "Fri 13:30"}
    moved = QBR.replace("20260327T100000", "20260327T150000").replace(
        "20260327T110000", "20260327T160000"
    )
    load(store, tmp_path, moved)  # the QBR moved to 15:00; focus time was cancelled
    shown = run(reminders, clock, datetime(2026, 3, 27, 16, 0, tzinfo=UTC))
    before = [(local(at), r.title) for at, r in shown if r.kind is Kind.BEFORE]
    assert before == [("Fri 14:30", "Deck ready not done — Acme QBR in 30 min")]


def test_a_restart_mid_day_shows_nothing_twice(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, QBR)
    UserData.of(store).checklists.add("qbr", "Deck ready", required=True)
    clock = Clock(datetime(2026, 3, 27, 7, 0, tzinfo=UTC))
    first = run(service(store, clock), clock, datetime(2026, 3, 27, 9, 45, tzinfo=UTC))
    assert [r.kind for _, r in first] == [Kind.MORNING, Kind.BEFORE]
    # A new process on the same store file, the same day.
    with open_store(store.path) as again:
        later = run(service(again, clock), clock, datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    assert [r.kind for _, r in later] == [Kind.AFTER]


def test_a_laptop_asleep_three_hours_gets_one_summary(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, QBR)
    UserData.of(store).checklists.add("qbr", "Deck ready", required=True)
    clock = Clock(datetime(2026, 3, 27, 7, 50, tzinfo=UTC))  # Friday 08:50, then the lid shuts
    reminders = service(store, clock)
    assert reminders.due().reminders == []
    clock.now = datetime(2026, 3, 27, 10, 50, tzinfo=UTC)  # 11:50: three hours later
    assert reminders.next_due() == clock.now
    due = reminders.due().reminders
    assert [r.kind for r in due] == [Kind.SUMMARY]
    summary = due[0]
    # The deck reminder is moot once the meeting is over: not even summarised.
    assert summary.title == "2 reminders while you were away"
    assert [r.kind for r in summary.covers] == [Kind.MORNING, Kind.AFTER]
    assert reminders.due().reminders == []  # summarised once, never replayed
    assert reminders.next_due() > clock.now


def test_friday_evening_nudge_is_about_monday(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, MONDAY)
    clock = Clock(datetime(2026, 3, 27, 16, 30, tzinfo=UTC))  # Friday 17:30 in Berlin
    due = service(store, clock).due().reminders
    assert [(r.kind, r.day) for r in due] == [(Kind.EVENING, MONDAY_DATE)]
    assert due[0].title.startswith("Prepare for Monday: 1 meeting")


MONDAY_DATE = datetime(2026, 3, 30).date()


def test_snooze_and_pause(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, QBR)
    UserData.of(store).checklists.add("qbr", "Deck ready", required=True)
    clock = Clock(datetime(2026, 3, 27, 8, 30, tzinfo=UTC))  # 09:30: the deck reminder
    reminders = service(store, clock)
    (before,) = [r for r in reminders.due().reminders if r.kind is Kind.BEFORE]
    reminders.snooze(before, 5)
    assert reminders.next_due() == clock.now + timedelta(minutes=5)
    clock.now += timedelta(minutes=5)
    assert [r.key for r in reminders.due().reminders] == [before.key]
    reminders.pause(clock.now + timedelta(hours=2))
    clock.now = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)  # 11:00, the meeting ends, paused
    assert reminders.due().reminders == []
    assert reminders.next_due() == datetime(2026, 3, 27, 10, 35, tzinfo=UTC)
    reminders.pause(None)
    assert [r.kind for r in reminders.due().reminders] == [Kind.AFTER]
