"""The window and the task list: sync at start, soon after an edit, the state on the page."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from daybrief.services.credentials import SessionCredentials
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.services.task_sync import connect_task_list, task_list_status
from daybrief.store import Store, open_store
from daybrief.store.followups import FollowUps
from daybrief.ui.dialogs import SettingsDialog
from daybrief.ui.main_window import TAB_FOLLOW_UPS, MainWindow
from tests.network import Radicale

EVENING = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(zone_name="Europe/Berlin"))
        yield opened


def test_the_window_syncs_at_start_and_after_edits_and_shows_the_state(
    qtbot, store: Store, running_radicale: Radicale
) -> None:  # type: ignore[no-untyped-def]
    server = running_radicale
    credentials = SessionCredentials()
    connect_task_list(
        store, server.url, username=server.user, password=server.password,
        credentials=credentials, list_name=f"Window {secrets.token_hex(3)}",
    )  # fmt: skip
    FollowUps(store).add("Send the minutes")
    window = MainWindow(store, store.path, clock=lambda: EVENING, credentials=credentials)
    qtbot.addWidget(window)
    window.task_sync.after_edit.setInterval(50)
    window.show()
    window.tabs.setCurrentIndex(TAB_FOLLOW_UPS)
    label = window.follow_ups_page.sync_state
    # At start, on a worker: the follow-up made before reaches the server.
    qtbot.waitUntil(lambda: label.text().startswith("In step with the task list"), timeout=15000)
    assert not label.isHidden()
    # An edit: the page says it waits, then it is sent shortly after.
    FollowUps(store).add("Book the room")
    window.follow_ups_page.changed.emit()
    assert label.text() == "1 change waiting for the server"
    qtbot.waitUntil(lambda: label.text().startswith("In step"), timeout=15000)
    assert task_list_status(store).pending == 0
    # Offline: the edit waits and the reason shows, on the page and in the settings.
    server.stop()
    try:
        FollowUps(store).add("Order lunch")
        window.follow_ups_page.changed.emit()
        qtbot.waitUntil(lambda: "Not synced:" in label.text(), timeout=15000)
        assert label.text().startswith("1 change waiting for the server. Not synced: ")
        assert "refused the connection" in label.text()
        line = task_list_status(store).line()
        dialog = SettingsDialog(window.preferences, [], window, task_list=line)
        assert "refused the connection" in dialog.task_list.text()
        assert dialog.task_list.textFormat() == Qt.TextFormat.PlainText
        dialog.deleteLater()
    finally:
        server.start()
    window.task_sync.sync_now()
    qtbot.waitUntil(lambda: label.text().startswith("In step"), timeout=15000)
    window.task_sync.stop()


def test_a_value_kept_from_a_conflict_is_marked_on_the_page(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    FollowUps(store).add(
        "Send pricing v2", notes="also edited elsewhere: text “Send pricing and terms”"
    )
    window = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(TAB_FOLLOW_UPS)
    page = window.follow_ups_page
    page.reload()
    group = page.model.index(0, 0)
    cell = page.model.index(0, 0, group)
    assert page.model.data(cell) == "Send pricing v2  ⚠ also edited elsewhere"
    assert "Send pricing and terms" in page.model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert page.sync_state.isHidden()  # no task list: no sync line


def test_connecting_a_task_list_from_the_window(
    qtbot, store: Store, running_radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    server = running_radicale
    credentials = SessionCredentials()
    FollowUps(store).add("Send the minutes")
    window = MainWindow(store, store.path, clock=lambda: EVENING, credentials=credentials)
    qtbot.addWidget(window)
    warnings: list[str] = []
    monkeypatch.setattr(
        "daybrief.ui.main_window.QMessageBox.warning", lambda _w, _t, text: warnings.append(text)
    )
    values = {"url": server.url, "username": server.user, "password": "wrong", "list_name": None}
    window.task_connector.connect_with(values)
    qtbot.waitUntil(lambda: bool(warnings), timeout=15000)
    assert "refused the user name or password" in warnings[0]
    assert not task_list_status(store).connected
    # The account has several lists (the calendars take tasks too): the user makes a new one.
    name = f"From the window {secrets.token_hex(3)}"
    monkeypatch.setattr(
        "daybrief.ui.task_sync.QInputDialog.getItem",
        lambda _w, _t, _l, items, *_a: (items[-1], True),
    )
    monkeypatch.setattr(
        "daybrief.ui.task_sync.QInputDialog.getText", lambda *_a, **_k: (name, True)
    )
    window.task_connector.connect_with({**values, "password": server.password})
    label = window.follow_ups_page.sync_state
    qtbot.waitUntil(lambda: label.text().startswith("In step"), timeout=20000)
    assert name in label.text()
    assert task_list_status(store).list_name == name and task_list_status(store).pending == 0
    # Disconnecting keeps the follow-ups.
    monkeypatch.setattr(
        "daybrief.ui.main_window.QMessageBox.question",
        lambda *_a, **_k: QMessageBox.StandardButton.Yes,
    )
    window.follow_ups_page.task_list_action.emit("disconnect")
    assert not task_list_status(store).connected
    assert [f.text for f in FollowUps(store).all()] == ["Send the minutes"]
    assert label.isHidden()
    window.task_sync.stop()


def test_how_often_follow_ups_sync_is_a_setting(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    from daybrief.services.preferences import load_preferences

    window = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(window)
    assert window.task_sync.periodic.interval() == 15 * 60_000  # the default
    dialog = SettingsDialog(window.preferences, [], window)
    assert dialog.task_list.text().startswith("No task list connected")
    dialog.task_sync.setValue(7)
    dialog._accept()
    assert dialog.result_preferences is not None
    save_preferences(store, dialog.result_preferences)
    assert load_preferences(store).task_sync_minutes == 7
    window.task_sync.set_minutes(load_preferences(store).task_sync_minutes)
    assert window.task_sync.periodic.interval() == 7 * 60_000
    window.task_sync.stop()
