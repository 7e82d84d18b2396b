"""Issue 17 in the window: whose each calendar is and its colour, in the Calendars dialog;
context drawn faded in the Day list; the day's heading counts only the user's meetings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from daybrief.services.importer import import_file
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.services.sources import find_sources
from daybrief.store import Store, open_store
from daybrief.ui.dialogs import CalendarsDialog
from daybrief.ui.main_window import MainWindow
from daybrief.ui.models import AgendaModel
from daybrief.ui.theme import theme
from daybrief.ui.timegrid import is_context, row_text

SUNDAY_EVENING = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)  # the window opens on Monday
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def store(tmp_path: Path, calendars) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    with open_store(tmp_path / "daybrief.sqlite3") as opened:
        save_preferences(
            opened, Preferences(addresses=("me@corp.example",), zone_name="Europe/Berlin")
        )
        for name, role in (("roles_work", None), ("roles_team", "mine"), ("roles_info", "info")):
            import_file(
                opened,
                str(calendars[name]),
                user_zone=BERLIN,
                zone_name="Europe/Berlin",
                now=SUNDAY_EVENING,
                role=role,
            )
        yield opened


@pytest.fixture
def window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    shown = MainWindow(store, store.path, clock=lambda: SUNDAY_EVENING)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _rows(window: MainWindow) -> dict[str, int]:
    model = window.agenda_model
    return {str(model.index(r, AgendaModel.TITLE).data()): r for r in range(model.rowCount())}


def test_calendars_dialog_shows_and_changes_whose_each_calendar_is(
    qtbot, window: MainWindow, store: Store
) -> None:  # type: ignore[no-untyped-def]
    assert window.day == date(2026, 3, 9)
    assert "double-booked" in window.day_title.text()
    rows = _rows(window)
    model = window.agenda_model
    offsite = rows["Ana: leadership offsite"]
    # The team calendar is the user's own for now: the offsite clashes with the morning.
    assert "Double-booked" in model.index(offsite, AgendaModel.STATUS).data()

    dialog = CalendarsDialog(store, window)
    qtbot.addWidget(dialog)
    boxes = [dialog.table.cellWidget(r, dialog.ROLE_COLUMN) for r in range(3)]
    assert all(isinstance(box, QComboBox) for box in boxes)
    assert [box.currentData() for box in boxes] == ["mine", "mine", "info"]
    assert "guessed" in boxes[0].toolTip() and "you organise or attend" in boxes[0].toolTip()
    assert "set by you" in boxes[2].toolTip()

    dialog.roles_changed.connect(window._roles_changed)
    with qtbot.waitSignal(dialog.roles_changed, timeout=2000):
        boxes[1].setCurrentIndex(boxes[1].findData("others"))
    [team] = find_sources(store, "Team")
    assert (team.role, team.role_set) == ("others", True)

    # At once, with nothing fetched: the offsite is context, faded, and no longer a problem.
    rows = _rows(window)
    offsite = rows["Ana: leadership offsite"]
    assert model.index(offsite, AgendaModel.STATUS).data() == ""
    faint = theme().faded
    brush = model.index(offsite, AgendaModel.TITLE).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == faint
    assert model.index(offsite, AgendaModel.TITLE).data(Qt.ItemDataRole.FontRole).italic()
    tip = model.index(offsite, AgendaModel.TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Someone else's meeting (Team): shown for context, not counted"
    market = rows["Stock market opens"]
    assert "For information (Markets)" in model.index(market, AgendaModel.STATUS).data(
        Qt.ItemDataRole.ToolTipRole
    )
    # The retro the user is invited to stays theirs, and the one double-booking left.
    retro = rows["Team retro"]
    assert "Double-booked" in model.index(retro, AgendaModel.STATUS).data()
    assert model.index(retro, AgendaModel.TITLE).data(Qt.ItemDataRole.ForegroundRole) != brush
    # The time grid draws the same rows: context faded, and said so to a screen reader.
    offsite_row = model.row_at(offsite)
    assert is_context(offsite_row) and "context calendar" in row_text(offsite_row)
    assert not is_context(model.row_at(retro))
    heading = window.day_title.text()
    assert "6 meetings" in heading and "3 for context" in heading
    assert "1 double-booked" in heading


def test_calendars_dialog_sets_a_colour_used_in_the_day_list(
    qtbot, window: MainWindow, store: Store
) -> None:  # type: ignore[no-untyped-def]
    dialog = CalendarsDialog(store, window)
    qtbot.addWidget(dialog)
    dialog.roles_changed.connect(window._roles_changed)
    dialog.set_colour(0, "#16A34A")
    [work] = find_sources(store, "Work")
    assert work.colour == "#16a34a"
    button = dialog.table.cellWidget(0, dialog.COLOUR_COLUMN)
    assert isinstance(button, QPushButton) and button.text() == "#16a34a"
    model = window.agenda_model
    standup = _rows(window)["Stand-up"]
    icon = model.index(standup, AgendaModel.TITLE).data(Qt.ItemDataRole.DecorationRole)
    assert icon is not None
    assert icon.pixmap(10, 10).toImage().pixelColor(5, 5).name() == "#16a34a"
    offsite = _rows(window)["Ana: leadership offsite"]
    assert model.index(offsite, AgendaModel.TITLE).data(Qt.ItemDataRole.DecorationRole) is None
    dialog.set_colour(0, None)
    assert find_sources(store, "Work")[0].colour is None
    assert dialog.table.cellWidget(0, dialog.COLOUR_COLUMN).text() == "Default"
