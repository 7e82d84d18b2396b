"""The Clients and Follow-ups pages: "Which clients am I speaking with? What do I owe them?"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from daybrief.core.errors import InvalidCalendar
from daybrief.services.clients import (
    ClientSummary,
    clients_overview,
    merge_clients,
    rename_client,
    split_client,
)
from daybrief.services.edits import Edits, FollowUp
from daybrief.services.followups import (
    FollowUpGroup,
    by_client,
    by_due,
    due_end_of_week,
    due_next_working_day,
    due_tomorrow,
    follow_up_rows,
    follow_ups_to_ics,
    follow_ups_to_markdown,
    import_follow_ups_ics,
)
from daybrief.services.preferences import Preferences
from daybrief.services.storage import Store, open_store, utc_now, write_private_file
from daybrief.services.task_sync import TaskListStatus, conflicted, task_list_status
from daybrief.ui.models import RowsTableModel
from daybrief.ui.tasks import Job, run_in_background
from daybrief.ui.theme import css, theme

Index = QModelIndex | QPersistentModelIndex


class ClientsModel(RowsTableModel):
    HEADERS = ("Client", "Next meeting", "Ahead", "Owed", "Problems")
    TIPS = (
        "",
        "",
        "Meetings in the next two months",
        "Open follow-ups for this client",
        "Double-booked or unconfirmed meetings ahead",
    )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.TIPS[section] or None
        return super().headerData(section, orientation, role)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ClientSummary] = []

    def set_rows(self, rows: Sequence[ClientSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ClientSummary:
        return self._rows[row]

    def rows(self) -> list[ClientSummary]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return row.name
        if column == 1:
            meeting = row.next_meeting
            return f"{meeting.start:%a %d %b %H:%M}" if meeting else "—"
        if column == 2:
            return str(len(row.upcoming))
        if column == 3:
            return str(len(row.follow_ups)) if row.follow_ups else ""
        if column == 4:
            return f"{row.problems} ⚠" if row.problems else ""
        return None


class FollowUpTreeModel(QAbstractItemModel):
    """Groups (due or client) with their follow-ups under them; ticking writes through."""

    HEADERS = ("Follow-up", "Due", "Client", "From meeting")

    def __init__(self, on_toggle: Callable[[FollowUp, bool], None], parent: Any = None) -> None:
        super().__init__(parent)
        self._groups: list[FollowUpGroup] = []
        self._on_toggle = on_toggle

    def set_groups(self, groups: Sequence[FollowUpGroup]) -> None:
        self.beginResetModel()
        self._groups = list(groups)
        self.endResetModel()

    def groups(self) -> list[FollowUpGroup]:
        return list(self._groups)

    def follow_up(self, index: Index) -> FollowUp | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[index.internalId() - 1].rows[index.row()].follow_up

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not parent.isValid():
            return (
                self.createIndex(row, column, 0) if 0 <= row < len(self._groups) else QModelIndex()
            )
        if parent.internalId() != 0:
            return QModelIndex()
        # A follow-up's internal id is its group's number + 1 (0 marks a group).
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()].rows)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled
        if self.follow_up(index) is not None:
            flags |= Qt.ItemFlag.ItemIsSelectable
            if index.column() == 0:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            group = self._groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return f"{group.title} ({len(group.rows)})"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole and group.title == "Overdue":
                return QBrush(theme().problem)
            return None
        row = self._groups[index.internalId() - 1].rows[index.row()]
        item = row.follow_up
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                # A value that lost a sync conflict is in the notes (the tooltip).
                return item.text + ("  ⚠ also edited elsewhere" if conflicted(item) else "")
            if column == 1:
                due = f"{item.due_date:%a %d %b}" if item.due_date else ""
                return due + (" (before the meeting)" if item.due_before else "")
            if column == 2:
                return row.client
            if column == 3:
                return row.meeting
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and item.notes:
            return item.notes
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.follow_up(index)
        if item is None or role != Qt.ItemDataRole.CheckStateRole:
            return False
        done = Qt.CheckState(value) == Qt.CheckState.Checked
        if done != item.done:
            self._on_toggle(item, done)
        return True


def client_page_html(summary: ClientSummary) -> str:
    parts = [f"<h2>{escape(summary.name)}</h2>"]
    if summary.domains:
        parts.append(f"<p style='color:{css('faded')}'>{escape(', '.join(summary.domains))}</p>")
    if summary.problems:
        parts.append(
            f"<p style='color:{css('problem')}'>"
            f"⚠ {summary.problems} problem(s) in upcoming meetings "
            "(double-booked or unconfirmed): see the Hygiene tab</p>"
        )
    parts.append("<h3>Next meetings</h3>")
    if not summary.upcoming:
        parts.append(f"<p style='color:{css('faded')}'>None in the next two months.</p>")
    for meeting in summary.upcoming[:10]:
        line = f"<b>{meeting.start:%a %d %b %H:%M}</b> {escape(meeting.occurrence.summary)}"
        if meeting.open_items:
            line += (
                f"<br><span style='color:{css('problem')}'>Open: "
                + escape(", ".join(meeting.open_items))
                + "</span>"
            )
        parts.append(f"<p>{line}</p>")
    parts.append("<h3>Open follow-ups</h3>")
    if not summary.follow_ups:
        parts.append(f"<p style='color:{css('faded')}'>Nothing owed.</p>")
    for item in summary.follow_ups:
        due = f" — due {item.due_date:%a %d %b}" if item.due_date else ""
        parts.append(f"<p>☐ {escape(item.text)}{escape(due)}</p>")
    parts.append("<h3>Recent meetings and notes</h3>")
    if not summary.past:
        parts.append(f"<p style='color:{css('faded')}'>None in the last month.</p>")
    for meeting in summary.past[:10]:
        note = (
            f"<br><span style='color:{css('text')}'>{escape(meeting.note[:500])}</span>"
            if meeting.note
            else ""
        )
        parts.append(f"<p>{meeting.start:%a %d %b} {escape(meeting.occurrence.summary)}{note}</p>")
    return "".join(parts)


class ClientsPage(QWidget):
    """Clients by next meeting; a client's page; rename, merge and split."""

    changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._generation = 0
        self._job: Job | None = None
        self.loaded = False
        self.failure: str | None = None
        """True once a list has been shown (tests and the window wait on it)."""
        self.model = ClientsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.page = QTextBrowser(openExternalLinks=False)
        self.rename_button = QPushButton("Rename…")
        self.merge_button = QPushButton("Merge into…")
        self.split_button = QPushButton("Split a domain off…")
        self.rename_button.clicked.connect(self.rename)
        self.merge_button.clicked.connect(self.merge)
        self.split_button.clicked.connect(self.split)
        buttons = QHBoxLayout()
        for button in (self.rename_button, self.merge_button, self.split_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table)
        left_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.page)
        splitter.setSizes([480, 320])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def show_clients(self, preferences: Preferences, now: datetime) -> Job:
        """Work the list out on a worker (months of meetings); shown when it is ready."""
        self._generation += 1
        generation = self._generation
        path = self.store.path

        def work() -> list[ClientSummary]:
            with open_store(path) as store:
                return clients_overview(store, preferences, now)

        if not self.model.rows():
            self.page.setHtml(f"<p style='color:{css('faded')}'>Looking through your meetings…</p>")
        self._job = run_in_background(
            work,
            lambda rows: self._show(rows, generation),
            lambda message: self._failed(message, generation),
        )
        return self._job

    def _failed(self, message: str, generation: int) -> None:
        """Said on the page, never a page waiting for ever: the list could not be worked out."""
        if generation != self._generation:
            return
        self.failure = message
        self.page.setHtml(
            f"<p style='color:{css('problem')}'>Could not look through your meetings: "
            f"{escape(message)}</p><p>Switch to another page and back to try again.</p>"
        )

    def _show(self, rows: list[ClientSummary], generation: int) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        current = self.current()
        self.model.set_rows(rows)
        self.loaded = True
        names = [row.name for row in self.model.rows()]
        if current is not None and current.name in names:
            self.table.selectRow(names.index(current.name))
        elif names:
            self.table.selectRow(0)
        else:
            self.page.setHtml(
                f"<p style='color:{css('faded')}'>No clients in your calendar yet.</p>"
            )

    def current(self) -> ClientSummary | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.page.setHtml(client_page_html(self.model.row_at(current.row())))

    def rename(self) -> None:
        summary = self.current()
        if summary is None:
            return
        name, ok = QInputDialog.getText(self, "Rename client", "Name:", text=summary.name)
        if ok and name.strip() and name.strip() != summary.name:
            rename_client(self.store, summary, name.strip())
            self.changed.emit()

    def merge(self) -> None:
        summary = self.current()
        others = [row for row in self.model.rows() if summary and row.name != summary.name]
        if summary is None or not others:
            return
        name, ok = QInputDialog.getItem(
            self, "Merge clients", f"Merge {summary.name} into:", [o.name for o in others], 0, False
        )
        if ok:
            into = next(o for o in others if o.name == name)
            merge_clients(self.store, summary, into)
            self.changed.emit()

    def split(self) -> None:
        summary = self.current()
        if summary is None or len(summary.domains) < 2:
            QMessageBox.information(self, "Split", "Only a client with several domains splits.")
            return
        domain, ok = QInputDialog.getItem(
            self, "Split a domain off", "Domain:", list(summary.domains), 0, False
        )
        if not ok:
            return
        name, ok = QInputDialog.getText(self, "Split a domain off", "New client's name:")
        if ok and name.strip():
            split_client(self.store, summary, domain, name.strip())
            self.changed.emit()


