"""The window as the app runs it (``fill_in_background``): what is slow on a big store, the
problems, the rows, the briefing and the reminders, is worked out on workers, never on the
UI thread, and the pages still show every change."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QUrl

import daybrief.services.agenda as agenda_module
import daybrief.ui.briefing_page as briefing_page
from daybrief.services.export.html import SHOW_ALL
from daybrief.services.importer import import_file
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.services.reminders import ReminderService
from daybrief.store import open_store
from daybrief.ui.application import connect_tray, problems_next_working_day, start_tray
from daybrief.ui.main_window import TAB_HYGIENE, TAB_WEEK, MainWindow

ME = "me@agency.example"
BERLIN = ZoneInfo("Europe/Berlin")
EVENING = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)  # Monday 18:00 in Berlin
TUESDAY = date(2026, 3, 10)


def _calendar() -> str:
    """Tuesday to Thursday: on each day a client meeting double-booked with another, and
    an invitation the user has not answered."""
    events = []
    for day in (10, 11, 12):
        events += [
            f"UID:qbr-{day}@test\nDTSTART;TZID=Europe/Berlin:202603{day}T100000\n"
            f"DTEND;TZID=Europe/Berlin:202603{day}T113000\nSUMMARY:Acme QBR {day}\n"
            f"ORGANIZER:mailto:{ME}\nATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}\n"
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jo@acme.com",
            f"UID:renewal-{day}@test\nDTSTART;TZID=Europe/Berlin:202603{day}T110000\n"
            f"DTEND;TZID=Europe/Berlin:202603{day}T120000\nSUMMARY:Globex renewal {day}\n"
            f"ORGANIZER:mailto:pat@globex.com\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ME}",
        ]
    body = "".join(f"BEGIN:VEVENT\n{event}\nEND:VEVENT\n" for event in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//bg//EN\n{body}END:VCALENDAR\n"


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "daybrief.sqlite3"
    path.parent.mkdir()
    calendar = tmp_path / "work.ics"
    calendar.write_text(_calendar(), encoding="utf-8")
    with open_store(path) as store:
        save_preferences(store, Preferences(addresses=(ME,), zone_name="Europe/Berlin"))
        import_file(store, str(calendar), user_zone=BERLIN, zone_name="Europe/Berlin", now=EVENING)
    return path


@pytest.fixture
def on_ui_thread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slow steps, each noted when it runs on the UI thread."""
    seen: list[str] = []

    def watched(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **options: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                seen.append(name)
            return function(*args, **options)

        return wrapper

    monkeypatch.setattr(
        agenda_module, "build_review", watched("review", agenda_module.build_review)
    )
    monkeypatch.setattr(
        agenda_module.AgendaService,
        "_make_day",
        watched("day rows", agenda_module.AgendaService._make_day),
    )
    monkeypatch.setattr(
        briefing_page,
        "briefing_from_store",
        watched("briefing", briefing_page.briefing_from_store),
    )
    monkeypatch.setattr(ReminderService, "planned", watched("reminders", ReminderService.planned))
    return seen


@pytest.fixture
def window(qtbot, store_file: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    with open_store(store_file) as store:
        opened = MainWindow(store, store_file, clock=lambda: EVENING, fill_in_background=True)
        qtbot.addWidget(opened)
        qtbot.waitUntil(lambda: opened.filled, timeout=20000)
        yield opened
        opened.quitting = True
        opened.close()


def _settled(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Until the window's fill and the briefing's worker have reported."""

    def briefed() -> bool:
        shown = window.briefing.briefing
        return shown is not None and shown.day == window.day and not window.briefing._pending

    qtbot.waitUntil(briefed, timeout=20000)


def test_the_routine_runs_without_working_anything_out_on_the_ui_thread(
    qtbot, window: MainWindow, on_ui_thread: list[str]
) -> None:  # type: ignore[no-untyped-def]
    # The fixture's start already ran before the watch: start the tray and go on from here.
    tray = connect_tray(window, use_tray=False)
    start_tray(window, tray)
    qtbot.waitUntil(lambda: tray.current_problems > 0, timeout=20000)
    assert window.day == TUESDAY
    assert window.tabs.tabText(TAB_HYGIENE) == "Hygiene (6)"

    with qtbot.waitSignal(window.refreshed, timeout=20000):
        window.next_action.trigger()
    assert window.day == date(2026, 3, 11)
    assert {row.summary for row in window.agenda_model.rows()} == {
        "Acme QBR 11",
        "Globex renewal 11",
    }
    _settled(qtbot, window)
    assert window.briefing.briefing is not None
    assert window.briefing.briefing.day == date(2026, 3, 11)

    # Handle the first problem: the list says so once the worker is back, and the next
    # problem in line is the current one.
    window.tabs.setCurrentIndex(TAB_HYGIENE)
    window.select_problem(0)
    first = window.hygiene_model.items()[0]
    with qtbot.waitSignal(window.refreshed, timeout=20000):
        window.handled.click()
    assert window.tabs.tabText(TAB_HYGIENE) == "Hygiene (5)"
    handled = next(i for i in window.hygiene_model.items() if i.problem_key == first.problem_key)
    assert handled.state == "handled"
    assert window._current_problem() is not None

    with qtbot.waitSignal(window.refreshed, timeout=20000):
        window.tabs.setCurrentIndex(TAB_WEEK)
    assert len(window.week_grid.grid.days) == 7
    assert sum(len(rows) for _day, rows in window.week_grid.grid.days) == 6
    _settled(qtbot, window)
    before = tray.current_problems
    qtbot.wait(200)  # the tray's re-plan after the last fill
    assert on_ui_thread == []
    # The badge counts the review period (Tuesday) as `daybrief problems` does: the problem
    # handled was Tuesday's.
    assert first.day == TUESDAY
    assert tray.current_problems == problems_next_working_day(window) == 1 < before + 1


def test_hygiene_is_grouped_by_day_and_days_keep_how_they_were_left(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    model = window.hygiene_model
    groups = model.groups()
    assert [g.key for g in groups] == ["2026-03-10", "2026-03-11", "2026-03-12"]
    assert groups[0].title == "Tuesday 10 March — 2 open"
    assert {i.kind for g in groups for i in g.items} == {"double-booking", "unconfirmed"}
    items = model.items()
    for position, item in enumerate(items):
        index = model.index_of(position)
        assert model.item_at(index) is item and model.position_of(index) == position
        assert index.parent().data() == groups[int(index.parent().row())].title
    assert model.item_at(model.index(0, 0)) is None  # a day row is no problem
    assert all(window.hygiene.isExpanded(model.index(n, 0)) for n in range(3))

    window.hygiene.collapse(model.index(1, 0))
    with qtbot.waitSignal(window.refreshed, timeout=20000):
        window.refresh()
    assert [window.hygiene.isExpanded(model.index(n, 0)) for n in range(3)] == [
        True,
        False,
        True,
    ]

    # A long list opens its first day only, with every day's count in sight.
    import daybrief.ui.main_window as main_window

    monkeypatch.setattr(main_window, "HYGIENE_ALL_OPEN", 3)
    window.hygiene_model.set_items([])  # as a fresh start: no day left open or closed
    window._refresh_hygiene(TUESDAY)
    assert [window.hygiene.isExpanded(model.index(n, 0)) for n in range(3)] == [
        True,
        False,
        False,
    ]


def test_a_long_day_shows_part_of_the_briefing_until_asked_for_all(
    qtbot, store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(briefing_page, "SHOWN", 1)
    with open_store(store_file) as store:
        window = MainWindow(store, store_file, clock=lambda: EVENING, fill_in_background=True)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.briefing.briefing is not None, timeout=20000)
        page = window.briefing
        text = page.view.toPlainText()
        assert "Shortened: 1 of 2 meetings and 1 of 2 problems shown. Show all" in text
        meetings = text.split("\nMeetings\n")[1].split("\nFollow-ups\n")[0]
        assert "Acme QBR 10" in meetings and "Globex renewal 10" not in meetings
        page._link(QUrl(SHOW_ALL))
        text = page.view.toPlainText()
        meetings = text.split("\nMeetings\n")[1].split("\nFollow-ups\n")[0]
        assert "Globex renewal 10" in meetings and "Shortened" not in text
        # An export is the whole day, whatever the page shows.
        exported = briefing_page.export_bytes(page.current(), "md").decode("utf-8")  # type: ignore[arg-type]
        assert "Acme QBR 10" in exported and "Globex renewal 10" in exported
        # Another day starts shortened again.
        with qtbot.waitSignal(window.refreshed, timeout=20000):
            window.next_action.trigger()
        qtbot.waitUntil(lambda: not page._pending, timeout=20000)
        assert "Shortened: 1 of 2 meetings" in page.view.toPlainText()
        window.quitting = True
        window.close()


def test_a_late_result_after_the_store_closed_is_dropped(qtbot, store_file: Path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_file)
    window = MainWindow(store, store_file, clock=lambda: EVENING, fill_in_background=True)
    qtbot.addWidget(window)
    store.close()  # before the workers report: they must not touch it
    qtbot.wait(500)
    assert not window.filled
    assert window.briefing.briefing is None


def test_find_runs_on_a_worker_and_goes_to_the_meeting(
    qtbot, window: MainWindow, on_ui_thread: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("globex renewal 12", True))
    )
    assert window.find_meeting() is None  # the answer comes from the worker
    qtbot.waitUntil(lambda: window.day == date(2026, 3, 12), timeout=20000)
    qtbot.waitUntil(
        lambda: window.detail.row is not None and window.detail.row.summary == "Globex renewal 12",
        timeout=20000,
    )
    assert "Found Globex renewal 12 on Thu 12 Mar" in window.statusBar().currentMessage()
    window.find_meeting(again=True)  # nothing after it: the window stays
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "No meeting matches “globex renewal 12”",
        timeout=20000,
    )
    assert window.day == date(2026, 3, 12)
    _settled(qtbot, window)
    assert on_ui_thread == []


def test_fills_and_refreshes_leave_no_garbage_and_nothing_piles_up(
    qtbot, window: MainWindow, store_file: Path
) -> None:  # type: ignore[no-untyped-def]
    """The app freezes what each fill keeps (out of the collector's reach): that must hide
    no cyclic garbage, and finished jobs must not stay in memory (their handlers once held
    them in a cycle through Qt, with everything their work had kept)."""
    import gc

    import daybrief.ui.tasks as tasks

    calendar = store_file.parent.parent / "work.ics"

    def cycle(number: int) -> None:
        with qtbot.waitSignal(window.refreshed, timeout=20000):
            window.next_action.trigger()
        window.tabs.setCurrentIndex(TAB_HYGIENE)
        window.select_problem(0)
        with qtbot.waitSignal(window.refreshed, timeout=20000):
            window.handled.click()
        window.select_problem(0)
        with qtbot.waitSignal(window.refreshed, timeout=20000):
            window.reopen.click()
        calendar.write_text(_calendar().replace("Acme QBR", f"Acme QBR v{number}"))
        assert window.refresh_sources() is not None
        qtbot.waitUntil(lambda: window.job is None, timeout=20000)
        with qtbot.waitSignal(window.refreshed, timeout=20000):
            window.prev_action.trigger()
        _settled(qtbot, window)

    cycle(0)
    gc.unfreeze()
    gc.collect()
    before = len(gc.get_objects())
    for number in range(1, 13):
        cycle(number)
    assert "Acme QBR v12 10" in {row.summary for row in window.agenda_model.rows()}
    assert gc.get_freeze_count() > 0  # the fills did freeze
    gc.unfreeze()
    # Next to nothing the freezes kept was garbage (the test's own waiting makes a little;
    # a handler or a job kept per fill would be thousands).
    assert gc.collect() < 200
    assert not tasks._running
    assert len(gc.get_objects()) - before < 5000  # a dozen rounds: nothing piles up
