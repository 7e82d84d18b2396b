"""The main window: a day's agenda, the week, the hygiene panel and the meeting detail."""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from daybrief.core.confirmation import identity
from daybrief.services.agenda import (
    AgendaRow,
    AgendaService,
    FoundMeeting,
    HygieneItem,
    search_meetings,
)
from daybrief.services.appearance import set_theme_mode, theme_mode
from daybrief.services.clients import AHEAD_DAYS, client_directory
from daybrief.services.commands import DEMO_REMOVED, apply_template_rules, suggested_identity
from daybrief.services.credentials import CredentialStore, KeyringStore, SessionCredentials
from daybrief.services.demo import has_demo, load_demo, needs_identity, remove_demo
from daybrief.services.edits import Edits
from daybrief.services.followups import NextMeeting, next_meeting_with, sync_anchored_due_dates
from daybrief.services.jobs import (
    ImportOutcome,
    RefreshOutcome,
    SubscribeOutcome,
    import_paths,
    refresh_and_apply,
    subscribe_and_apply,
)
from daybrief.services.preferences import (
    load_preferences,
    save_preferences,
    stored_preferences,
    zone_label,
)
from daybrief.services.queries import has_calendars, occurrences_in_store
from daybrief.services.reminders import planned_days
from daybrief.services.review import (
    Draft,
    ProblemKind,
    ProblemState,
    draft_mailto,
    draft_text,
    drafts,
    set_problem_state,
)
from daybrief.services.storage import Store, StoreError, open_store, utc_now
from daybrief.services.task_sync import (
    SyncOutcome,
    disconnect_task_list,
    is_connected,
    task_list_status,
)
from daybrief.ui import plain
from daybrief.ui.about import AboutDialog
from daybrief.ui.answering import MailSettingsDialog
from daybrief.ui.briefing_page import EXPORTS, BriefingPage
from daybrief.ui.detail import MeetingDetail
from daybrief.ui.dialogs import (
    CalendarsDialog,
    ImportReportDialog,
    SettingsDialog,
    SubscribeDialog,
    TemplatesDialog,
    WelcomeDialog,
)
from daybrief.ui.models import LINK_ROLE, AgendaModel, HygieneModel, WeekModel
from daybrief.ui.people_pages import ClientsPage, FollowUpsPage
from daybrief.ui.review_page import ReviewPage
from daybrief.ui.task_sync import TaskListConnector, TaskSyncRunner
from daybrief.ui.tasks import Job, Progress, run_in_background, start
from daybrief.ui.theme import apply as apply_theme
from daybrief.ui.theme import css, tone
from daybrief.ui.timegrid import TimeGridView, week_days
from daybrief.ui.widgets import EmptyState, ReminderBar

