"""The Clients and Follow-ups pages, driven as a user would, on the demo calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from daybrief.services.preferences import Preferences, save_preferences
from daybrief.store import Store, UserData, open_store
from daybrief.ui.main_window import TAB_CLIENTS, TAB_FOLLOW_UPS, MainWindow

EVENING = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)  # Monday 18:00 in Berlin; demo day: Tue 10


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(zone_name="Europe/Berlin"))
        yield opened


@pytest.fixture
def window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    shown = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(shown)
    shown.show()
    shown.load_demo()
    return shown


def names(window: MainWindow) -> list[str]:
    return [row.name for row in window.clients_page.model.rows()]


def open_clients(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Show the Clients tab and wait for its list (worked out on a worker)."""
    window.clients_page.loaded = False
    window.tabs.setCurrentIndex(TAB_CLIENTS)
    qtbot.waitUntil(lambda: window.clients_page.loaded, timeout=10000)


def refreshed(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.clients_page.loaded = False
    qtbot.waitUntil(lambda: window.clients_page.loaded, timeout=10000)


def test_clients_are_listed_by_next_meeting_with_their_page(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_clients(qtbot, window)
    rows = window.clients_page.model.rows()
    assert {"Acme", "Globex", "Initech", "Umbrella", "Stark"} <= set(names(window))
    starts = [row.next_meeting.start for row in rows if row.next_meeting is not None]
    assert starts == sorted(starts)
    acme = next(row for row in rows if row.name == "Acme")
    assert acme.problems >= 1  # the QBR is double-booked
    assert [f.text for f in acme.follow_ups] == ["Share the QBR notes with Jordan"]
    window.clients_page.table.selectRow(names(window).index("Acme"))
    page = window.clients_page.page.toPlainText()
    assert "Acme quarterly business review" in page
    assert "Share the QBR notes with Jordan" in page and "Open: " in page


def test_rename_merge_and_split(
    qtbot, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    open_clients(qtbot, window)
    page = window.clients_page
    page.table.selectRow(names(window).index("Stark"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Stark Industries", True))
    page.rename()
    refreshed(qtbot, window)
    assert "Stark Industries" in names(window) and "Stark" not in names(window)
    page.table.selectRow(names(window).index("Stark Industries"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("Umbrella", True))
    page.merge()
    refreshed(qtbot, window)
    assert "Stark Industries" not in names(window)
    umbrella = next(row for row in page.model.rows() if row.name == "Umbrella")
    assert set(umbrella.domains) == {"stark.example", "umbrella.example"}
    page.table.selectRow(names(window).index("Umbrella"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("stark.example", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Stark", True))
    page.split()
    refreshed(qtbot, window)
    assert {"Stark", "Umbrella"} <= set(names(window))


def rows_by_group(window: MainWindow) -> dict[str, list[str]]:
    model = window.follow_ups_page.model
    groups = {}
    for number in range(model.rowCount()):
        head = model.index(number, 0)
        title = head.data().rsplit(" (", 1)[0]
        groups[title] = [model.index(r, 0, head).data() for r in range(model.rowCount(head))]
    return groups


def test_follow_ups_are_grouped_ticked_redated_and_exported(
    qtbot, window: MainWindow, store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(TAB_FOLLOW_UPS)
    page = window.follow_ups_page
    # The demo's follow-ups, seen on Monday 9 March (the demo day is Tuesday the 10th).
    assert rows_by_group(window) == {
        "Overdue": ["Send Globex the revised pricing"],
        "Today": ["Book the team offsite venue"],
        "Tomorrow": ["Share the QBR notes with Jordan"],
        "Later": ["Send Stark the case study"],
    }
    page.grouping.setCurrentIndex(1)
    assert list(rows_by_group(window)) == ["Acme", "Globex", "Stark", "No client"]
    page.grouping.setCurrentIndex(0)
    overdue = page.model.index(0, 0, page.model.index(0, 0))
    page.model.setData(overdue, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    done = [f for f in UserData.of(store).follow_ups.all() if f.done]
    assert [f.text for f in done] == ["Send Globex the revised pricing"]
    qtbot.waitUntil(lambda: "Overdue" not in rows_by_group(window))
    later = page.model.index(0, 0, page.model.index(2, 0))
    page.tree.setCurrentIndex(later)
    page.set_due(date(2026, 3, 10))
    assert rows_by_group(window)["Tomorrow"] == [
        "Share the QBR notes with Jordan",
        "Send Stark the case study",
    ]
    page.export_to("ics", tmp_path / "tasks.ics")
    page.export_to("md", tmp_path / "tasks.md")
    assert (tmp_path / "tasks.ics").read_text().count("BEGIN:VTODO") == 3
    assert "## Tomorrow" in (tmp_path / "tasks.md").read_text()
    assert page.import_from(tmp_path / "tasks.ics") == "0 added, 0 updated, 3 unchanged"


def test_a_follow_up_due_before_the_next_client_meeting(window: MainWindow, store: Store) -> None:
    window.show_meeting("demo-qbr", date(2026, 3, 10))
    detail = window.detail
    detail.follow_up_client.setCurrentText("Acme")
    detail._fill_due_picks()
    labels = [action.text() for action in detail.due_picks.menu().actions()]
    before = next(text for text in labels if text.startswith("Before my next meeting with Acme"))
    next(a for a in detail.due_picks.menu().actions() if a.text() == before).trigger()
    detail.new_follow_up.setText("Bring the renewal numbers")
    detail._add_follow_up()
    item = next(f for f in UserData.of(store).follow_ups.all() if f.text.startswith("Bring"))
    assert item.due_before is not None and item.due_before != "demo-qbr"
    assert item.due_date is not None and item.due_date > date(2026, 3, 10)
