"""Starting the desktop app: one instance per store, the store, the window, the tray."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from daybrief.core.gcpause import keep_bulk_results_out_of_collection
from daybrief.paths import app_icon_path
from daybrief.services.agenda import AgendaService
from daybrief.services.answers import AnswerOutcome
from daybrief.services.appearance import theme_mode
from daybrief.services.demo import first_run, has_demo
from daybrief.services.preferences import Preferences
from daybrief.services.queries import has_calendars
from daybrief.services.reminders import Reminder, ReminderService
from daybrief.services.storage import StoreError, StoreLocked, open_store, store_path
from daybrief.ui.answering import Answerer, DailyBriefingMailer
from daybrief.ui.main_window import MainWindow
from daybrief.ui.single_instance import InstanceServer, hand_over, server_name
from daybrief.ui.theme import apply as apply_theme
from daybrief.ui.tray import TrayController

GIL_SWITCH_SECONDS = 0.001
"""How long a worker may keep the interpreter while the UI thread waits (Python's default
is 5 ms). Each Python call Qt makes (a paint, a model's data) waits that long for a busy
worker: the window's first show made dozens, and stalled 190 ms behind one worker."""


def responsive_interpreter() -> None:
    """The interpreter set for a window that works beside busy workers (the app, the
    window benchmark)."""
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    keep_bulk_results_out_of_collection()


def run_window(
    files: Sequence[str] = (), data_dir: str | None = None, *, demo: bool = False
) -> int:
    """Open the window (importing ``files``); returns the process exit code."""
    responsive_interpreter()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Daybrief")
    app.setOrganizationName("Daybrief")
    # Wayland matches the window to its .desktop entry (and icon) by this name.
    app.setDesktopFileName("app.daybrief.Daybrief")
    app.setWindowIcon(QIcon(str(app_icon_path())))
    path = store_path(data_dir)
    name = server_name(path)
    absolute = [str(Path(f).resolve()) for f in files]
    if hand_over(name, absolute):
        return 0  # the running Daybrief imports them and comes to the front
    server = InstanceServer(name)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        store = open_store(path, instance_lock=True)
    except StoreLocked:
        QMessageBox.information(None, "Daybrief", "Daybrief is already running.")
        return 1
    except (OSError, StoreError) as error:
        QMessageBox.critical(None, "Daybrief", f"Cannot open your data at {path}:\n{error}")
        return 2
    with store:
        apply_theme(theme_mode(store))
        window = MainWindow(store, path, fill_in_background=True)
        # The very first start shows the demo rather than an empty window; the demo is made
        # again for today on every start, so its "tomorrow" stays tomorrow.
        first = first_run(store)
        if demo or has_demo(store, path.parent) or (first and not has_calendars(store)):
            window.load_demo()
        tray = connect_tray(window)
        server.arguments_received.connect(lambda arguments: _handed(window, arguments))
        if sys.platform == "darwin":
            # macOS hands double-clicked files over as events. Only there: an application-wide
            # Python filter costs every event of every widget a call into Python.
            app.installEventFilter(FileOpenFilter(window))
        window.show()
        if absolute:
            window.import_files(absolute)
        else:
            window.reimport_files()
        start_tray(window, tray)
        connect_mail(window)
        if first:
            QTimer.singleShot(0, window.welcome)
        code = app.exec()
        tray.hide()
        server.close()
        return code


class FileOpenFilter(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            _handed(self._window, [event.file()])
            return True
        return super().eventFilter(watched, event)


def _handed(window: MainWindow, arguments: list[str]) -> None:
    window.raise_window()
    if arguments:
        window.import_files(arguments)


def problems_next_working_day(window: MainWindow) -> int:
    """The tray's badge: the review period's open problems, as ``daybrief problems`` counts."""
    return window.service.review_ahead().open_count()


def _problems_ahead(service: ReminderService) -> int:
    return service.agenda.review_ahead().open_count()


@contextmanager
def _reminders_on_own_store(
    path: Path, preferences: Preferences, clock: Callable[[], datetime], agenda: AgendaService
) -> Iterator[ReminderService]:
    """Entered on a worker: its own connection, and a copy of what the window worked out."""
    with open_store(path) as store:
        agenda.store = store
        yield ReminderService(store, preferences, clock, agenda=agenda)


def connect_tray(window: MainWindow, *, use_tray: bool | None = None) -> TrayController:
    """The tray and its reminders, wired to the window (or the window's bar without a tray).

    With a window that fills in the background (the app), reminders are planned on
    workers too.
    """

    def on_worker() -> AbstractContextManager[ReminderService]:
        return _reminders_on_own_store(
            window.store_file, window.preferences, window.clock, window.service.twin(window.store)
        )

    tray = TrayController(
        # The window's agenda service: what it has worked out is the tray's too.
        lambda: ReminderService(
            window.store, window.preferences, window.clock, agenda=window.service
        ),
        _problems_ahead,
        use_tray=use_tray,
        parent=window,
        reminders_on_worker=on_worker if window.fill_in_background else None,
    )
    tray.planning_failed.connect(lambda message: window.statusBar().showMessage(message, 15000))
    window.keep_in_tray = tray.available
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setQuitOnLastWindowClosed(not tray.available)
    tray.open_window.connect(window.raise_window)
    tray.open_briefing.connect(window.show_briefing)
    tray.open_review.connect(window.show_review)
    tray.open_meeting.connect(window.show_meeting)
    tray.export_briefing.connect(window.export_briefing)
    tray.quit_requested.connect(lambda: _quit(window))
    window.refreshed.connect(tray.replan)

    def show_in_window(reminder: object) -> None:
        if not tray.available or window.isVisible():
            window.reminder_bar.show_reminder(reminder, reminder.title, reminder.message)  # type: ignore[attr-defined]

    tray.reminder_shown.connect(show_in_window)
    window.reminder_bar.open_requested.connect(tray.open_reminder)

    def snooze_from_bar(reminder: Reminder, minutes: int) -> None:
        tray.last_reminder = reminder
        tray.snooze(minutes)

    window.reminder_bar.snooze_requested.connect(snooze_from_bar)
    answerer = Answerer(lambda: window.store_file, window.clock, lambda: window.credentials, tray)
    tray.answer_requested.connect(answerer.answer_key)

    def answer_from_bar(reminder: Reminder, partstat: str) -> None:
        if reminder.meeting_key is not None:
            window.reminder_bar.hide()
            answerer.answer_key(reminder.meeting_key, partstat)

    def answered(outcome: AnswerOutcome) -> None:
        window.refresh()
        window.statusBar().showMessage(outcome.message, 15000)
        if tray.icon is not None and not window.isVisible():
            tray.icon.showMessage("Daybrief", outcome.message)

    window.reminder_bar.answer_requested.connect(answer_from_bar)
    answerer.done.connect(answered)
    tray.answerer = answerer  # type: ignore[attr-defined]
    window.tray = tray
    return tray


def start_tray(window: MainWindow, tray: TrayController) -> None:
    """Reminders start once the window is filled: planning them before means working out
    the days ahead twice, on two workers at once, while the window first shows."""
    if window.filled:
        tray.start()
    else:
        window.loaded.connect(tray.start, Qt.ConnectionType.SingleShotConnection)


def connect_mail(window: MainWindow) -> DailyBriefingMailer:
    """ "Email me the briefing every working day at <time>", while the app runs."""
    mailer = DailyBriefingMailer(
        lambda: window.store_file, window.clock, lambda: window.credentials, window
    )
    mailer.sent.connect(lambda message: window.statusBar().showMessage(message, 15000))
    mailer.start()
    return mailer


def _quit(window: MainWindow) -> None:
    window.quitting = True
    window.close()
    QApplication.quit()