CALENDAR_SUFFIXES = (".ics", ".ical", ".ifb", ".icalendar")
LOADING = "Loading your calendars…"
AFTER_PAINT_MS = 40
HYGIENE_ALL_OPEN = 200
"""Up to this many problems ahead, every day of the Hygiene page starts open."""
TAB_BRIEFING, TAB_DAY, TAB_WEEK, TAB_HYGIENE, TAB_CLIENTS, TAB_FOLLOW_UPS, TAB_REVIEW = range(7)


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(True)
    view.setAlternatingRowColors(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _problem_tree(model: HygieneModel) -> QTreeView:
    """The Hygiene page's view: days you open and close, their problems beneath.

    Its columns are sized from the font, never from the rows (thousands on a big store).
    """
    view = QTreeView()
    view.setModel(model)
    view.setUniformRowHeights(True)  # no row measured to lay out the tree
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAllColumnsShowFocus(True)
    view.setAccessibleName("Problems ahead, by day")
    header = view.header()
    header.setStretchLastSection(False)
    metrics = view.fontMetrics()
    icon = view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    widths = {
        # The label, its icon and the indent under its day, with the style's margins.
        0: max(metrics.horizontalAdvance(label) for label in model.KIND_LABEL.values())
        + icon + view.indentation() + 44,
        1: metrics.horizontalAdvance("00:00") + 24,
        4: max(metrics.horizontalAdvance(word) for word in ("Handled", "Ignored", "State")) + 24,
    }  # fmt: skip
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    return view


SIZED_FROM_TEXT = (AgendaModel.STATUS, AgendaModel.TIME, AgendaModel.CHECKLIST)
AGENDA_ANSWERS_FROM, AGENDA_WHERE_FROM = 820, 680
"""The Day list's widths (px) from which the answers and the place are shown."""
"""The Day list's columns as wide as their text (the title takes the rest)."""


class MainWindow(QMainWindow):
    refreshed = Signal()
    """After every reload from the store: the tray re-plans reminders and its badge."""
    loaded = Signal()
    """The first fill after start (with ``fill_in_background``, once the calendars were
    prepared on a worker; else before the window is made, so only :attr:`filled` tells)."""

    def __init__(
        self,
        store: Store,
        store_file: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        demo_folder: Path | None = None,
        credentials: CredentialStore | None = None,
        fill_in_background: bool = False,
    ) -> None:
        """``fill_in_background``: on a store with calendars, paint at once and fill the
        window in from a worker, and from then on work out on a worker whatever a refresh
        needs that is not kept (:meth:`_fill_later`; the app does); else every refresh
        fills the window before it returns."""
        super().__init__()
        self.credentials: CredentialStore = credentials or KeyringStore()
        self.last_refresh: RefreshOutcome | None = None
        self._subscribing: dict[str, str | None] = {}
        self.store = store
        self.store_file = store_file
        self.clock = clock
        self.demo_folder = demo_folder or store_file.parent
        self.data = Edits(store)
        self.preferences = load_preferences(store)
        self.service = AgendaService(store, self.preferences, clock)
        self.day = self.preferences.opening_day(clock())
        self.job: Job | None = None
        self.last_outcome: ImportOutcome | None = None
        self.quiet_import = False
        self.keep_in_tray = False
        self.fill_in_background = fill_in_background
        self._filling = 0  # which fill on a worker the window waits for (a later one wins)
        self.filled = False
        self._select_problem_after_fill: int | None = None
        """Whether the window was filled once (``loaded`` was emitted)."""
        """Set by the app when a tray icon exists: closing then hides the window."""
        self.quitting = False
        self.tray: object | None = None
        self._find_text = ""
        self._prepared: AgendaService | None = None
        """Worked out by the job that just finished, for :meth:`calendars_changed`."""
        self.setWindowTitle("Daybrief")
        self.resize(1280, 800)
        self.setAcceptDrops(True)

        self.agenda_model = AgendaModel(self)
        self.agenda = _table(self.agenda_model)
        self.agenda.selectionModel().currentRowChanged.connect(self._agenda_selected)
        self.agenda.clicked.connect(self._agenda_clicked)
        header = self.agenda.horizontalHeader()
        header.setSectionResizeMode(AgendaModel.TITLE, QHeaderView.ResizeMode.Stretch)
        for column in SIZED_FROM_TEXT:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.agenda.installEventFilter(self)  # its width decides which columns fit
        self.day_title = QLabel()
        self.day_title.setTextFormat(Qt.TextFormat.RichText)
        self.day_title.setWordWrap(True)
        # The day as a time grid, and the table as the compact alternative (View > List).
        self.day_grid = TimeGridView()
        self.day_grid.grid.opened.connect(self._grid_opened)
        self.day_grid.grid.current_changed.connect(self._grid_current)
        self.day_views = QStackedWidget()
        self.day_views.addWidget(self.day_grid)
        self.day_views.addWidget(self.agenda)
        self.list_toggle = QToolButton(text="List", checkable=True)
        self.list_toggle.setToolTip("Show the day and the week as lists instead of a time grid")
        self.list_toggle.toggled.connect(self.show_as_list)
        day_page = QWidget()
        day_layout = QVBoxLayout(day_page)
        day_heading = QHBoxLayout()
        day_heading.addWidget(self.day_title, 1)
        day_heading.addWidget(self.list_toggle, 0, Qt.AlignmentFlag.AlignTop)
        day_layout.addLayout(day_heading)
        day_layout.addWidget(self.day_views)

        self.week_model = WeekModel(self)
        self.week_table = _table(self.week_model)
        self.week_table.doubleClicked.connect(self._week_open)
        self.week_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.week_grid = TimeGridView()
        self.week_grid.grid.opened.connect(self._week_grid_opened)
        self.week = QStackedWidget()
        self.week.addWidget(self.week_grid)
        self.week.addWidget(self.week_table)

        self.hygiene_model = HygieneModel(self)
        self.hygiene = _problem_tree(self.hygiene_model)
        self.hygiene.doubleClicked.connect(
            lambda index: self._hygiene_open() if index.parent().isValid() else None
        )
        self.hygiene.selectionModel().currentRowChanged.connect(self._hygiene_selected)
        hygiene_page = QWidget()
        hygiene_layout = QVBoxLayout(hygiene_page)
        self.hygiene_title = QLabel(wordWrap=True)
        hygiene_layout.addWidget(self.hygiene_title)
        hygiene_layout.addWidget(self.hygiene)
        actions = QHBoxLayout()
        self.open_problem = QPushButton("Open meeting")
        self.handled = QPushButton("Handled")
        self.ignore = QPushButton("Ignore this one")
        self.reopen = QPushButton("Reopen")
        self.draft = QToolButton(text="Draft a message")
        self.draft.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        draft_menu = QMenu(self.draft)
        draft_menu.addAction("Copy to clipboard", self._draft_copy)
        draft_menu.addAction("Open in my mail app", self._draft_mail)
        self.draft.setMenu(draft_menu)
        self.open_problem.clicked.connect(self._hygiene_open)
        self.handled.clicked.connect(partial(self._hygiene_mark, "handled"))
        self.ignore.clicked.connect(partial(self._hygiene_mark, "ignored"))
        self.reopen.clicked.connect(partial(self._hygiene_mark, "open"))
        for widget in (self.open_problem, self.handled, self.ignore, self.reopen, self.draft):
            actions.addWidget(widget)
        actions.addStretch(1)
        hygiene_layout.addLayout(actions)

        self.briefing = BriefingPage(
            store, clock, store_file=store_file if fill_in_background else None
        )
        self.briefing.open_meeting.connect(lambda key, day: self.show_meeting(key, day))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.briefing, "Briefing")
        self.tabs.addTab(day_page, "Day")
        self.tabs.addTab(self.week, "Week")
        self.tabs.addTab(hygiene_page, "Hygiene")
        self.clients_page = ClientsPage(store)
        self.clients_page.changed.connect(lambda: self.refresh())
        self.tabs.addTab(self.clients_page, "Clients")
        self.follow_ups_page = FollowUpsPage(store, self.today)
        self.follow_ups_page.changed.connect(lambda: self.refresh())
        self.tabs.addTab(self.follow_ups_page, "Follow-ups")
        self.review_page = ReviewPage(
            store,
            clock,
            lambda: self.preferences,
            credentials=lambda: self.credentials,
            review_of=lambda: self.service.review_ahead(),
        )
        self.review_page.open_meeting.connect(lambda key, day: self.show_meeting(key, day))
        self.review_page.changed.connect(lambda: self.refresh())
        self.review_page.done_for_today.connect(self._done_for_today)
        self.tabs.addTab(self.review_page, "Review")
        self.tabs.setCurrentIndex(TAB_BRIEFING)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._shown_tab = TAB_BRIEFING

        self.detail = MeetingDetail(self.data, clock)
        self.detail.changed.connect(self._detail_changed)
        self.detail.answer_controls.credentials = lambda: self.credentials
        self.detail.preferences = self.preferences
        self.detail.next_meeting_with = self._next_meeting_with
        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.detail)
        splitter.setSizes([800, 480])

        self.demo_banner = QWidget()
        tone(self.demo_banner, background="info_bg")
        banner = QHBoxLayout(self.demo_banner)
        banner.setContentsMargins(10, 4, 10, 4)
        banner.addWidget(QLabel("You are looking at the <b>demo calendar</b>."))
        banner.addStretch(1)
        open_mine = QPushButton("Open my calendar…")
        open_mine.clicked.connect(self.choose_files)
        self.remove_demo_button = QPushButton("Remove the demo")
        self.remove_demo_button.clicked.connect(self.remove_demo)
        banner.addWidget(open_mine)
        banner.addWidget(self.remove_demo_button)
        working = QWidget()
        working_layout = QVBoxLayout(working)
        working_layout.setContentsMargins(0, 0, 0, 0)
        working_layout.addWidget(self.demo_banner)
        self.reminder_bar = ReminderBar()
        working_layout.addWidget(self.reminder_bar)
        working_layout.addWidget(splitter, 1)

        self.empty = EmptyState()
        self.empty.open_file.connect(self.choose_files)
        self.empty.try_demo.connect(self.load_demo)
        self.empty.subscribe.connect(self.subscribe_address)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(working)
        self.setCentralWidget(self.pages)

        self._build_toolbar()
        self._build_menus()
        self.progress = QProgressBar(maximumWidth=260, visible=False)
        self.cancel_button = QPushButton("Cancel", visible=False)
        self.cancel_button.clicked.connect(self.cancel_job)
        self.problem_summary = QLabel()
        self.statusBar().addWidget(self.problem_summary, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.refresh_timer = QTimer(self, interval=self.preferences.refresh_minutes * 60 * 1000)
        self.refresh_timer.timeout.connect(self._timer_refresh)
        self.refresh_timer.start()
        self.task_sync = TaskSyncRunner(
            store_file, lambda: self.credentials, clock, self.preferences.task_sync_minutes,
            self._task_list_in_use, self,
        )  # fmt: skip
        self.task_sync.synced.connect(self._tasks_synced)
        self.task_connector = TaskListConnector(store_file, lambda: self.credentials, self)
        self.task_connector.connected.connect(self._task_list_connected)
        self.task_connector.failed.connect(
            lambda message: QMessageBox.warning(self, "Connect a task list", message)
        )
        self.follow_ups_page.task_list_action.connect(self._task_list_action)
        self.follow_ups_page.changed.connect(self._follow_ups_edited)
        self.detail.changed.connect(self._follow_ups_edited)
        QTimer.singleShot(0, self._keep_out_of_collection)
        QTimer.singleShot(0, self.task_sync.start)
        self.refresh()

    # --- building ---

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Navigation")
        bar.setMovable(False)
        self.import_action = QAction("Import…", self, shortcut=QKeySequence.StandardKey.Open)
        self.import_action.triggered.connect(self.choose_files)
        self.prev_action = QAction("◀ Previous", self, shortcut=QKeySequence("Alt+Left"))
        self.prev_action.triggered.connect(lambda: self.go_to(self.day - timedelta(days=1)))
        self.today_action = QAction("Today", self, shortcut=QKeySequence("Alt+Home"))
        self.today_action.triggered.connect(self.go_today)
        self.next_action = QAction("Next ▶", self, shortcut=QKeySequence("Alt+Right"))
        self.next_action.triggered.connect(lambda: self.go_to(self.day + timedelta(days=1)))
        self.date_edit = QDateEdit(calendarPopup=True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.dateChanged.connect(self._date_picked)
        self.settings_action = QAction("Settings…", self, shortcut=QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.edit_settings)
        self.calendars_action = QAction("Calendars…", self)
        self.calendars_action.triggered.connect(self.edit_calendars)
        self.templates_action = QAction("Templates…", self)
        self.templates_action.triggered.connect(self.edit_templates)
        bar.addAction(self.import_action)
        bar.addSeparator()
        bar.addAction(self.prev_action)
        bar.addAction(self.today_action)
        bar.addAction(self.next_action)
        self.date_action = bar.addWidget(self.date_edit)
        bar.addSeparator()
        bar.addAction(self.calendars_action)
        bar.addAction(self.templates_action)
        bar.addAction(self.settings_action)
        self.mail_action = QAction("Mail…", self)
        self.mail_action.triggered.connect(
            lambda: MailSettingsDialog(self.store, self.credentials, self).exec()
        )
        bar.addAction(self.mail_action)
        self.about_action = QAction("About", self)
        self.about_action.triggered.connect(lambda: AboutDialog(self).exec())
        bar.addAction(self.about_action)

    def _build_menus(self) -> None:
        """Every action in a menu, with the platform's standard keys where there is one."""
        keys = QKeySequence.StandardKey
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.import_action)
        self.subscribe_action = file_menu.addAction("Add a calendar &address…")
        self.subscribe_action.triggered.connect(self.subscribe_address)
        self.refresh_action = QAction("&Refresh calendars", self)
        self.refresh_action.setShortcuts([QKeySequence(keys.Refresh), QKeySequence("Ctrl+R")])
        self.refresh_action.triggered.connect(lambda: self.refresh_sources())
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export the briefing")
        self.export_actions: dict[str, QAction] = {}
        for fmt, label, _suffix in EXPORTS:
            action = export_menu.addAction(label)
            action.triggered.connect(partial(self._export, fmt))
            self.export_actions[fmt] = action
        self.export_actions["pdf"].setShortcuts([QKeySequence("Ctrl+E"), QKeySequence(keys.Print)])
        self.export_actions["html"].setShortcut(QKeySequence("Ctrl+Shift+E"))
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcuts([QKeySequence(keys.Quit), QKeySequence("Ctrl+Q")])
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.quit_app)
        file_menu.addAction(self.quit_action)

        edit_menu = menus.addMenu("&Edit")
        self.find_action = QAction("&Find a meeting…", self, shortcut=keys.Find)
        self.find_action.triggered.connect(self.find_meeting)
        self.find_next_action = QAction("Find &next", self, shortcut=keys.FindNext)
        self.find_next_action.triggered.connect(lambda: self.find_meeting(again=True))
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.find_next_action)
        edit_menu.addSeparator()
        self.settings_action.setShortcuts([QKeySequence(keys.Preferences), QKeySequence("Ctrl+,")])
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        edit_menu.addAction(self.settings_action)
        edit_menu.addAction(self.calendars_action)
        edit_menu.addAction(self.templates_action)

        view_menu = menus.addMenu("&View")
        self.page_actions: list[QAction] = []
        for number in range(self.tabs.count()):
            name = self.tabs.tabText(number).split(" (")[0]
            action = view_menu.addAction(name)
            action.setShortcut(QKeySequence(f"Ctrl+{number + 1}"))
            action.triggered.connect(partial(self.tabs.setCurrentIndex, number))
            self.page_actions.append(action)
        view_menu.addSeparator()
        self.list_action = view_menu.addAction("Show as &list")
        self.list_action.setCheckable(True)
        self.list_action.setShortcut(QKeySequence("Ctrl+L"))
        self.list_action.toggled.connect(self.show_as_list)
        view_menu.addSeparator()
        look = view_menu.addMenu("&Appearance")
        self.theme_actions: dict[str, QAction] = {}
        for mode, label in (("system", "As the system"), ("light", "Light"), ("dark", "Dark")):
            action = look.addAction(label)
            action.setCheckable(True)
            action.setChecked(mode == theme_mode(self.store))
            action.triggered.connect(partial(self._theme_chosen, mode))
            self.theme_actions[mode] = action
        go_menu = menus.addMenu("&Go")
        self.prev_action.setShortcuts([QKeySequence("Alt+Left"), QKeySequence("Ctrl+PgUp")])
        self.next_action.setShortcuts([QKeySequence("Alt+Right"), QKeySequence("Ctrl+PgDown")])
        self.today_action.setShortcuts([QKeySequence("Alt+Home"), QKeySequence("Ctrl+T")])
        for action in (self.prev_action, self.today_action, self.next_action):
            go_menu.addAction(action)
        self.go_date_action = go_menu.addAction("Go to &date…")
        self.go_date_action.setShortcut(QKeySequence("Ctrl+G"))
        self.go_date_action.triggered.connect(self._focus_date)
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _theme_chosen(self, mode: str) -> None:
        for name, action in self.theme_actions.items():
            action.setChecked(name == mode)
        self.set_theme(mode)

    def _export(self, fmt: str) -> None:
        self.tabs.setCurrentIndex(TAB_BRIEFING)
        self.briefing.export(fmt)

    def _focus_date(self) -> None:
        self.date_edit.setFocus()
        self.date_edit.setSelectedSection(QDateEdit.Section.DaySection)

    def quit_app(self) -> None:
        """Quit for real, even with the tray icon keeping the window alive."""
        self.quitting = True
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def find_meeting(self, *, again: bool = False) -> FoundMeeting | None:
        """The next meeting (from the shown day on, a year ahead) whose title, place or
        clients contain the text; again: the one after the shown one. In the app the search
        runs on a worker (None here; the window goes there when found)."""
        if not again or not self._find_text:
            text, ok = QInputDialog.getText(
                self, "Find a meeting", "Title, place or client:", text=self._find_text
            )
            if not ok or not text.strip():
                return None
            self._find_text = text.strip()
            again = False
        shown = self.detail.row
        after = (shown.key, shown.start) if again and shown is not None else None
        text, first, preferences = self._find_text, self.day, self.preferences
        if not self.fill_in_background:
            found = search_meetings(self.store, preferences, text, first, after)
            self._found(text, found)
            return found
        path = self.store_file

        def work() -> FoundMeeting | None:
            with open_store(path) as store:
                return search_meetings(store, preferences, text, first, after)

        self.statusBar().showMessage(f"Looking for “{text}”…")
        run_in_background(
            work,
            lambda found: None if self.store.closed else self._found(text, found),
            lambda message: self.statusBar().showMessage(f"Could not search: {message}", 15000),
        )
        return None

    def _found(self, text: str, found: FoundMeeting | None) -> None:
        if found is None:
            self.statusBar().showMessage(f"No meeting matches “{text}”", 6000)
            return
        self.day = found.day
        if self.tabs.currentIndex() not in (TAB_DAY, TAB_WEEK):
            self.tabs.setCurrentIndex(TAB_DAY)
        self.refresh(select_key=found.key)
        self.statusBar().showMessage(f"Found {found.summary} on {found.day:%a %d %b}", 6000)

    # --- navigation ---

    def today(self) -> date:
        return self.clock().astimezone(self.service.zone).date()

    def go_to(self, day: date) -> None:
        self.day = day
        self.refresh()

    def go_today(self) -> None:
        self.go_to(self.today())

    def _date_picked(self, picked: QDate) -> None:
        day = picked.toPython()
        if isinstance(day, date) and day != self.day:
            self.go_to(day)

    def _week_open(self, index: QModelIndex) -> None:
        self.go_to(self.week_model.day_at(index.row()).day)
        self.tabs.setCurrentIndex(TAB_DAY)

    def _tab_changed(self, index: int) -> None:
        # Leaving the briefing counts as having read it: the next one shows what changed.
        if self._shown_tab == TAB_BRIEFING and index != TAB_BRIEFING:
            self.briefing.mark_seen()
        self._shown_tab = index
        if index == TAB_WEEK:
            also = self._week_shown_days()
            if self.fill_in_background and not self.service.is_prepared(
                self.day, self.today(), also
            ):
                self.refresh()  # seven days' problems: on a worker, then the grid
            else:
                self._show_week_grid()
        if index == TAB_CLIENTS:
            # Two months of meetings: only worked out when the page is looked at.
            self.clients_page.show_clients(self.preferences, self.clock())

    # --- showing ---

    def calendars_changed(self) -> None:
        """Calendars, sources or preferences changed: what was worked out from them is stale."""
        self.preferences = load_preferences(self.store)
        self.detail.preferences = self.preferences
        prepared, self._prepared = self._prepared, None
        if prepared is not None and prepared.preferences == self.preferences:
            prepared.store = self.store  # plain data kept; its queries go to this thread's
            self.service = prepared
        else:
            self.service = AgendaService(self.store, self.preferences, self.clock)
        sync_anchored_due_dates(self.store, self.service.zone)

    def refresh(self, select_key: str | None = None) -> None:
        """Reload every view from the store; keeps the selected meeting when it is still there."""
        if not has_calendars(self.store):
            self.pages.setCurrentWidget(self.empty)
            # Nothing to step through yet: hidden, not a disabled "Sat 1 Jan 2000".
            for action in (self.prev_action, self.next_action, self.today_action):
                action.setEnabled(False)
                action.setVisible(False)
            self.date_action.setVisible(False)
            self._first_fill_done()  # nothing to fill: filled
            return
        self.pages.setCurrentIndex(1)
        self.demo_banner.setVisible(has_demo(self.store, self.demo_folder))
        for action in (self.prev_action, self.next_action, self.today_action):
            action.setEnabled(True)
            action.setVisible(True)
        self.date_action.setVisible(True)
        current = self.detail.row
        select_key = select_key or (current.key if current else None)
        also = self._week_shown_days()
        if self.fill_in_background and not self.service.is_prepared(self.day, self.today(), also):
            self._fill_later(select_key, also)
            return
        self._fill(select_key)

    def _fill(self, select_key: str | None) -> None:
        """Every page from the service; cheap once the service has its reviews worked out."""
        if self.statusBar().currentMessage() == LOADING:
            self.statusBar().clearMessage()
        agenda = self.service.day(self.day)
        self.agenda_model.set_rows(agenda.rows)
        self._size_agenda()
        self.day_grid.set_days([(self.day, agenda.rows)], select_key=select_key, **self._hours())
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self.day))
        self.date_edit.blockSignals(False)
        today = self.today()
        relative = {today: "Today", today + timedelta(days=1): "Tomorrow"}.get(self.day, "")
        counts = []
        if agenda.meetings:
            counts.append(f"{agenda.meetings} meetings")
        if agenda.meetings < len(agenda.rows):
            counts.append(f"{len(agenda.rows) - agenda.meetings} for context")
        doubles = agenda.count(ProblemKind.DOUBLE_BOOKING)
        if doubles:
            counts.append(f"<span style='color:{css('problem')}'>⚠ {doubles} double-booked</span>")
        unconfirmed = agenda.count(ProblemKind.UNCONFIRMED)
        if unconfirmed:
            counts.append(
                f"<span style='color:{css('warning')}'>? {unconfirmed} unconfirmed</span>"
            )
        others = agenda.problem_count - doubles - unconfirmed
        if others:
            counts.append(f"{others} other problem{'s' if others != 1 else ''}")
        if not agenda.meetings:
            counts.insert(0, "no meetings")
        heading = f"{relative} — " if relative else ""
        self.day_title.setText(f"<h2>{heading}{self.day:%A %d %B %Y}</h2>{' · '.join(counts)}")
        day, zone = self.day, self.service.zone
        self._after_paint(lambda: self.briefing.show_day(day, zone))
        self.follow_ups_page.reload(self.preferences)
        if self.tabs.currentIndex() == TAB_CLIENTS:
            preferences, now = self.preferences, self.clock()
            self._after_paint(lambda: self.clients_page.show_clients(preferences, now))
        monday = self.day - timedelta(days=self.day.weekday())
        self.week_model.set_days(self.service.week(monday), today)
        self._week_shown: date | None = None
        if self.tabs.currentIndex() == TAB_WEEK:
            self._show_week_grid()
        self._refresh_hygiene(today)
        self._select(select_key)
        self._after_paint(self.refreshed.emit)  # the tray re-plans on a worker
        self._first_fill_done()
        self._keep_out_of_collection()  # what this fill keeps: the caches and the models

    def _after_paint(self, start: Callable[[], object]) -> None:
        """Start ``start`` (which sets a worker going) once the window has painted what it
        was just given: a worker started at once took the interpreter from the paint's
        Python calls, and handling a problem froze a big store's window for 0.2 s.
        Inline when the window fills itself inline (tests)."""
        if self.fill_in_background:
            QTimer.singleShot(AFTER_PAINT_MS, lambda: None if self.store.closed else start())
        else:
            start()

    def _refresh_hygiene(self, today: date) -> None:
        items = self.service.hygiene(today)
        model = self.hygiene_model
        was = {
            g.key: self.hygiene.isExpanded(model.index(n, 0)) for n, g in enumerate(model.groups())
        }
        model.set_items(items)
        few = len(items) <= HYGIENE_ALL_OPEN
        for number, group in enumerate(model.groups()):
            self.hygiene.setFirstColumnSpanned(number, QModelIndex(), True)
            # Days keep how the user left them; a new day opens when the list is short,
            # or when it is the first (the rest of a long list stay closed, counts shown).
            self.hygiene.setExpanded(model.index(number, 0), was.get(group.key, few or number == 0))
        position, self._select_problem_after_fill = self._select_problem_after_fill, None
        count = len(model.items())
        if position is not None and count:
            self.select_problem(min(position, count - 1))
        open_count = self.hygiene_model.open_count()
        self.tabs.setTabText(TAB_HYGIENE, f"Hygiene ({open_count})" if open_count else "Hygiene")
        days = self.preferences.hygiene_days
        self.hygiene_title.setText(
            f"<b>{open_count} open problem(s)</b> in the next {days} days — double-bookings, "
            "unconfirmed meetings, open items, and meetings that left your calendar"
        )
        # Beneath the status bar's passing messages ("Found …", a failure), not over them:
        # a fill from a worker may come after such a message.
        self.problem_summary.setText(
            f"Next {days} days: {open_count} open problem(s)" if open_count else "No open problems"
        )

    def _select(self, key: str | None) -> None:
        self.day_grid.grid.select_key(key)
        for number, row in enumerate(self.agenda_model.rows()):
            if key is not None and row.key == key:
                self.agenda.selectRow(number)
                self.detail.show_row(row)
                return
        self.detail.show_row(None)

    def _week_shown_days(self) -> list[date]:
        """The days of the week grid when it is looked at (worked out with the rest)."""
        if self.tabs.currentIndex() != TAB_WEEK or self.day_views.currentIndex() != 0:
            return []
        return week_days(self.day - timedelta(days=self.day.weekday()))

    def _fill_later(self, select_key: str | None, also: Sequence[date] = ()) -> None:
        """Work out on a worker what the pages read (the reviews of the day, its week, the
        problems ahead and the review period), then fill them.

        On a big store (100k events) working them out took seconds at start and 0.4 s
        after a refresh or an edit, all of it a frozen window: the window now keeps what
        it shows (at start, "Loading…") until this is ready. A failure is said in the
        status bar and the window then works them out itself.
        """
        self._filling += 1
        generation = self._filling
        path, day, today = self.store_file, self.day, self.today()
        service = self.service.twin(self.store)  # its caches copied now, on this thread
        if not self.filled:
            self.day_title.setText("<h2>Loading your calendars…</h2>")
            self.statusBar().showMessage(LOADING)

        def work() -> AgendaService:
            return prepared_copy(path, service, day, today, also)

        def wanted() -> bool:
            return generation == self._filling and not self.store.closed

        def done(prepared: AgendaService) -> None:
            if not wanted():
                return
            if prepared.preferences != self.preferences or self.day != day:
                self.refresh(select_key)  # changed meanwhile: that fill is already stale
                return
            prepared.store = self.store  # plain data kept; its queries go to this thread's
            self.service = prepared
            self._fill(select_key)
            self._first_fill_done()

        def failed(message: str) -> None:
            if not wanted():
                return
            self._fill(select_key)
            self.statusBar().showMessage(f"Could not prepare the calendars ahead: {message}", 15000)
            self._first_fill_done()

        if not self.filled:
            # The window's first show makes many calls into Python; a worker started before
            # it is on screen slowed each of them (a 0.1 s stall just after the first paint).
            self._after_paint(lambda: run_in_background(work, done, failed))
            return
        run_in_background(work, done, failed)

    def _first_fill_done(self) -> None:
        if not self.filled:
            self.filled = True
            self.loaded.emit()

    def _keep_out_of_collection(self) -> None:
        """What is alive now (Qt's and our modules, the window, and after a fill what the
        pages hold) is kept out of the collector's full passes: they hold the GIL, and a
        worker's pass over a big store's kept problems stalled this thread for 0.2 s.
        Frozen objects are still freed when their last reference goes; only cyclic garbage
        among them stays (``tests/ui/test_window_in_background.py`` finds none after forty
        fills and refreshes). No collection first: that alone took 50 ms. Only in the app
        (``fill_in_background``), not in every window a test makes."""
        if self.fill_in_background:
            gc.freeze()

    def _size_agenda(self) -> None:
        """Row heights from what each row holds (a second line for the organiser's time)
        and column widths from its text, not by Qt measuring every cell:
        resizeRowsToContents took 130 ms on a busy day."""
        header = self.agenda.verticalHeader()
        line = self.agenda.fontMetrics().lineSpacing()
        for number, row in enumerate(self.agenda_model.rows()):
            header.resizeSection(number, line * (2 if row.organiser_time else 1) + 10)
        # The same for the columns sized to their text: measured here, once per line of
        # text, where Qt's "resize to contents" asked every cell for all its data again.
        metrics = self.agenda.fontMetrics()
        icon = self.agenda.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        columns = self.agenda.horizontalHeader()
        for column in SIZED_FROM_TEXT:
            title = str(self.agenda_model.headerData(column, Qt.Orientation.Horizontal))
            texts = {
                title,
                *(self.agenda_model.display(row, column) for row in self.agenda_model.rows()),
            }
            widest = max(
                metrics.horizontalAdvance(part) for text in texts for part in text.split("\n")
            )
            extra = icon + 6 if column == AgendaModel.STATUS else 0
            width = widest + extra + 16
            if column == AgendaModel.STATUS:
                # "Double-booked, Unconfirmed" would take the title's room: the rest is in
                # the cell's tooltip and the detail pane.
                width = min(width, metrics.horizontalAdvance("Double-booked") + extra + 24)
            columns.resizeSection(column, width)
        self._fit_agenda_columns()

    def _fit_agenda_columns(self, width: int | None = None) -> None:
        """In a narrow list the meeting's title keeps its room: the place and the answers,
        also in the detail pane, give way first. ``width``: the list's new width."""
        width = self.agenda.width() if width is None else width
        self.agenda.setColumnHidden(AgendaModel.ANSWERS, width < AGENDA_ANSWERS_FROM)
        self.agenda.setColumnHidden(AgendaModel.WHERE, width < AGENDA_WHERE_FROM)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.agenda and isinstance(event, QResizeEvent):
            # Seen before the view lays itself out: its new width is the event's.
            self._fit_agenda_columns(event.size().width())
        return super().eventFilter(watched, event)

    # --- the time grids ---

    def _hours(self) -> dict[str, object]:
        zone = self.service.zone
        return {
            "work_start": self.preferences.work_start,
            "work_end": self.preferences.work_end,
            "working_days": self.preferences.working_days,
            "now": self.clock().astimezone(zone).replace(tzinfo=None),
        }

    def _show_week_grid(self) -> None:
        """The week's meetings, only when the Week page is looked at (seven days' rows)."""
        monday = self.day - timedelta(days=self.day.weekday())
        if getattr(self, "_week_shown", None) == monday:
            return
        self._week_shown = monday
        days = [(day, self.service.day(day).rows) for day in week_days(monday)]
        self.week_grid.set_days(days, **self._hours())

    def show_as_list(self, as_list: bool) -> None:
        """The compact lists instead of the time grids (View > Show as list)."""
        self.day_views.setCurrentIndex(1 if as_list else 0)
        self.week.setCurrentIndex(1 if as_list else 0)
        for control in (self.list_toggle, self.list_action):
            control.blockSignals(True)
            control.setChecked(as_list)
            control.blockSignals(False)

    def _grid_current(self, row: AgendaRow | None) -> None:
        self.detail.show_row(row)
        self._select_in_list(row)

    def _grid_opened(self, row: AgendaRow) -> None:
        self._grid_current(row)
        self.detail.setFocus()

    def _select_in_list(self, row: AgendaRow | None) -> None:
        for number, listed in enumerate(self.agenda_model.rows()):
            if row is not None and listed.key == row.key and listed.start == row.start:
                selection = self.agenda.selectionModel()
                selection.blockSignals(True)  # the detail already shows it
                self.agenda.selectRow(number)
                selection.blockSignals(False)
                return

    def _week_grid_opened(self, row: AgendaRow) -> None:
        self.day = row.start.date()
        self.tabs.setCurrentIndex(TAB_DAY)
        self.refresh(select_key=row.key)

    def _agenda_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.agenda_model.row_at(current.row()) if current.isValid() else None
        self.detail.show_row(row)
        self.day_grid.grid.select_key(row.key if row else None)

    def _agenda_clicked(self, index: QModelIndex) -> None:
        if index.column() == AgendaModel.WHERE:
            link = index.data(LINK_ROLE)
            if link:
                QDesktopServices.openUrl(QUrl(link))

    def _next_meeting_with(self, client: str, after: datetime) -> NextMeeting | None:
        zone = self.service.zone
        horizon = after + timedelta(days=AHEAD_DAYS)
        occurrences = occurrences_in_store(self.store, after, horizon, zone, zone_label(zone))
        directory = client_directory(self.store, self.preferences.addresses)
        me = identity(self.preferences.addresses)
        return next_meeting_with(client, occurrences, directory, after, zone, me)

    def _detail_changed(self) -> None:
        row = self.detail.row
        self.refresh(select_key=row.key if row else None)

    # --- hygiene actions ---

    def _current_problem(self) -> HygieneItem | None:
        return self.hygiene_model.item_at(self.hygiene.currentIndex())

    def select_problem(self, position: int) -> None:
        """Make the problem at ``position`` (in the Hygiene page's order) the current row,
        opening its day."""
        index = self.hygiene_model.index_of(position)
        if index.isValid():
            self.hygiene.expand(index.parent())
            self.hygiene.setCurrentIndex(index)
            self.hygiene.scrollTo(index)

    def _hygiene_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Show the problem's (first) meeting beside the list, without leaving the panel."""
        item = self.hygiene_model.item_at(current)
        if item is None or item.day is None or item.meeting_key is None:
            return
        for row in self.service.day(item.day).rows:
            if row.key == item.meeting_key:
                self.detail.show_row(row)
                return

    def _hygiene_open(self) -> None:
        item = self._current_problem()
        if item is None:
            return
        if item.day is not None:
            self.day = item.day
            self.tabs.setCurrentIndex(TAB_DAY)
            self.refresh(select_key=item.meeting_key)
        elif item.snapshot is not None and item.snapshot.start_utc is not None:
            self.go_to(item.snapshot.start_utc.astimezone(self.service.zone).date())

    def _hygiene_mark(self, state: str) -> None:
        item = self._current_problem()
        if item is None:
            return
        if item.kind == "gone":
            if state != ProblemState.OPEN.value:
                self.data.dismiss_meeting(item.snapshot.meeting_key if item.snapshot else "")
        elif item.problem is not None:
            set_problem_state(self.store, item.problem, state)
        # The next problem in line becomes current once the list is filled again (which
        # may be after a worker's turn).
        self._select_problem_after_fill = self.hygiene_model.position_of(
            self.hygiene.currentIndex()
        )
        self.refresh()

    def _drafts(self) -> list[Draft]:
        item = self._current_problem()
        if item is None or item.problem is None:
            return []
        return drafts(item.problem, self.preferences.addresses, self.service.zone)

    def _draft_copy(self) -> None:
        found = self._drafts()
        if not found:
            self.statusBar().showMessage("Nobody else can fix this one: no message to send", 4000)
            return
        QGuiApplication.clipboard().setText("\n\n---\n\n".join(draft_text(d) for d in found))
        count = f"{len(found)} messages" if len(found) > 1 else "Message"
        self.statusBar().showMessage(f"{count} copied to the clipboard", 4000)

    def _draft_mail(self) -> None:
        found = self._drafts()
        if not found:
            self.statusBar().showMessage("Nobody else can fix this one: no message to send", 4000)
        for draft in found:  # one message per meeting that could move
            QDesktopServices.openUrl(QUrl(draft_mailto(draft)))

    # --- settings and templates ---

    def edit_settings(self) -> None:
        # The user's own values, not the demo's (which the demo shows with).
        tasks = task_list_status(self.store).line(self.service.zone)
        dialog = SettingsDialog(
            stored_preferences(self.store), suggested_identity(self.store), self, task_list=tasks
        )
        dialog.theme.setCurrentIndex(max(0, dialog.theme.findData(theme_mode(self.store))))
        if dialog.exec() and dialog.result_preferences is not None:
            save_preferences(self.store, dialog.result_preferences)
            self.set_theme(str(dialog.theme.currentData()))
            self.calendars_changed()
            self.refresh_timer.setInterval(self.preferences.refresh_minutes * 60 * 1000)
            self.task_sync.set_minutes(self.preferences.task_sync_minutes)
            self.refresh()

    def _task_list_in_use(self) -> bool:
        try:
            return is_connected(self.store)
        except StoreError:
            return False  # the store is closing with the window: nothing more to sync

    def _follow_ups_edited(self) -> None:
        """Maybe a follow-up changed: show what waits now, and sync shortly."""
        if self._task_list_in_use():
            self.follow_ups_page.show_sync(task_list_status(self.store))
            self.task_sync.soon()

    def _task_list_action(self, action: str) -> None:
        if action == "connect":
            self.task_connector.ask()
        elif action == "sync":
            self.task_sync.sync_now()
        elif action == "disconnect" and is_connected(self.store):
            answer = QMessageBox.question(
                self, "Disconnect the task list",
                "Stop syncing follow-ups? They stay here, and the tasks stay in the list.",
            )  # fmt: skip
            if answer == QMessageBox.StandardButton.Yes:
                disconnect_task_list(self.store, self.credentials)
                self.follow_ups_page.show_sync(task_list_status(self.store))

    def _task_list_connected(self, name: str) -> None:
        self.statusBar().showMessage(f"Connected to the task list “{name}”", 5000)
        self.follow_ups_page.show_sync(task_list_status(self.store))
        self.task_sync.start()

    def _tasks_synced(self, outcome: SyncOutcome) -> None:
        if outcome.changed_here:
            self.refresh()
        status = task_list_status(self.store)
        self.follow_ups_page.show_sync(replace(status, problem=outcome.problem or status.problem))

    def set_theme(self, mode: str) -> None:
        """Light, dark or the system's look, kept for the next start and applied now."""
        set_theme_mode(self.store, mode)
        apply_theme(mode)
        self.refresh()  # the models and pages take their colours when they are filled

    def edit_calendars(self) -> None:
        dialog = CalendarsDialog(self.store, self, credentials=self.credentials)
        dialog.import_requested.connect(self.choose_files)
        dialog.reimport_requested.connect(lambda: self.refresh_sources())
        dialog.subscribe_requested.connect(self.subscribe_address)
        dialog.roles_changed.connect(self._roles_changed)
        dialog.exec()
        self.calendars_changed()
        self.refresh()

    def _roles_changed(self) -> None:
        # A role applies when occurrences are read: recomputing the views is all it takes.
        self.calendars_changed()
        self.refresh()

    def remove_demo(self) -> None:
        remove_demo(self.store)
        self.calendars_changed()
        self.refresh()

    def welcome(self) -> WelcomeDialog:
        """The first start's questions (non-blocking: the demo stays visible behind them)."""
        mine = stored_preferences(self.store)
        shown = replace(mine, addresses=() if needs_identity(self.store) else mine.addresses)
        dialog = WelcomeDialog(shown, [], self)
        dialog.finished.connect(lambda _code: self._welcomed(dialog))
        dialog.open()
        self.welcome_dialog = dialog
        return dialog

    def _welcomed(self, dialog: WelcomeDialog) -> None:
        chosen = dialog.result_preferences
        if chosen is None:
            return
        if not chosen.addresses:  # keep what is known; the first calendar will suggest
            chosen = replace(chosen, addresses=stored_preferences(self.store).addresses)
        save_preferences(self.store, chosen)
        self.calendars_changed()
        self.refresh()
        if dialog.next_step == WelcomeDialog.OPEN:
            self.choose_files()
        elif dialog.next_step == WelcomeDialog.SUBSCRIBE:
            self.subscribe_address()

    def edit_templates(self) -> None:
        TemplatesDialog(self.data, self).exec()
        # A new rule applies to the meetings already there, not only to the next import.
        apply_template_rules(self.store, zone=self.service.zone, now=self.clock())
        self.refresh()

    # --- importing ---

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import calendars",
            str(Path.home()),
            "Calendars (*.ics *.ical *.ifb);;All files (*)",
        )
        if paths:
            self.import_files(paths)

    def load_demo(self) -> None:
        today = self.today()
        load_demo(
            self.store, self.demo_folder, today=today, zone=self.service.zone, now=self.clock()
        )
        self.calendars_changed()
        self.day = self.preferences.opening_day(self.clock())
        self.refresh()

    def reimport_files(self) -> Job | None:
        """Read every calendar again (files, addresses, CalDAV); only what changed is re-read.

        Quiet: only failures are reported, since the user did not ask for it.
        """
        return self.refresh_sources(quiet=True)

    def refresh_sources(self, *, quiet: bool = False, only_due: bool = False) -> Job | None:
        if self.job is not None or not has_calendars(self.store):
            return None
        zone, now, credentials = self.service.zone, self.clock(), self.credentials
        self.quiet_import = quiet
        return self._run(
            lambda progress: refresh_and_apply(
                self.store_file,
                credentials=credentials,
                zone=zone,
                now=now,
                progress=progress,
                only_due=only_due,
            ),
            self._refresh_finished,
            "Refreshing your calendars…",
        )

    def _refresh_finished(self, outcome: RefreshOutcome) -> None:
        self._job_done()
        self.last_refresh = outcome
        # Nothing new: keep what was worked out (the problems ahead took 13 s at 100k).
        if changed(outcome):
            self.calendars_changed()
        self.refresh()
        failed = outcome.failed
        if failed:
            self.statusBar().showMessage("; ".join(result.summary() for result in failed), 15000)
        elif outcome.results and not self.quiet_import:
            self.statusBar().showMessage("Calendars refreshed", 4000)

    def _timer_refresh(self) -> None:
        self.refresh_sources(quiet=True, only_due=True)

    def subscribe_address(self) -> None:
        dialog = SubscribeDialog(self)
        if dialog.exec():
            self._subscribe(dialog.values())

    def _subscribe(self, values: dict[str, str | None], calendar: str | None = None) -> Job | None:
        if self.job is not None:
            QMessageBox.information(self, "Add an address", "Wait for the import running now.")
            return None
        zone, now, credentials = self.service.zone, self.clock(), self.credentials
        self._subscribing = values
        return self._run(
            lambda _progress: subscribe_and_apply(
                self.store_file,
                values,
                credentials=credentials,
                zone=zone,
                now=now,
                calendar=calendar,
            ),
            self._subscribe_finished,
            "Fetching the calendar…",
        )

    def _subscribe_finished(self, outcome: SubscribeOutcome) -> None:
        self._job_done()
        values = self._subscribing
        if outcome.no_keyring:
            answer = plain.message(
                self,
                "No keyring",
                f"{outcome.no_keyring}\n\nUse this calendar for this session only? Nothing "
                "is stored; you will add it again next time.",
                icon=QMessageBox.Icon.Question,
                buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.credentials = SessionCredentials()
                self._subscribe(values)
            return
        subscription = outcome.subscription
        if subscription is not None and subscription.choices:
            names = [c.name for c in subscription.choices]
            chosen, ok = QInputDialog.getItem(
                self, "Which calendar?", "This account has several calendars:",
                [*names, "All of them"], 0, False,
            )  # fmt: skip
            if ok:
                self._subscribe(values, "all" if chosen == "All of them" else chosen)
            return
        self.calendars_changed()
        self.refresh()
        if subscription is not None:
            lines = [f"Added {r.name}: {r.summary()}" for r in subscription.added]
            lines += [
                f"{r.name}: {guess.role.label}, guessed: {guess.reason} (change it in Calendars)"
                for r in subscription.added
                if r.report is not None and (guess := r.report.role_guess) is not None
            ]
            if outcome.rules is not None and outcome.rules.items:
                lines.append(outcome.rules.text())
            if outcome.demo_removed is not None:
                lines.append(DEMO_REMOVED)
            if outcome.identity:
                lines.append(
                    "Your addresses, as this calendar suggests: "
                    f"{', '.join(outcome.identity)} (change them in Settings)"
                )
            plain.message(self, "Calendar added", "\n".join(lines))

    def _run(self, work: Callable[..., object], finished: Callable[..., None], message: str) -> Job:
        """Run ``work`` on the thread pool with the progress bar and Cancel showing.

        The same worker then works out what the window shows from the calendars alone
        (:func:`prepared_copy`), so the refresh that follows on the UI thread is cheap:
        an import into a 100k-event store froze the window 14 s for the problems ahead.
        """
        day, today, path = self.day, self.today(), self.store_file
        service = self.service.twin(self.store)  # its caches copied now, on this thread

        def run(progress: Progress) -> tuple[object, AgendaService | None]:
            outcome = work(progress)
            if isinstance(outcome, RefreshOutcome) and not changed(outcome):
                return outcome, None  # nothing to work out again
            try:
                return outcome, prepared_copy(path, service, day, today)
            except Exception:
                # An optimisation must not fail an import that succeeded: the window
                # works it out itself.
                traceback.print_exc()
                return outcome, None

        job = Job(run)

        def finish(result: tuple[object, AgendaService | None]) -> None:
            outcome, self._prepared = result
            try:
                finished(outcome)
            finally:
                self._prepared = None  # only for the calendars this job saw

        job.signals.progress.connect(self._job_progress)
        job.signals.finished.connect(finish)
        job.signals.failed.connect(self._import_failed)
        job.signals.cancelled.connect(self._import_cancelled)
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.import_action.setEnabled(False)
        self.statusBar().showMessage(message)
        return start(job)

    def import_files(self, paths: Sequence[str], *, quiet: bool = False) -> Job | None:
        """Import on a worker with progress and Cancel; the report follows.

        ``quiet``: report only failures (a refresh at start, not something the user asked).
        """
        if self.job is not None:
            QMessageBox.information(self, "Import", "An import is already running.")
            return None
        self.quiet_import = quiet
        zone, now = self.service.zone, self.clock()
        return self._run(
            lambda progress: import_paths(
                self.store_file, list(paths), zone=zone, now=now, progress=progress
            ),
            self._import_finished,
            f"Importing {len(paths)} file(s)…",
        )

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.progress.cancel()
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage("Cancelling…")

    def _job_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.statusBar().showMessage(message)

    def _job_done(self) -> None:
        self.job = None
        self.statusBar().clearMessage()  # "Refreshing…": what the job did is said next
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.import_action.setEnabled(True)

    def _import_finished(self, outcome: ImportOutcome) -> None:
        self._job_done()
        self.last_outcome = outcome
        self.calendars_changed()
        if outcome.demo_removed is not None:
            self.day = self.preferences.opening_day(self.clock())
        self.refresh()
        if outcome.demo_removed is not None:
            self.statusBar().showMessage(DEMO_REMOVED, 15000)
        told = outcome.failures or outcome.demo_removed is not None
        if told or (not self.quiet_import and self.isVisible()):
            dialog = ImportReportDialog(
                outcome.summaries(), outcome.warnings, outcome.failures, self
            )
            dialog.setModal(False)
            dialog.show()
            self.report_dialog = dialog

    def _import_failed(self, message: str) -> None:
        self._job_done()
        plain.message(
            self,
            "Import failed",
            f"{message}\n\nYour data is unchanged.",
            icon=QMessageBox.Icon.Warning,
        )

    def _import_cancelled(self) -> None:
        self._job_done()
        self.statusBar().showMessage("Import cancelled; nothing was changed", 6000)
        self.refresh()

    # --- drag and drop ---

    @staticmethod
    def _calendar_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [
            url.toLocalFile()
            for url in mime.urls()
            if url.isLocalFile() and url.toLocalFile().lower().endswith(CALENDAR_SUFFIXES)
        ]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._calendar_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._calendar_paths(event)
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    # --- opened from reminders and the tray ---

    def raise_window(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def show_meeting(self, key: str, day: date | None, focus_follow_up: bool = False) -> None:
        self.raise_window()
        if day is not None:
            self.day = day
        self.tabs.setCurrentIndex(TAB_DAY)
        self.refresh(select_key=key)
        if focus_follow_up and self.detail.row is not None:
            self.detail.new_follow_up.setFocus()

    def show_review(self) -> None:
        """The evening routine's page (the evening nudge opens it)."""
        self.raise_window()
        found = self.review_page.reload()
        self.go_to(found.period.last_day)  # Day, Week and Briefing follow it
        self.tabs.setCurrentIndex(TAB_REVIEW)

    def _done_for_today(self, until: datetime) -> None:
        tray = getattr(self, "tray", None)
        if tray is not None:
            tray.quiet_until(until)
        self.statusBar().showMessage(f"Done for today: no reminders until {until:%A %H:%M}")

    def show_briefing(self, day: date | None = None) -> None:
        self.raise_window()
        self.go_to(day or self.preferences.opening_day(self.clock()))
        self.tabs.setCurrentIndex(TAB_BRIEFING)

    def export_briefing(self, day: date | None = None) -> None:
        """The tray's "export tomorrow's briefing": the next working day, saved where asked."""
        self.go_to(day or self.preferences.next_working_day(self.today()))
        self.tabs.setCurrentIndex(TAB_BRIEFING)
        self.briefing.export("html")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detail.show_row(None)  # flushes unsaved notes
        if self.tabs.currentIndex() == TAB_BRIEFING and self.isVisible():
            self.briefing.mark_seen()
        if self.keep_in_tray and self.preferences.close_to_tray and not self.quitting:
            event.ignore()
            self.hide()
            return
        if self.job is not None:
            self.job.progress.cancel()
        self.task_sync.stop()
        super().closeEvent(event)


def prepared_copy(
    path: Path, service: AgendaService, day: date, today: date, also: Sequence[date] = ()
) -> AgendaService:
    """``service`` (a twin made on the UI thread) with what a window showing ``day`` reads
    worked out on its own connection to ``path`` (:meth:`AgendaService.prepare`, with the
    days the tray plans reminders from and ``also``), for a worker to hand to the window."""
    with open_store(path) as store:
        service.store = store
        service.prepare(day, today, [*planned_days(service.now(), service.zone), *also])
    return service


def changed(outcome: RefreshOutcome) -> bool:
    """Whether a refresh brought anything new into the store."""
    return any(r.report is not None and not r.report.unchanged for r in outcome.results)
