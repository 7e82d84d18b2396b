"""Calendar addresses from the window: add, pick a CalDAV calendar, no keyring, refresh."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from daybrief.services.credentials import KeyringStore, SessionCredentials
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.store import Store, open_store
from daybrief.store.calendars import Calendars
from daybrief.ui import plain
from daybrief.ui.dialogs import CalendarsDialog
from daybrief.ui.main_window import MainWindow
from tests.network import CalendarServer, MemoryKeyring, ics, tomorrow_at

TOKEN = "secret-token-0a9f"
PATH = f"/calendar/ical/me/{TOKEN}/basic.ics"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(addresses=("me@example.com",), zone_name="UTC"))
        yield opened


def make_window(qtbot, store: Store, credentials: object) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(store, store.path, credentials=credentials)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    return window


def wait(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.job is None, timeout=30000)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    # The window's messages that quote calendar text go through plain.message (issue 19).
    monkeypatch.setattr(
        plain,
        "message",
        lambda _p, _t, text, **_kw: said.append(text) or QMessageBox.StandardButton.Yes,
    )
    return said


def test_an_address_is_added_from_the_window_and_shown(
    qtbot,
    store: Store,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
    answers: list[str],
) -> None:  # type: ignore[no-untyped-def]
    calendar_server.serve(PATH, ics(("qbr-1", "Acme QBR", tomorrow_at(10))))
    window = make_window(qtbot, store, KeyringStore())
    assert window.empty.subscribe_button.isEnabled()
    window._subscribe({"url": calendar_server.url(PATH), "name": "Work"})
    wait(qtbot, window)
    assert answers and answers[0].startswith("Added Work")
    assert window.pages.currentIndex() == 1
    (source,) = Calendars(store).sources()
    assert source.kind == "url" and TOKEN not in source.location
    assert memory_keyring.entries and TOKEN in next(iter(memory_keyring.entries.values()))
    dialog = CalendarsDialog(store, credentials=window.credentials)
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 0).text() == "Work"
    assert TOKEN not in dialog.table.item(0, 1).text()


def test_without_a_keyring_the_user_may_use_it_for_the_session(
    qtbot,
    store: Store,
    calendar_server: CalendarServer,
    no_keyring: object,
    answers: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    calendar_server.serve(PATH, ics(("qbr-1", "Acme QBR", tomorrow_at(10))))
    window = make_window(qtbot, store, KeyringStore())
    window._subscribe({"url": calendar_server.url(PATH)})
    wait(qtbot, window)
    assert answers and "keyring" in answers[0]  # asked first: this session only?
    qtbot.waitUntil(lambda: len(answers) > 1, timeout=30000)
    wait(qtbot, window)
    assert isinstance(window.credentials, SessionCredentials)
    assert len(Calendars(store).sources()) == 1


def test_a_caldav_account_asks_which_calendar(
    qtbot,
    store: Store,
    running_radicale: object,
    memory_keyring: MemoryKeyring,
    answers: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    server = running_radicale
    offered: list[list[str]] = []

    def pick(_parent, _title, _label, items, *_rest):  # type: ignore[no-untyped-def]
        offered.append(list(items))
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window = make_window(qtbot, store, KeyringStore())
    window._subscribe(
        {"url": server.url, "username": server.user, "password": server.password}  # type: ignore[attr-defined]
    )
    qtbot.waitUntil(lambda: bool(answers) or bool(offered), timeout=30000)
    wait(qtbot, window)
    if offered:  # several calendars on the server: the user picked the first
        assert offered[0][-1] == "All of them"
        qtbot.waitUntil(lambda: bool(answers), timeout=30000)
        wait(qtbot, window)
    assert answers and answers[0].startswith("Added ")
    assert [s.kind for s in Calendars(store).sources()][:1] == ["caldav"]


def test_refresh_keeps_the_last_good_data_when_the_server_fails(
    qtbot,
    store: Store,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
    answers: list[str],
) -> None:  # type: ignore[no-untyped-def]
    calendar_server.serve(PATH, ics(("qbr-1", "Acme QBR", tomorrow_at(10))))
    window = make_window(qtbot, store, KeyringStore())
    window._subscribe({"url": calendar_server.url(PATH), "name": "Work"})
    wait(qtbot, window)
    calendar_server.serve(PATH, b"oops", status=500)
    window.refresh_sources()
    wait(qtbot, window)
    assert window.last_refresh is not None and window.last_refresh.failed
    assert "server error" in window.statusBar().currentMessage()
    (source,) = Calendars(store).sources()
    assert [o.event.summary for o in Calendars(store).occurrences_of(source.id)] == ["Acme QBR"]


def test_a_source_is_renamed_and_signed_in_again(
    qtbot,
    store: Store,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
    answers: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    calendar_server.serve(PATH, ics(("qbr-1", "Acme QBR", tomorrow_at(10))))
    window = make_window(qtbot, store, KeyringStore())
    window._subscribe({"url": calendar_server.url(PATH), "name": "Work"})
    wait(qtbot, window)
    dialog = CalendarsDialog(store, credentials=window.credentials)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    replies = iter([("Work (Google)", True), ("me@example.com", True), ("n3w-pass", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: next(replies))
    dialog._rename()
    assert Calendars(store).sources()[0].name == "Work (Google)"
    dialog.table.selectRow(0)
    dialog._sign_in()
    assert any("n3w-pass" in value for value in memory_keyring.entries.values())
