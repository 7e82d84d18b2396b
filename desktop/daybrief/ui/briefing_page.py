"""The briefing page: the day (docs/semantics.md), goals to pick, exports in every format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daybrief.core.briefing import Briefing, PrepSlot, suggest_goals
from daybrief.services.appearance import export_folder, remember_export_folder
from daybrief.services.briefing import briefing_from_store, mark_seen, render
from daybrief.services.export._common import safe_url
from daybrief.services.export.html import SHOW_ALL, render_html
from daybrief.services.export.ics import prep_slots_ics
from daybrief.services.review import (
    add_goal,
    choose_goals,
    delete_goal,
    goal_suggestions_from_yesterday,
    goals_of,
    set_goal_done,
)
from daybrief.services.storage import Store, open_store, write_private_file
from daybrief.ui.tasks import run_in_background
from daybrief.ui.theme import theme, tone

MAX_GOALS = 5
SHOWN = 60
"""Meetings (and problems) the page lays out before a "Show all" link: far more than a
real day holds, and 60 laid out in 40 ms where 277 froze the window for 0.2 s."""
EXPORTS = (
    ("html", "Web page (.html)…", "html"),
    ("pdf", "PDF…", "pdf"),
    ("md", "Markdown…", "md"),
    ("txt", "Plain text…", "txt"),
    ("eml", "Email to myself (.eml)…", "eml"),
    ("followups-ics", "Follow-ups as tasks (.ics)…", "ics"),
    ("prep-ics", "Prep time as events (.ics)…", "ics"),
)


class CallableClock:
    """The window's clock (a function) as the briefing's Clock protocol."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now()


def export_bytes(briefing: Briefing, fmt: str) -> bytes:
    if fmt == "pdf":
        from daybrief.ui.pdf import html_to_pdf

        return html_to_pdf(render_html(briefing))
    return render(briefing, fmt)