class FollowUpsPage(QWidget):
    """Every follow-up, by due date or by client; tick, re-date, export and import."""

    changed = Signal()
    task_list_action = Signal(str)
    """"connect", "sync" or "disconnect": the window does it (it owns the workers)."""

    def __init__(
        self, store: Store, today: Callable[[], date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.today = today
        self.preferences = Preferences()
        self.model = FollowUpTreeModel(self._toggle, self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.grouping = QComboBox()
        self.grouping.addItems(["By due date", "By client"])
        self.grouping.currentIndexChanged.connect(lambda _i: self.reload())
        self.show_done = QCheckBox("Show done")
        self.show_done.toggled.connect(lambda _on: self.reload())
        self.due_button = QToolButton(text="Due…")
        self.due_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.due_button.setMenu(self._due_menu())
        export = QToolButton(text="Export")
        export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(export)
        menu.addAction("As tasks (.ics)…", lambda: self.export("ics"))
        menu.addAction("As Markdown…", lambda: self.export("md"))
        export.setMenu(menu)
        import_button = QPushButton("Import tasks…")
        import_button.clicked.connect(self.import_tasks)
        delete = QPushButton("Delete")
        delete.clicked.connect(self.delete)
        self.task_list_button = QToolButton(text="Task list")
        self.task_list_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        task_menu = QMenu(self.task_list_button)
        for label, action in (("Connect a task list…", "connect"), ("Sync now", "sync"),
                              ("Disconnect", "disconnect")):  # fmt: skip
            task_menu.addAction(label, lambda a=action: self.task_list_action.emit(a))
        self.task_list_button.setMenu(task_menu)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Group:"))
        bar.addWidget(self.grouping)
        bar.addWidget(self.show_done)
        bar.addStretch(1)
        for widget in (self.due_button, delete, export, import_button, self.task_list_button):
            bar.addWidget(widget)
        self.sync_state = QLabel()
        self.sync_state.setTextFormat(Qt.TextFormat.PlainText)
        self.sync_state.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tree)
        layout.addWidget(self.sync_state)

    def show_sync(self, status: TaskListStatus) -> None:
        """The task list's state under the list ("3 changes waiting for the server")."""
        self.sync_state.setText(status.line(self.preferences.zone()))
        self.sync_state.setVisible(status.connected)

    def _due_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Tomorrow", lambda: self.set_due(due_tomorrow(self.today())))
        menu.addAction(
            "Next working day",
            lambda: self.set_due(due_next_working_day(self.today(), self.preferences)),
        )
        menu.addAction(
            "End of the week", lambda: self.set_due(due_end_of_week(self.today(), self.preferences))
        )
        menu.addAction("No due date", lambda: self.set_due(None))
        return menu

    def _menu(self, point: Any) -> None:
        self._due_menu().exec(self.tree.viewport().mapToGlobal(point))

    def reload(self, preferences: Preferences | None = None) -> None:
        if preferences is not None:
            self.preferences = preferences
        rows = follow_up_rows(self.store, include_done=self.show_done.isChecked())
        grouped = self.grouping.currentIndex() == 0
        self.model.set_groups(by_due(rows, self.today()) if grouped else by_client(rows))
        self.tree.expandAll()
        self.show_sync(task_list_status(self.store))

    def _toggle(self, item: FollowUp, done: bool) -> None:
        Edits(self.store).set_follow_up_done(item.id, done)
        # Not now: the reload that follows resets the model inside its own setData.
        QTimer.singleShot(0, self.changed.emit)

    def selected(self) -> FollowUp | None:
        return self.model.follow_up(self.tree.currentIndex())

    def set_due(self, due: date | None) -> None:
        item = self.selected()
        if item is not None:
            Edits(self.store).set_follow_up_due(item, due)
            self.changed.emit()

    def delete(self) -> None:
        item = self.selected()
        if item is None:
            return
        answer = QMessageBox.question(self, "Delete follow-up", f"Delete “{item.text}”?")
        if answer == QMessageBox.StandardButton.Yes:
            Edits(self.store).delete_follow_up(item.id)
            self.changed.emit()

    def export(self, kind: str) -> None:
        suffix = "ics" if kind == "ics" else "md"
        name, _ = QFileDialog.getSaveFileName(
            self, "Export follow-ups", str(Path.home() / f"follow-ups.{suffix}")
        )
        if name:
            self.export_to(kind, Path(name))

    def export_to(self, kind: str, path: Path) -> None:
        text = (
            follow_ups_to_ics(self.store, utc_now())
            if kind == "ics"
            else follow_ups_to_markdown(self.store, self.today())
        )
        write_private_file(path, text.encode("utf-8"))

    def import_tasks(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import tasks", str(Path.home()), "Tasks (*.ics);;All files (*)"
        )
        if name:
            self.import_from(Path(name))

    def import_from(self, path: Path) -> str:
        try:
            result = import_follow_ups_ics(self.store, path.read_bytes(), path.name)
        except (OSError, InvalidCalendar) as error:
            QMessageBox.warning(self, "Import tasks", f"{path}: {error}")
            return ""
        self.changed.emit()
        return result.summary()
