"""The tray, reminders in the window without a tray, and the single-instance hand-over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from daybrief.services.importer import import_file
from daybrief.services.preferences import Preferences, resolve_zone, save_preferences
from daybrief.services.reminders import Kind, ReminderService
from daybrief.store import Store, UserData, open_store
from daybrief.ui.application import connect_tray, problems_next_working_day
from daybrief.ui.main_window import TAB_BRIEFING, TAB_REVIEW, MainWindow
from daybrief.ui.single_instance import InstanceServer, hand_over, server_name
from daybrief.ui.tray import tray_icon

ME = "me@agency.example"
CALENDAR = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//tray//EN
BEGIN:VEVENT
UID:qbr@test
DTSTART;TZID=Europe/Berlin:20260310T100000
DTEND;TZID=Europe/Berlin:20260310T110000
SUMMARY:Acme QBR
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:jo@acme.com
END:VEVENT
BEGIN:VEVENT
UID:renewal@test
DTSTART;TZID=Europe/Berlin:20260310T103000
DTEND;TZID=Europe/Berlin:20260310T113000
SUMMARY:Globex renewal
ORGANIZER:mailto:pat@globex.com
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ME}
END:VEVENT
END:VCALENDAR
"""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 10, 8, 25, tzinfo=UTC))  # Tuesday 09:25 in Berlin


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(addresses=(ME,), zone_name="Europe/Berlin"))
        path = tmp_path / "work.ics"
        path.write_text(CALENDAR, encoding="utf-8")
        zone = resolve_zone("Europe/Berlin")
        now = datetime(2026, 3, 9, tzinfo=UTC)
        import_file(opened, str(path), user_zone=zone, zone_name="Europe/Berlin", now=now)
        UserData.of(opened).checklists.add("qbr@test", "Deck ready", required=True)
        yield opened


@pytest.fixture
def window(qtbot, store: Store, clock: Clock) -> MainWindow:  # type: ignore[no-untyped-def]
    shown = MainWindow(store, store.path, clock=clock)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_the_badge_counts_problems(qtbot) -> None:  # type: ignore[no-untyped-def]
    clean = tray_icon(0).pixmap(64, 64).toImage()
    three = tray_icon(3).pixmap(64, 64).toImage()
    many = tray_icon(120).pixmap(64, 64).toImage()
    assert clean != three and three != many
    red = three.pixelColor(50, 50)
    assert (red.red(), red.green(), red.blue()) == (220, 38, 38)


def test_without_a_tray_reminders_show_in_the_window(
    qtbot, window: MainWindow, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    tray = connect_tray(window, use_tray=False)
    assert tray.icon is None and not window.keep_in_tray
    # The review at 09:25 on a working day is the rest of today: the clash, the unanswered
    # invitation and the QBR's open item, as `daybrief problems` counts them.
    assert tray.current_problems == 3
    clock.now = datetime(2026, 3, 10, 8, 30, tzinfo=UTC)  # 09:30: deck reminder is due
    tray.check()
    assert window.reminder_bar.isVisible()
    assert "Deck ready not done — Acme QBR in 30 min" in window.reminder_bar.text.text()
    assert tray.last_reminder is not None and tray.last_reminder.kind is Kind.BEFORE
    # One timer, armed to the next due time (the follow-up prompt at 11:00), not polling.
    assert tray.timer.isActive() and tray.timer.isSingleShot()
    assert tray.timer.interval() == 90 * 60 * 1000
    window.reminder_bar.open_button.click()
    assert window.detail.row is not None and window.detail.row.key == "qbr@test"


def test_clicking_reminders_opens_the_right_place(qtbot, window: MainWindow, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    tray = connect_tray(window, use_tray=False)
    service = ReminderService(window.store, window.preferences, clock)
    planned = {r.key: r for r in service.planned(clock.now)}
    tray.open_reminder(planned["after|qbr@test|2026-03-10T10:00:00Z"])
    assert window.detail.row is not None and window.detail.row.key == "qbr@test"
    assert window.detail.new_follow_up.hasFocus() or window.focusWidget() is None
    # The evening nudge opens the review page, on the review period's problems.
    tray.open_reminder(planned["evening|2026-03-10"])
    assert window.tabs.currentIndex() == TAB_REVIEW
    assert window.review_page.review is not None
    tray.open_reminder(planned["morning|2026-03-10"])
    assert window.day == date(2026, 3, 10) and window.tabs.currentIndex() == TAB_BRIEFING


def test_menu_pause_resume_snooze_and_quit(qtbot, window: MainWindow, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    tray = connect_tray(window, use_tray=False)
    tray.pause_hour.trigger()
    service = ReminderService(window.store, window.preferences, clock)
    assert service.paused_until() == clock.now + timedelta(hours=1)
    assert tray.resume_action.isVisible()
    tray.resume_action.trigger()
    assert service.paused_until() is None
    tray.pause_day.trigger()
    assert service.paused_until() == datetime(2026, 3, 11, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    tray.resume_action.trigger()
    clock.now = datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    tray.check()
    assert tray.snooze_menu.isEnabled()
    tray.snooze_menu.actions()[1].trigger()  # 15 min
    assert tray.timer.interval() == 15 * 60 * 1000
    window.hide()
    tray.window_action.trigger()
    assert window.isVisible()
    with qtbot.waitSignal(tray.quit_requested):
        tray.quit_action.trigger()


def test_with_a_tray_the_icon_carries_the_count_and_closing_hides(
    qtbot, window: MainWindow, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    messages: list[str] = []
    monkeypatch.setattr(
        QSystemTrayIcon, "showMessage", lambda self, title, *_rest: messages.append(title)
    )
    window.go_to(date(2026, 3, 9))
    clock.now = datetime(2026, 3, 9, 16, 30, tzinfo=UTC)  # Monday 17:30: the evening nudge
    tray = connect_tray(window, use_tray=True)
    assert tray.icon is not None and window.keep_in_tray
    assert problems_next_working_day(window) == tray.current_problems == 3
    assert "3 problem(s)" in tray.icon.toolTip()
    tray.check()
    assert messages == [
        "Prepare for tomorrow: 2 meetings; "
        "1 double-booking, 1 unconfirmed, 1 meeting with open items"
    ]
    window.close()
    assert not window.isVisible()  # still running in the tray
    tray.icon.messageClicked.emit()
    assert window.isVisible() and window.day == date(2026, 3, 10)
    assert window.tabs.currentIndex() == TAB_REVIEW


def test_a_second_launch_hands_its_files_to_the_first(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name = server_name(tmp_path / "daybrief.sqlite3")
    assert not hand_over(name, ["/nowhere.ics"])  # nobody listening yet
    server = InstanceServer(name)
    assert server.listening
    try:
        with qtbot.waitSignal(server.arguments_received, timeout=5000) as received:
            assert hand_over(name, ["/home/sam/Downloads/invite.ics"])
        assert received.args == [["/home/sam/Downloads/invite.ics"]]
    finally:
        server.close()
    assert server_name(tmp_path / "other.sqlite3") != name