class GoalsDialog(QDialog):
    """Pick at most a handful of goals for the day from what is open."""

    def __init__(
        self, chosen: list[str], offered: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Today's goals")
        self.list = QListWidget()
        for text in [*chosen, *[o for o in offered if o not in chosen]]:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if text in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.note = QLabel(f"Pick at most {MAX_GOALS}: the few that make the day a success.")
        self.list.itemChanged.connect(self._limit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def picked(self) -> list[str]:
        return [
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _limit(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and len(self.picked()) > MAX_GOALS:
            item.setCheckState(Qt.CheckState.Unchecked)
            self.note.setText(f"At most {MAX_GOALS} goals: untick one first.")


class ExportNotice(QWidget):
    """Where the export went, with Open and Show in folder; stays until closed or replaced
    (no dialog to click away in the evening routine)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tone(self, background="ok_bg")
        self.path: Path | None = None
        self.text = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(lambda: self._open(self.path))
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.clicked.connect(
            lambda: self._open(self.path.parent if self.path else None)
        )
        close = QToolButton(text="✕", toolTip="Close")
        close.setAccessibleName("Close the export notice")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        for widget in (self.open_button, self.folder_button, close):
            layout.addWidget(widget)
        self.hide()

    def show_file(self, path: Path) -> None:
        self.path = path
        self.text.setText(f"Saved {path.name} in {path.parent}")
        self.show()

    @staticmethod
    def _open(path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class BriefingPage(QWidget):
    """Shows a day's briefing; ``open_meeting`` asks the window to show a meeting's detail."""

    open_meeting = Signal(str, object)  # meeting key, day

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        store_file: Path | None = None,
    ) -> None:
        """``store_file``: work each briefing out on a worker, on its own connection to
        this file (the app: a 277-meeting day took 0.1 s); None: on the spot."""
        super().__init__(parent)
        self.store = store
        self.store_file = store_file
        self.clock = CallableClock(clock)
        self.briefing: Briefing | None = None
        self._asked = 0  # which reload the shown briefing answers (a later one wins)
        self._shown: int | None = SHOWN
        self._pending = False
        self.zone_of: Callable[[], object] | None = None
        self.title = QLabel()
        self.goals_button = QPushButton("Suggest goals…")
        self.goals_button.setToolTip("Pick from what is open: unfinished goals, overdue "
                                     "follow-ups, required items")  # fmt: skip
        self.goals_button.clicked.connect(self.pick_goals)
        # The day's few goals: typed in the user's own words, ticked when done (a win).
        self.goal_entry = QLineEdit()
        self.goal_entry.setPlaceholderText("Add a goal for the day and press Enter")
        self.goal_entry.setAccessibleName("New goal")
        self.goal_entry.returnPressed.connect(self._add_goal)
        self.goal_list = QListWidget()
        self.goal_list.setAccessibleName("Goals")
        self.goal_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.goal_list.setMaximumHeight(110)
        self.goal_list.itemChanged.connect(self._goal_ticked)
        self.goal_list.installEventFilter(self)
        self.redact = QCheckBox("Redacted")
        self.redact.setToolTip(
            "Leave out descriptions, dial-in codes and links, and attendee addresses"
        )
        self.redact.toggled.connect(lambda _on: self.reload())
        self.export_button = QToolButton(text="Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for fmt, label, _suffix in EXPORTS:
            menu.addAction(label, lambda f=fmt: self.export(f))
        self.export_button.setMenu(menu)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._link)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.goals_button)
        bar.addWidget(self.redact)
        bar.addWidget(self.export_button)
        self.notice = ExportNotice()
        goals_row = QHBoxLayout()
        goals_row.addWidget(self.goal_entry, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addLayout(goals_row)
        layout.addWidget(self.goal_list)
        layout.addWidget(self.view, 1)

    def show_day(self, day: date, zone: object) -> Briefing | None:
        if day != getattr(self, "_day", None):
            self._shown = SHOWN
        self._zone = zone
        self._day = day
        return self.reload()

    def _work_out(self) -> Callable[[Store], Briefing]:
        """The briefing of the day shown, as asked now, from a given connection."""
        day, zone, redact, clock = self._day, self._zone, self.redact.isChecked(), self.clock
        return lambda store: briefing_from_store(store, day, zone, clock, redact=redact)  # type: ignore[arg-type]

    def reload(self) -> Briefing | None:
        """Work the briefing out again; with a ``store_file`` it shows when the worker is
        done (None now), else at once."""
        self._asked += 1
        work_out = self._work_out()
        if self.store_file is None:
            return self._show(work_out(self.store))
        asked, path, css, shown = self._asked, self.store_file, theme().css(), self._shown
        self._pending = True
        self._show_goals()  # the user's own list: at once, not when the worker is done

        def work() -> tuple[Briefing, str]:
            with open_store(path) as store:
                briefing = work_out(store)
            return briefing, render_html(briefing, css, shown=shown)

        def done(result: tuple[Briefing, str]) -> None:
            if asked == self._asked and not self.store.closed:
                self._pending = False
                self._show(*result)

        def failed(message: str) -> None:
            if asked == self._asked and not self.store.closed:
                self._pending = False
                self.title.setText(f"<b>Could not work out the briefing:</b> {escape(message)}")

        run_in_background(work, done, failed)
        return None

    def current(self) -> Briefing | None:
        """The briefing as the store is now: what an export or a pick must use, even
        while a reload is still on its way."""
        if self._pending:
            self._asked += 1  # the worker's answer is no newer than this
            self._pending = False
            self._show(self._work_out()(self.store))
        return self.briefing

    def _show(self, briefing: Briefing, html: str | None = None) -> Briefing:
        self.briefing = briefing
        scroll = self.view.verticalScrollBar().value()
        if html is None:
            html = render_html(briefing, theme().css(), shown=self._shown)
        self.view.setHtml(html)
        self.view.verticalScrollBar().setValue(scroll)
        problems = len(briefing.problems)
        handled = f", {len(briefing.handled)} handled" if briefing.handled else ""
        self.title.setText(
            f"<b>Briefing for {briefing.day:%A %d %B}</b> — "
            + (f"{problems} open problem(s){handled}" if problems else f"no open problems{handled}")
        )
        self._show_goals()
        return briefing

    def _show_goals(self) -> None:
        self.goal_list.blockSignals(True)
        self.goal_list.clear()
        for goal in goals_of(self.store, self._day):
            item = QListWidgetItem(goal.text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if goal.done else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, goal.id)
            item.setToolTip("Tick when done: done goals are the day's wins")
            self.goal_list.addItem(item)
        self.goal_list.setVisible(self.goal_list.count() > 0)
        self.goal_list.blockSignals(False)

    def _add_goal(self) -> None:
        text = self.goal_entry.text()
        if not text.strip():
            return
        add_goal(self.store, self._day, text)
        self.goal_entry.clear()
        self.reload()

    def _goal_ticked(self, item: QListWidgetItem) -> None:
        goal_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(goal_id, int):
            set_goal_done(self.store, goal_id, item.checkState() == Qt.CheckState.Checked)
            self.reload()

    def eventFilter(self, watched: object, event: object) -> bool:
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if (
            watched is self.goal_list
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            item = self.goal_list.currentItem()
            goal_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if isinstance(goal_id, int):
                delete_goal(self.store, goal_id)
                self.reload()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def mark_seen(self) -> None:
        """The user has looked: the next briefing shows what changed since this one."""
        if self.briefing is not None:
            mark_seen(self.store, self.briefing, self.clock.now())

    def _link(self, url: QUrl) -> None:
        briefing = self.briefing
        if url.toString() == SHOW_ALL and briefing is not None:
            self._shown = None  # until the page shows another day
            self._show(briefing)
            return
        if url.scheme() == "" and url.fragment().startswith("m") and briefing is not None:
            index = url.fragment()[1:]
            if index.isdigit() and int(index) < len(briefing.meetings):
                self.open_meeting.emit(briefing.meetings[int(index)].ref, briefing.day)
            return
        safe = safe_url(url.toString())
        if safe is not None:
            QDesktopServices.openUrl(QUrl(safe))

    def pick_goals(self) -> None:
        briefing = self.current()
        if briefing is None:
            return
        chosen = [goal.text for goal in goals_of(self.store, briefing.day)]
        # The last day's unfinished goals come first: never silently dropped.
        earlier = goal_suggestions_from_yesterday(self.store, briefing.day)
        offered = list(dict.fromkeys([*earlier, *suggest_goals(briefing, limit=8)]))
        dialog = GoalsDialog(chosen, offered, self)
        if not dialog.exec():
            return
        choose_goals(self.store, briefing.day, dialog.picked())
        self.reload()

    def export(self, fmt: str) -> Path | None:
        briefing = self.current()
        if briefing is None:
            return None
        slots = None
        if fmt == "prep-ics":
            slots = self.choose_prep_slots()
            if slots is None:
                return None
        suffix = next(s for f, _l, s in EXPORTS if f == fmt)
        folder = export_folder(self.store, Path.home())
        default = folder / f"briefing-{briefing.day.isoformat()}.{suffix}"
        name, _ = QFileDialog.getSaveFileName(self, "Export the briefing", str(default))
        if not name:
            return None
        return self.export_to(fmt, Path(name), slots=slots)

    def choose_prep_slots(self) -> list[PrepSlot] | None:
        """Which suggested prep slots to export (all are ticked to begin with)."""
        briefing = self.current()
        if briefing is None or not briefing.prep_slots:
            QMessageBox.information(self, "Prep time", "No prep time to suggest for this day.")
            return None
        dialog = QDialog(self)
        dialog.setWindowTitle("Prep time to block")
        slots = QListWidget()
        for slot in briefing.prep_slots:
            label = f"{slot.start:%H:%M}–{slot.end:%H:%M} before {slot.title}"
            if slot.open_items:
                label += f" ({', '.join(slot.open_items)})"
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            slots.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Export these as events to add to your calendar:"))
        layout.addWidget(slots)
        layout.addWidget(buttons)
        self.prep_dialog = slots
        if not dialog.exec():
            return None
        return [
            slot
            for row, slot in enumerate(briefing.prep_slots)
            if slots.item(row).checkState() == Qt.CheckState.Checked
        ]

    def export_to(
        self, fmt: str, path: Path, *, slots: Sequence[PrepSlot] | None = None
    ) -> Path | None:
        briefing = self.current()
        if briefing is None:
            return None
        try:
            if fmt == "prep-ics":
                write_private_file(path, prep_slots_ics(briefing, slots).encode("utf-8"))
            else:
                write_private_file(path, export_bytes(briefing, fmt))
        except (OSError, RuntimeError, ValueError) as error:
            QMessageBox.warning(self, "Export", f"Could not write {path}: {error}")
            return None
        remember_export_folder(self.store, path)
        self.notice.show_file(path)
        if fmt != "prep-ics":
            self.mark_seen()
        return path
