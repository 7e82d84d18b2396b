"""Answering from the window: the detail's Accept/Tentative/Decline (on a worker, the reply
mailed through aiosmtpd on loopback), the reminder bar's and the tray's Answer menus, and
the mail settings dialog."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daybrief.services.credentials import KeyringStore
from daybrief.services.importer import import_file
from daybrief.services.mail import MailAccount, load_account, save_account
from daybrief.services.preferences import Preferences, resolve_zone, save_preferences
from daybrief.services.reminders import Kind, Reminder
from daybrief.services.sending import daily_briefing_time
from daybrief.store import Store, open_store
from daybrief.store.calendars import Calendars
from daybrief.ui.answering import AnswerControls, MailSettingsDialog
from daybrief.ui.application import connect_tray
from daybrief.ui.main_window import MainWindow
from tests.network import MemoryKeyring, SmtpServer

ME = "me@agency.example"
NOW = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
CALENDAR = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//answers//EN
BEGIN:VEVENT
UID:renewal@test
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Berlin:20260310T103000
DTEND;TZID=Europe/Berlin:20260310T113000
SUMMARY:Globex renewal
ORGANIZER;CN=Pat:mailto:pat@globex.com
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ME}
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Berlin:20260310T140000
DTEND;TZID=Europe/Berlin:20260310T143000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Weekly sync
ORGANIZER:mailto:pat@globex.com
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ME}
END:VEVENT
BEGIN:VEVENT
UID:theirs@test
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Berlin:20260310T160000
DTEND;TZID=Europe/Berlin:20260310T170000
SUMMARY:Not mine
ORGANIZER:mailto:pat@globex.com
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:jo@globex.com
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer("none")
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path, smtp: SmtpServer, memory_keyring: MemoryKeyring) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(addresses=(ME,), zone_name="Europe/Berlin"))
        path = tmp_path / "work.ics"
        path.write_text(CALENDAR, encoding="utf-8")
        zone = resolve_zone("Europe/Berlin")
        import_file(opened, str(path), user_zone=zone, zone_name="Europe/Berlin", now=NOW)
        save_account(
            opened, MailAccount("127.0.0.1", smtp.port, "none", ME), credentials=KeyringStore()
        )
        yield opened


def occurrence(store: Store, uid: str, index: int = 0):  # type: ignore[no-untyped-def]
    source = Calendars(store).sources()[0]
    return Calendars(store).occurrences_of_uids(source.id, [uid])[index]


def test_accepting_from_the_detail(qtbot, store: Store, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    controls = AnswerControls(lambda: store, lambda: NOW)
    qtbot.addWidget(controls)
    controls.show()
    controls.show_for(occurrence(store, "renewal@test"))
    assert controls.state_label.text() == "You have not answered yet"
    assert controls.how.text() == "A reply is e-mailed to the organiser."
    assert not controls.scope.isVisible()  # a one-off has no series to choose
    controls.comment.setText("Happy to")
    with qtbot.waitSignal(controls.answered, timeout=10000) as blocker:
        controls.buttons["ACCEPTED"].click()
        assert not controls.buttons["DECLINED"].isEnabled()  # busy while on the worker
    assert blocker.args[0].ok, blocker.args[0].message
    [(_, rcpt, raw)] = smtp.messages
    assert rcpt == ["pat@globex.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Accepted: Globex renewal"
    assert controls.state_label.text() == "Accepted: answered, waiting for your calendar"
    assert controls.buttons["ACCEPTED"].isChecked() and controls.comment.text() == ""


def test_a_series_offers_the_choice_and_others_meetings_cannot_be_answered(
    qtbot, store: Store
) -> None:  # type: ignore[no-untyped-def]
    controls = AnswerControls(lambda: store, lambda: NOW)
    qtbot.addWidget(controls)
    controls.show()
    controls.show_for(occurrence(store, "weekly@test", 1))
    assert controls.scope.isVisible() and controls.scope.currentData() == "instance"
    controls.show_for(occurrence(store, "theirs@test"))
    assert controls.state_label.text() == "You are not an attendee"
    assert not any(b.isEnabled() for b in controls.buttons.values())
    controls.show_for(None)
    assert not controls.isVisible()


def test_answering_a_reminder_from_the_bar(qtbot, store: Store, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(store, store.path, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.show()
    tray = connect_tray(window, use_tray=False)
    reminder = Reminder("before|renewal@test", Kind.BEFORE, NOW, "Globex renewal", "in 30 min",
                        meeting_key="renewal@test")  # fmt: skip
    window.reminder_bar.show_reminder(reminder, reminder.title, reminder.message)
    assert window.reminder_bar.answer.isVisible()
    with qtbot.waitSignal(tray.answerer.done, timeout=10000) as blocker:  # type: ignore[attr-defined]
        window.reminder_bar.answer.menu().actions()[2].trigger()  # Decline
    assert blocker.args[0].ok, blocker.args[0].message
    assert [m[1] for m in smtp.messages] == [["pat@globex.com"]]
    assert window.statusBar().currentMessage() == (
        "Declined this meeting: the reply was sent to the organiser"
    )
    # The tray's menu answers the last reminder's meeting the same way.
    tray.last_reminder = reminder
    tray._refresh_menu()
    assert tray.answer_menu.isEnabled()
    with qtbot.waitSignal(tray.answerer.done, timeout=10000) as blocker:  # type: ignore[attr-defined]
        tray.answer_menu.actions()[0].trigger()  # Accept
    assert blocker.args[0].message == "Accepted this meeting: the reply was sent to the organiser"
    assert len(smtp.messages) == 2


def test_mail_settings(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = MailSettingsDialog(store, KeyringStore())
    qtbot.addWidget(dialog)
    dialog.security.setCurrentIndex(dialog.security.findData("starttls"))
    dialog.host.setText("smtp.example.com")
    dialog.daily.setChecked(True)
    dialog._accept()
    account = load_account(store)
    assert account is not None and account.host == "smtp.example.com"
    assert account.security == "starttls"
    setting = daily_briefing_time(store)
    assert setting is not None and setting[1] == ME and setting[0].hour == 7
