"""The window, driven as a user would (pytest-qt, offscreen): every edit lands in the store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from daybrief.core.demo import next_working_day
from daybrief.services.edits import Edits
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.services.rules import FIRST_RUN_SETTING
from daybrief.store import Store, UserData, open_store
from daybrief.ui.dialogs import SettingsDialog, TemplatesDialog
from daybrief.ui.main_window import MainWindow
from daybrief.ui.models import ROW_ROLE, AgendaModel
from daybrief.ui.tasks import Job, Progress, start

# Monday 9 March 2026, 18:00 in Berlin: the evening routine, so the window opens on Tuesday.
EVENING = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
ME = "me@agency.example"
CALENDAR = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//window//EN
BEGIN:VEVENT
UID:qbr@test
DTSTART;TZID=Europe/Berlin:20260310T100000
DTEND;TZID=Europe/Berlin:20260310T113000
SUMMARY:Acme QBR
LOCATION:https://meet.example/acme
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:jo@acme.com
END:VEVENT
BEGIN:VEVENT
UID:renewal@test
DTSTART;TZID=Europe/Berlin:20260310T110000
DTEND;TZID=Europe/Berlin:20260310T120000
SUMMARY:Globex renewal
ORGANIZER:mailto:pat@globex.com
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ME}
END:VEVENT
BEGIN:VEVENT
UID:broken@test
DTSTART:2026031X
SUMMARY:Broken
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(addresses=(ME,), zone_name="Europe/Berlin"))
        yield opened


@pytest.fixture
def window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    shown = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _import(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "work.ics"
    path.write_text(CALENDAR, encoding="utf-8")
    job = window.import_files([str(path)])
    assert job is not None
    # Waiting on the job's signal could miss one sent before the wait began.
    qtbot.waitUntil(lambda: window.job is None, timeout=20000)
    assert window.last_outcome is not None


def problem_states(store: Store) -> dict[str, str]:
    return {ack.problem_key: ack.state.value for ack in UserData.of(store).acks.all()}


def _row_titles(window: MainWindow) -> list[str]:
    model = window.agenda_model
    return [model.index(r, AgendaModel.TITLE).data() for r in range(model.rowCount())]


def test_first_start_offers_the_demo_and_it_shows_tomorrows_problems(window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.empty
    assert not window.next_action.isEnabled()
    window.empty.demo_button.click()
    assert window.pages.currentIndex() == 1
    assert window.day == date(2026, 3, 10)
    model = window.agenda_model
    statuses = [model.index(r, AgendaModel.STATUS).data() for r in range(model.rowCount())]
    assert "Double-booked" in " ".join(statuses) and "Unconfirmed" in " ".join(statuses)
    marked = [r for r, text in enumerate(statuses) if "Double-booked" in text]
    for row in marked:  # never colour alone: text and icon come with the background
        index = model.index(row, AgendaModel.STATUS)
        assert index.data(Qt.ItemDataRole.DecorationRole) is not None
        assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "Tomorrow" in window.day_title.text()
    assert window.tabs.tabText(3).startswith("Hygiene (")


def test_import_runs_on_a_worker_and_reports_skipped_events(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _import(qtbot, window, tmp_path)
    assert _row_titles(window) == ["Acme QBR", "Globex renewal"]
    assert window.last_outcome is not None
    warnings = window.last_outcome.warnings
    assert any(w.uid == "broken@test" and w.line for w in warnings)
    report = window.report_dialog
    assert report.isVisible()
    table_text = [
        report.table.model().index(r, 3).data() for r in range(report.table.model().rowCount())
    ]
    assert any("DTSTART" in text for text in table_text)
    assert not window.progress.isVisible()


def test_navigation_moves_through_days_and_the_week(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _import(qtbot, window, tmp_path)
    window.next_action.trigger()
    assert window.day == date(2026, 3, 11) and _row_titles(window) == []
    assert "no meetings" in window.day_title.text()
    window.prev_action.trigger()
    assert _row_titles(window) == ["Acme QBR", "Globex renewal"]
    week = window.week_model
    assert week.rowCount() == 7 and week.day_at(0).day == date(2026, 3, 9)
    assert week.index(1, 4).data() == "1 double-booked"
    window._week_open(week.index(0, 0))
    assert window.day == date(2026, 3, 9)
    window.go_today()
    assert window.day == date(2026, 3, 9)


def test_checklist_follow_ups_and_notes_save_at_once(
    qtbot, window: MainWindow, store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # Without starter templates: this test is about editing by hand.
    UserData.of(store).settings.set(FIRST_RUN_SETTING, True)
    _import(qtbot, window, tmp_path)
    window.agenda.selectRow(0)
    detail = window.detail
    assert detail.row is not None and detail.row.key == "qbr@test"
    detail.new_item_required.setChecked(True)
    qtbot.keyClicks(detail.new_item, "Deck ready")
    qtbot.keyClick(detail.new_item, Qt.Key.Key_Return)
    qtbot.keyClicks(detail.new_item, "Agenda sent")
    qtbot.keyClick(detail.new_item, Qt.Key.Key_Return)
    data = UserData.of(store)
    items = data.checklists.items("qbr@test")
    assert [(i.text, i.required, i.done) for i in items] == [
        ("Deck ready", True, False),
        ("Agenda sent", True, False),
    ]
    # The agenda shows the progress, and the selection stays on the meeting.
    assert window.agenda_model.index(0, AgendaModel.CHECKLIST).data() == "0/2 · 2 required open"
    assert window.detail.row is not None and window.detail.row.key == "qbr@test"
    model = detail.checklist_model
    model.setData(model.index(0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert data.checklists.items("qbr@test")[0].done
    detail.checklist.setCurrentIndex(detail.checklist_model.index(1))
    detail.item_up.click()
    assert [i.text for i in data.checklists.items("qbr@test")] == ["Agenda sent", "Deck ready"]
    detail.checklist.setCurrentIndex(detail.checklist_model.index(0))
    detail.checklist.setFocus()
    qtbot.keyClick(detail.checklist, Qt.Key.Key_Delete)
    assert [i.text for i in data.checklists.items("qbr@test")] == ["Deck ready"]

    qtbot.keyClicks(detail.new_follow_up, "Send the usage report")
    qtbot.keyClick(detail.new_follow_up, Qt.Key.Key_Return)
    # Enter without a due date asks when (the choices pop up) instead of saving a guess.
    assert [f for f in data.follow_ups.all() if f.meeting_key == "qbr@test"] == []
    menu = detail.due_picks.menu()
    assert menu.isVisible()
    tomorrow = next(a for a in menu.actions() if a.text() == "Tomorrow")
    tomorrow.trigger()
    follow_ups = [f for f in data.follow_ups.all() if f.meeting_key == "qbr@test"]
    assert [(f.text, f.due_date) for f in follow_ups] == [
        ("Send the usage report", date(2026, 3, 11))
    ]

    detail.notes.setPlainText("Ask about the SSO roll-out")
    window.agenda.selectRow(1)  # moving away flushes the note at once
    note = data.notes.get("qbr@test")
    assert note is not None and note.text == "Ask about the SSO roll-out"
    snapshot = data.meetings.get("qbr@test")
    assert snapshot is not None and snapshot.summary == "Acme QBR"


def test_hygiene_actions_are_remembered(
    qtbot, window: MainWindow, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _import(qtbot, window, tmp_path)
    model = window.hygiene_model
    kinds = [item.kind for item in model.items()]
    # The review model's problems: the clash, the unanswered invitation and the two
    # meetings whose starter-template items are open.
    assert sorted(kinds) == ["double-booking", "open-items", "open-items", "unconfirmed"]
    assert model.open_count() == 4 and window.tabs.tabText(3) == "Hygiene (4)"
    clash, unanswered = kinds.index("double-booking"), kinds.index("unconfirmed")
    window.select_problem(clash)
    first = model.items()[clash]
    window.handled.click()
    assert problem_states(store) == {first.problem_key: "handled"}
    assert window.tabs.tabText(3) == "Hygiene (3)"
    handled_row = next(r for r, item in enumerate(model.items()) if item.state == "handled")
    assert model.index_of(handled_row).siblingAtColumn(4).data() == "Handled"
    window.select_problem(handled_row)
    window.reopen.click()
    assert problem_states(store) == {}

    kinds = [item.kind for item in model.items()]
    clash, unanswered = kinds.index("double-booking"), kinds.index("unconfirmed")
    window.select_problem(unanswered)
    window._draft_copy()
    text = QGuiApplication.clipboard().text()
    assert "To: pat@globex.com" in text and "Globex renewal" in text
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window._draft_mail()
    assert opened and opened[0].scheme() == "mailto"

    window.select_problem(clash)
    assert window.detail.row is not None and window.detail.row.key == "qbr@test"
    window.select_problem(unanswered)
    assert window.detail.row is not None and window.detail.row.key == "renewal@test"
    window._hygiene_open()
    assert window.tabs.currentIndex() == 1  # the Day tab
    assert window.detail.row is not None and window.detail.row.key == "renewal@test"


def test_clicking_a_link_opens_it_and_nothing_else(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _import(qtbot, window, tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    window._agenda_clicked(window.agenda_model.index(0, AgendaModel.WHERE))
    window._agenda_clicked(window.agenda_model.index(1, AgendaModel.WHERE))
    window._agenda_clicked(window.agenda_model.index(0, AgendaModel.TITLE))
    assert opened == ["https://meet.example/acme"]
    assert window.agenda_model.index(0, AgendaModel.WHERE).data() == "meet.example/acme"


def test_dropping_calendar_files_is_accepted_and_others_are_not(window: MainWindow) -> None:
    def drag(paths: list[str]) -> bool:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
        event = QDragEnterEvent(
            QPoint(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        event.ignore()
        window.dragEnterEvent(event)
        return event.isAccepted()

    assert drag(["/tmp/work.ics", "/tmp/photo.jpg"])
    assert not drag(["/tmp/photo.jpg"])
    assert drag(["/tmp/EXPORT.ICS"])


def test_settings_dialog_checks_what_it_saves(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog = SettingsDialog(Preferences(), ["sam@agency.example"])
    qtbot.addWidget(dialog)
    assert dialog.addresses.text() == "sam@agency.example"  # the engine's suggestion
    dialog.addresses.setText("sam@agency.example; not-an-address")
    dialog._accept()
    assert warnings == ["Not an email address: not-an-address"]
    assert dialog.result_preferences is None
    dialog.addresses.setText("sam@agency.example, sam@home.example")
    dialog.days[4].setChecked(False)
    dialog.zone.setCurrentIndex(dialog.zone.findData("Asia/Tokyo"))
    dialog.horizon.setValue(7)
    dialog._accept()
    result = dialog.result_preferences
    assert result is not None
    assert result.addresses == ("sam@agency.example", "sam@home.example")
    assert result.working_days == (0, 1, 2, 3)
    assert (result.zone_name, result.hygiene_days) == ("Asia/Tokyo", 7)


def test_templates_dialog_edits_templates_and_rules(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    data = UserData.of(store)
    template = data.templates.create("QBR", [("Deck", True)])
    dialog = TemplatesDialog(Edits(store))
    qtbot.addWidget(dialog)
    assert dialog.templates.currentItem().text() == "QBR"
    qtbot.keyClicks(dialog.new_item, "Usage report")
    qtbot.keyClicks(dialog.new_pattern, "~/Clients/{client}/*usage*")
    qtbot.keyClick(dialog.new_item, Qt.Key.Key_Return)
    items = data.templates.get(template.id).items
    assert [(i.text, i.file_pattern) for i in items] == [
        ("Deck", None),
        ("Usage report", "~/Clients/{client}/*usage*"),
    ]
    assert dialog.items.item(1).text().endswith("file: ~/Clients/{client}/*usage*")
    dialog.rule_value.setText("QBR, quarterly review")
    dialog._add_rule()
    rules = data.rules.all()
    assert [(r.kind.value, r.value, r.template_id) for r in rules] == [
        ("title_keyword", "QBR, quarterly review", template.id)
    ]
    assert dialog.rules.count() == 1
    dialog.rules.setCurrentRow(0)
    dialog._remove_rule()
    assert data.rules.all() == []


def test_jobs_report_progress_and_cancel(qtbot) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()

    def work(progress: Progress) -> str:
        progress(1, 3, "first")
        gate.wait(5)
        progress(2, 3, "second")  # raises: cancelled meanwhile
        return "finished"

    job = Job(work)
    steps: list[str] = []
    job.signals.progress.connect(lambda _d, _t, message: steps.append(message))
    with qtbot.waitSignal(job.signals.cancelled, timeout=5000):
        start(job)
        qtbot.waitUntil(lambda: steps == ["first"])
        job.progress.cancel()
        gate.set()
    assert steps == ["first"]

    done = Job(lambda progress: 42)
    with qtbot.waitSignal(done.signals.finished, timeout=5000) as blocker:
        start(done)
    assert blocker.args == [42]


def test_agenda_rows_carry_their_data_for_the_detail(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _import(qtbot, window, tmp_path)
    row = window.agenda_model.index(1, 0).data(ROW_ROLE)
    assert row.unconfirmed is not None and row.unconfirmed.reason == "needs-action"
    window.agenda.selectRow(1)
    assert "Globex renewal" in window.detail.title.text()
    assert "you have not answered" in window.detail.problems.text()
    # Plain text: calendar text is never read as markup in the header.
    assert window.detail.title.textFormat() == Qt.TextFormat.PlainText


def test_removing_the_demo_removes_everything_made_on_it(window: MainWindow, store: Store) -> None:
    window.load_demo()
    assert window.demo_banner.isVisible()
    UserData.of(store).notes.set("demo-qbr", "tried a note on the demo")
    demo_day = next_working_day(window.today())
    assert UserData.of(store).follow_ups.all() and UserData.of(store).goals.for_day(demo_day)
    window.remove_demo_button.click()
    assert window.pages.currentWidget() is window.empty
    data = UserData.of(store)
    assert data.notes.get("demo-qbr") is None
    assert data.follow_ups.all() == [] and data.clients.all() == []
    assert data.goals.for_day(demo_day) == []
    # Nothing of the demo lingers as "no longer in your calendar" either.
    assert [i for i in window.service.hygiene(date(2026, 3, 9)) if i.kind == "gone"] == []


def test_calendars_dialog_lists_and_removes_sources(
    qtbot, window: MainWindow, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from daybrief.ui.dialogs import CalendarsDialog

    _import(qtbot, window, tmp_path)
    dialog = CalendarsDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text().endswith("work.ics")
    assert dialog.table.item(0, 2).text() == "2"
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    dialog.table.selectRow(0)
    dialog._remove()
    assert dialog.table.rowCount() == 0
    window.refresh()
    assert window.pages.currentWidget() is window.empty


def test_an_import_applies_the_starter_templates_once(
    qtbot, window: MainWindow, store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _import(qtbot, window, tmp_path)
    qbr = [item.text for item in UserData.of(store).checklists.items("qbr@test")]
    assert "Deck ready" in qbr and "Usage report" in qbr  # the QBR template, by its title
    assert window.last_outcome is not None
    assert any("applied templates" in line for line in window.last_outcome.summaries())
    (tmp_path / "work.ics").write_text(CALENDAR.replace("Globex renewal", "Globex"), "utf-8")
    job = window.import_files([str(tmp_path / "work.ics")])
    assert job is not None
    qtbot.waitUntil(lambda: window.job is None, timeout=20000)
    assert [i.text for i in UserData.of(store).checklists.items("qbr@test")] == qbr


def test_an_item_tied_to_a_file_says_missing_then_ticks_itself(
    qtbot, window: MainWindow, store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    UserData.of(store).settings.set(FIRST_RUN_SETTING, True)
    _import(qtbot, window, tmp_path)
    folder = tmp_path / "Clients" / "Acme"
    folder.mkdir(parents=True)
    data = UserData.of(store)
    data.clients.ensure_for_domain("acme.com", "Acme")
    item = data.checklists.add("qbr@test", "Deck", required=True)
    data.checklists.edit(item.id, file_pattern=str(tmp_path / "Clients" / "{client}" / "*QBR*"))
    window.agenda.selectRow(0)
    model = window.detail.checklist_model
    assert model.index(0).data() == "Deck  (required) — deck missing"
    (folder / "Acme QBR Q1.pptx").write_bytes(b"slides")
    window.refresh()
    assert model.index(0).data() == "Deck  (required) — found Acme QBR Q1.pptx"
    assert data.checklists.get(item.id).done


def test_the_welcome_asks_who_i_am_and_keeps_the_answer(
    qtbot, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from daybrief.services.preferences import load_preferences, stored_preferences
    from daybrief.ui.dialogs import WelcomeDialog

    save_preferences(store, Preferences(zone_name="Europe/Berlin"))  # a first start
    window.load_demo()  # shown behind the welcome, with its made-up Sam as "me"
    opened: list[bool] = []
    monkeypatch.setattr(MainWindow, "choose_files", lambda self: opened.append(True))
    dialog = window.welcome()
    assert dialog.addresses.text() == ""  # not the demo's made-up Sam
    dialog.addresses.setText("jo@agency.example")
    dialog.days[5].setChecked(True)  # works Saturdays
    open_button = next(b for b in dialog.buttons.buttons() if b.text().startswith("Open my"))
    open_button.click()
    assert dialog.next_step == WelcomeDialog.OPEN
    qtbot.waitUntil(lambda: bool(opened))
    saved = stored_preferences(store)
    assert saved.addresses == ("jo@agency.example",)
    assert saved.working_days == (0, 1, 2, 3, 4, 5)
    # Kept for the user's own calendar: the demo is still shown as its own user sees it.
    shown = load_preferences(store)
    assert shown.addresses == ("sam.rivera@brightpath.example",)
    assert shown.working_days == (0, 1, 2, 3, 4)


def test_a_welcome_left_without_addresses_keeps_the_known_ones(
    qtbot, window: MainWindow, store: Store
) -> None:  # type: ignore[no-untyped-def]
    from daybrief.services.preferences import load_preferences

    dialog = window.welcome()
    assert dialog.addresses.text() == ME
    demo = next(b for b in dialog.buttons.buttons() if b.text() == "Explore the demo")
    demo.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert load_preferences(store).addresses == (ME,)


def test_a_calendar_change_reaches_the_hygiene_panel_and_the_week(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _import(qtbot, window, tmp_path)
    assert window.hygiene_model.open_count() == 4
    window.tabs.setTabText(3, "stale")  # recomputed below, or the test fails
    moved = CALENDAR.replace(
        "DTSTART;TZID=Europe/Berlin:20260310T110000", "DTSTART;TZID=Europe/Berlin:20260310T130000"
    )
    moved = moved.replace(
        "DTEND;TZID=Europe/Berlin:20260310T120000", "DTEND;TZID=Europe/Berlin:20260310T140000"
    )
    (tmp_path / "work.ics").write_text(moved, encoding="utf-8")
    window.import_files([str(tmp_path / "work.ics")])
    qtbot.waitUntil(lambda: window.job is None, timeout=20000)
    assert window.hygiene_model.open_count() == 3  # no double-booking any more
    assert window.tabs.tabText(3) == "Hygiene (3)"
    assert window.week_model.index(1, 4).data() == ""


def test_importing_your_calendar_removes_the_demo_and_says_so(
    qtbot, window: MainWindow, store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window.load_demo()
    assert window.demo_banner.isVisible()
    _import(qtbot, window, tmp_path)
    assert window.last_outcome is not None and window.last_outcome.demo_removed is not None
    assert not window.demo_banner.isVisible()
    assert "demo calendar was removed" in window.statusBar().currentMessage()
    assert any("demo calendar was removed" in line for line in window.last_outcome.summaries())
    # Only the real calendar's meetings are left; nothing of the demo's data.
    assert all(not row.key or not row.key.startswith("demo-") for row in window.agenda_model.rows())
    assert UserData.of(store).follow_ups.all() == []
