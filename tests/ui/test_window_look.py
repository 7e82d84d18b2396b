"""The window's look and feel on the demo: light and dark palettes, the time grid, the menu
bar, exports that say where they went, follow-up entry, failures shown, the empty state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMenu

import daybrief.ui.people_pages as people_pages
from daybrief.services.appearance import export_folder, theme_mode
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.store import Store, UserData, open_store
from daybrief.ui import theme
from daybrief.ui.main_window import TAB_BRIEFING, TAB_CLIENTS, TAB_DAY, TAB_WEEK, MainWindow
from daybrief.ui.tasks import run_in_background
from daybrief.ui.timegrid import Block, is_context, lay_out, problem_words

EVENING = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)  # Monday evening in Berlin
DEMO_DAY = date(2026, 3, 10)
UI = Path(__file__).resolve().parents[2] / "desktop" / "daybrief" / "ui"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(zone_name="Europe/Berlin"))
        yield opened


@pytest.fixture
def light() -> Iterator[None]:
    theme.apply("light")
    yield
    theme.apply("light")


@pytest.fixture
def window(qtbot, store: Store, light: None) -> MainWindow:  # type: ignore[no-untyped-def]
    shown = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(shown)
    shown.resize(1024, 700)
    shown.show()
    shown.load_demo()
    shown.go_to(DEMO_DAY)
    return shown


# --- colours ---


def test_no_colour_is_written_into_the_window_code() -> None:
    """Colours come from the palette through ui/theme.py (which also holds the tray icon's
    fixed artwork colours: it is drawn for the desktop's panel, whatever the palette)."""
    hard = re.compile(r"#[0-9a-fA-F]{6}\b|QColor\(\"|setStyleSheet|rgb\(")
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(UI.glob("*.py"))
        if path.name != "theme.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if hard.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_problem_tones_read_on_their_palette(qapp, mode: str) -> None:  # type: ignore[no-untyped-def]
    theme.apply(mode)
    try:
        tones = theme.theme()
        assert tones.dark is (mode == "dark")
        for colour in (tones.problem, tones.warning, tones.text, tones.link):
            assert abs(colour.lightnessF() - tones.base.lightnessF()) > 0.3
        # Backgrounds behind text stay on the palette's side of light and dark.
        for background in (tones.problem_bg, tones.warning_bg, tones.info_bg):
            assert (background.lightnessF() < 0.5) is tones.dark
    finally:
        theme.apply("light")


def test_every_page_builds_and_paints_in_light_and_dark(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    for mode in ("light", "dark"):
        window.set_theme(mode)
        assert theme_mode(window.store) == mode
        base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
        assert (base.lightnessF() < 0.5) is (mode == "dark")
        for number in range(window.tabs.count()):
            window.tabs.setCurrentIndex(number)
            for as_list in (False, True):
                window.show_as_list(as_list)
                assert not window.grab().isNull()
        # The briefing page is drawn on the palette's base, not on white.
        window.tabs.setCurrentIndex(TAB_BRIEFING)
        assert base.name() in window.briefing.view.toHtml()
    window.set_theme("light")


# --- the time grid ---


def _row(summary: str, start: time, end: time, **extra: object) -> SimpleNamespace:
    day = DEMO_DAY
    occurrence = SimpleNamespace(all_day=False, event=SimpleNamespace(calendar="Work"))
    return SimpleNamespace(
        summary=summary,
        occurrence=occurrence,
        start=datetime.combine(day, start),
        end=datetime.combine(day, end),
        key=summary,
        **extra,
    )


def test_overlapping_meetings_get_side_by_side_lanes() -> None:
    rows = [
        _row("A", time(10), time(11)),
        _row("B", time(10, 30), time(11, 30)),
        _row("C", time(11, 30), time(12)),
        _row("D", time(14), time(14, 5)),
    ]
    timed, all_day = lay_out([(DEMO_DAY, rows)])  # type: ignore[list-item]
    lanes = {b.row.summary: (b.lane, b.lanes) for b in timed}
    assert all_day == []
    assert lanes == {"A": (0, 2), "B": (1, 2), "C": (0, 1), "D": (0, 1)}
    short = next(b for b in timed if b.row.summary == "D")
    assert short.end - short.start == 30  # five minutes still get a readable block


def test_the_demo_day_in_the_grid(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(TAB_DAY)
    grid = window.day_grid.grid
    rows = window.agenda_model.rows()
    assert len(grid.blocks) == len([r for r in rows if not r.occurrence.all_day]) > 0
    assert "meetings" in grid.accessibleName()
    # Every double-booking is drawn side by side: same hours, rectangles apart.
    pairs = 0
    for block in grid.blocks:
        for other in grid.blocks:
            if block is not other and other.row.occurrence in block.row.conflicts_with:
                a, b = grid.rect_of(block), grid.rect_of(other)
                assert not a.intersects(b)
                assert a.top() < b.bottom() and b.top() < a.bottom()
                pairs += 1
    assert pairs >= 2
    # Problems are words, not colour alone.
    badges = {word for b in grid.blocks for _kind, word in problem_words(b.row)}
    assert {"Double-booked", "Unconfirmed"} <= badges


def test_clicking_a_block_opens_its_detail(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(TAB_DAY)
    grid = window.day_grid.grid
    block: Block = grid.blocks[-1]
    rect = grid.rect_of(block)
    window.day_grid.scroll.ensureVisible(int(rect.center().x()), int(rect.center().y()))
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert window.detail.row is not None and window.detail.row.key == block.row.key
    assert window.detail.title.text() == block.row.summary


def test_the_grid_from_the_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(TAB_DAY)
    grid = window.day_grid.grid
    ordered = grid.ordered()
    grid.setFocus()
    grid.current = None
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    assert grid.current_row() is ordered[0].row
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.current_row() is ordered[2].row
    assert ordered[2].row.summary in grid.accessibleDescription()
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    with qtbot.waitSignal(grid.opened) as opened:
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert opened.args == [ordered[1].row]
    assert window.detail.row is ordered[1].row
    qtbot.keyClick(grid, Qt.Key.Key_End)
    assert grid.current_row() is ordered[-1].row


def test_the_week_grid_opens_a_day(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(TAB_WEEK)
    grid = window.week_grid.grid
    assert grid.days[0][0] == DEMO_DAY - timedelta(days=DEMO_DAY.weekday())
    assert len(grid.days) == 7 and grid.blocks
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    first = grid.current_row()
    assert first is not None
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # the nearest meeting of the next day with any
    moved = grid.current_row()
    assert moved is not None and moved.start.date() > first.start.date()
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == TAB_DAY and window.day == moved.start.date()
    assert window.detail.row is not None and window.detail.row.key == moved.key


def test_the_list_stays_as_a_toggle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(TAB_DAY)
    window.list_toggle.click()
    assert window.day_views.currentWidget() is window.agenda
    assert window.list_action.isChecked()
    window.list_action.trigger()
    assert window.day_views.currentWidget() is window.day_grid
    assert not window.list_toggle.isChecked()


def test_a_narrow_list_keeps_room_for_the_meeting_title(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from daybrief.ui.models import AgendaModel

    window.tabs.setCurrentIndex(TAB_DAY)
    window.show_as_list(True)
    qtbot.waitUntil(lambda: window.agenda.isColumnHidden(AgendaModel.ANSWERS))  # 1024 px
    title = window.agenda.columnWidth(AgendaModel.TITLE)
    longest = max(
        window.agenda.fontMetrics().horizontalAdvance(row.summary)
        for row in window.agenda_model.rows()
    )
    assert title >= min(longest, 140)  # enough to read a title, not "F… F…"
    status = window.agenda.columnWidth(AgendaModel.STATUS)
    assert status < window.agenda.fontMetrics().horizontalAdvance("Double-booked, Unconfirmed")
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: not window.agenda.isColumnHidden(AgendaModel.ANSWERS))
    assert not window.agenda.isColumnHidden(AgendaModel.WHERE)


def test_context_meetings_are_marked_for_fading() -> None:
    # The agenda row says it (calendar roles, docs/roles.md; tests/ui/test_roles_ui.py).
    assert is_context(SimpleNamespace(context=True))  # type: ignore[arg-type]
    assert not is_context(SimpleNamespace(context=False))  # type: ignore[arg-type]


# --- menus ---


def _actions(menu: QMenu) -> Iterator[QAction]:
    for action in menu.actions():
        if action.menu() is not None:
            yield from _actions(action.menu())  # type: ignore[arg-type]
        else:
            yield action


def test_the_menu_bar_has_every_action_with_standard_keys(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    menus = [a.menu() for a in window.menuBar().actions()]
    names = [a.text() for a in window.menuBar().actions()]
    assert names == ["&File", "&Edit", "&View", "&Go", "&Help"]
    keys = {
        key.toString()
        for menu in menus
        for action in _actions(menu)  # type: ignore[arg-type]
        for key in action.shortcuts()
    }
    for wanted in ("Ctrl+Q", "Ctrl+E", "Ctrl+O", "Ctrl+F", "F5", "Ctrl+,", "Alt+Left",
                   "Alt+Right", "Alt+Home", "Ctrl+1", "Ctrl+6", "Ctrl+L"):  # fmt: skip
        assert wanted in keys, wanted
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    window.keep_in_tray = True  # Quit quits even when closing would only hide
    window.quit_action.trigger()
    assert quits == [True] and window.quitting


def test_find_a_meeting(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window.go_to(DEMO_DAY - timedelta(days=1))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("globex", True)))
    found = window.find_meeting()
    assert found is not None and "Globex" in found.summary
    assert found.start.date() >= DEMO_DAY - timedelta(days=1)
    assert window.day == found.start.date() and window.detail.row is not None
    assert window.detail.row.key == found.key
    again = window.find_meeting(again=True)  # F3: the next one after it
    assert again is not None and "globex" in again.summary.casefold()
    assert (again.start, again.key) != (found.start, found.key) and again.start >= found.start


# --- exports ---


def test_an_export_says_where_it_went_and_the_folder_is_remembered(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    offered: list[str] = []

    def save_as(_parent: object, _title: str, default: str) -> tuple[str, str]:
        offered.append(default)
        return str(folder / Path(default).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    window.export_actions["html"].trigger()
    written = folder / f"briefing-{DEMO_DAY.isoformat()}.html"
    assert written.exists()
    notice = window.briefing.notice
    assert notice.isVisible() and str(folder) in notice.text.text()
    assert notice.path == written
    opened: list[str] = []
    monkeypatch.setattr(
        "daybrief.ui.briefing_page.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    notice.open_button.click()
    notice.folder_button.click()
    assert opened == [str(written), str(folder)]
    assert export_folder(window.store, Path.home()) == folder.resolve()
    window.export_actions["md"].trigger()
    assert Path(offered[-1]).parent == folder.resolve()


# --- follow-ups ---


def test_follow_up_entry_takes_the_meetings_client_and_offers_its_next_meeting(
    qtbot, window: MainWindow, store: Store
) -> None:  # type: ignore[no-untyped-def]
    window.show_meeting("demo-qbr", DEMO_DAY)
    detail = window.detail
    assert detail.follow_up_client.currentText() == "Acme"
    assert not detail.before_next.isVisible()
    qtbot.keyClicks(detail.new_follow_up, "Bring the renewal numbers")
    assert detail.before_next.isVisible()
    assert "before my next meeting with Acme" in detail.before_next.text()
    detail.before_next.click()  # picks the date and saves the typed follow-up
    item = next(f for f in UserData.of(store).follow_ups.all() if f.text.startswith("Bring"))
    assert item.due_before is not None and item.client_id is not None
    shown = [
        detail.follow_up_model.index(n).data() for n in range(detail.follow_up_model.rowCount())
    ]
    assert any(text.startswith("Bring") and "⚓ before the next meeting" in text for text in shown)


# --- work off the UI thread, failures shown ---


def test_a_failed_background_job_is_reported(qtbot) -> None:  # type: ignore[no-untyped-def]
    results: list[str] = []

    def broken() -> None:
        raise OSError("disk on fire")

    run_in_background(broken, lambda _r: results.append("ok"), results.append)
    qtbot.waitUntil(lambda: results != [], timeout=5000)
    assert results == ["disk on fire"]


def test_the_clients_page_says_when_it_cannot_work_the_list_out(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def broken(*_args: object) -> list[object]:
        raise RuntimeError("the calendar store is unreadable")

    monkeypatch.setattr(people_pages, "clients_overview", broken)
    window.clients_page.model.set_rows([])
    window.tabs.setCurrentIndex(TAB_CLIENTS)
    page = window.clients_page.page
    qtbot.waitUntil(lambda: "Could not" in page.toPlainText(), timeout=10000)
    assert "the calendar store is unreadable" in page.toPlainText()


# --- the empty state ---


def test_no_meeting_shown_means_no_due_date_shown(window: MainWindow) -> None:
    window.detail.show_row(None)
    assert window.detail.follow_up_due.text().strip() == ""
    row = window.agenda_model.rows()[0]
    window.detail.show_row(row)
    assert window.detail.follow_up_due.date().toPython() == row.start.date() + timedelta(days=1)


def test_the_empty_window_shows_no_date(qtbot, store: Store, light: None) -> None:  # type: ignore[no-untyped-def]
    empty = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(empty)
    empty.show()
    assert empty.pages.currentWidget() is empty.empty
    assert not empty.date_action.isVisible() and not empty.prev_action.isVisible()
    empty.load_demo()
    assert empty.date_action.isVisible() and empty.date_edit.isEnabled()


def test_the_window_fits_1024_by_700(window: MainWindow) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 700
    # The grid's hour labels fit their gutter at this font.
    grid = window.day_grid.grid
    assert grid.fontMetrics().horizontalAdvance("23:00") < grid.gutter()
    window.tabs.setCurrentIndex(TAB_DAY)
    assert window.width() == 1024 and window.height() == 700
    # The grid keeps room for its blocks beside the detail pane.
    assert window.day_grid.width() > 300 and window.detail.width() > 300


# --- a store with calendars opens at once and fills in from a worker ---


def _store_with_the_demo(tmp_path: Path) -> Path:
    path = tmp_path / "filled" / "daybrief.sqlite3"
    path.parent.mkdir()
    with open_store(path) as filled:
        save_preferences(filled, Preferences(zone_name="Europe/Berlin"))
        loader = MainWindow(filled, path, clock=lambda: EVENING)
        loader.load_demo()
        loader.close()
    return path


def test_a_store_with_calendars_paints_first_and_fills_in(
    qtbot, tmp_path: Path, light: None
) -> None:  # type: ignore[no-untyped-def]
    path = _store_with_the_demo(tmp_path)
    with open_store(path) as store:
        opened = MainWindow(store, path, clock=lambda: EVENING, fill_in_background=True)
        qtbot.addWidget(opened)
        assert opened.pages.currentIndex() == 1  # the working page, not the empty state
        assert "Loading" in opened.day_title.text()
        with qtbot.waitSignal(opened.loaded, timeout=20000):
            pass
        assert opened.agenda_model.rowCount() > 0
        assert opened.hygiene_model.items()


def test_when_preparing_fails_the_window_says_so_and_reads_them_itself(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, light: None
) -> None:  # type: ignore[no-untyped-def]
    import daybrief.ui.main_window as main_window

    path = _store_with_the_demo(tmp_path)

    def unreadable(*_args: object, **_options: object) -> Store:
        raise OSError("store file busy")

    with open_store(path) as store:
        monkeypatch.setattr(main_window, "open_store", unreadable)
        opened = MainWindow(store, path, clock=lambda: EVENING, fill_in_background=True)
        qtbot.addWidget(opened)
        with qtbot.waitSignal(opened.loaded, timeout=20000):
            pass
        assert "store file busy" in opened.statusBar().currentMessage()
        assert opened.agenda_model.rowCount() > 0
