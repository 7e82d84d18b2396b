"""Qt item models over the services' plain data; they format, they never decide."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QFont, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from daybrief.core.model import Occurrence
from daybrief.services.agenda import AgendaRow, DaySummary, HygieneItem
from daybrief.services.edits import ChecklistItem, FollowUp
from daybrief.ui.plain import plain_tip
from daybrief.ui.theme import theme

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
LINK_ROLE = Qt.ItemDataRole.UserRole + 2


_ANSWER_WORDS = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "no answer",
    "DELEGATED": "delegated",
}


_ICONS: dict[str, QIcon] = {}


def status_icon(kind: str) -> QIcon:
    """The style's icon for a problem kind, made once: a view asks for it on every paint."""
    icon = _ICONS.get(kind)
    if icon is None:
        icon = _ICONS[kind] = _style_icon(kind)
    return icon


def _style_icon(kind: str) -> QIcon:
    style = QApplication.style()
    pixmap = {
        "conflict": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "unconfirmed": QStyle.StandardPixmap.SP_MessageBoxQuestion,
        "gone": QStyle.StandardPixmap.SP_TrashIcon,
        "outside": QStyle.StandardPixmap.SP_MessageBoxInformation,
    }.get(kind, QStyle.StandardPixmap.SP_MessageBoxWarning)
    return style.standardIcon(pixmap)


def answers_label(occurrence: Occurrence) -> str:
    counts = Counter(
        _ANSWER_WORDS.get(a.partstat.upper(), a.partstat.lower())
        for a in occurrence.event.attendees
        if a.cutype.upper() not in ("ROOM", "RESOURCE")
    )
    order = ["accepted", "tentative", "no answer", "declined", "delegated"]
    parts = [f"{counts[word]} {word}" for word in order if counts.get(word)]
    parts += [f"{n} {word}" for word, n in counts.items() if word not in order]
    return " · ".join(parts)


def short_link(url: str, limit: int = 32) -> str:
    """A link as people read it: no scheme, no query, cut to fit a column."""
    text = url.split("://", 1)[-1].split("?", 1)[0].rstrip("/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SWATCHES: dict[str, QIcon] = {}


def calendar_swatch(colour: str) -> QIcon:
    """A small square of the calendar's colour (the user's #RRGGBB)."""
    icon = _SWATCHES.get(colour)
    if icon is None:
        pixmap = QPixmap(10, 10)
        pixmap.fill(theme().accent(colour))
        icon = _SWATCHES[colour] = QIcon(pixmap)
    return icon


def context_note(row: AgendaRow) -> str:
    """Why a row is faded: whose calendar it is from (calendar text, shown as plain text)."""
    calendar = row.occurrence.calendar or "another calendar"
    if row.role == "info":
        return f"For information ({calendar}): never busy, never a problem"
    return f"Someone else's meeting ({calendar}): shown for context, not counted"


class RowsTableModel(QAbstractTableModel):
    """A flat table of ``_rows`` with fixed column ``HEADERS``: what every table here shares."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class AgendaModel(RowsTableModel):
    HEADERS = ("Status", "Time", "Meeting", "Clients", "Where", "Answers", "Checklist")
    STATUS, TIME, TITLE, CLIENTS, WHERE, ANSWERS, CHECKLIST = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AgendaRow] = []

    def set_rows(self, rows: Sequence[AgendaRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> AgendaRow:
        return self._rows[row]

    def rows(self) -> list[AgendaRow]:
        return list(self._rows)

    @staticmethod
    def status_text(row: AgendaRow) -> str:
        marks = []
        if row.conflicts_with:
            marks.append("Double-booked")
        if row.unconfirmed is not None:
            marks.append("Unconfirmed")
        if row.outside_hours:
            marks.append("Outside hours")
        return ", ".join(marks)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == LINK_ROLE:
            return row.link
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(self._tooltip(row, column))
        if role == Qt.ItemDataRole.DecorationRole and column == self.STATUS:
            if row.conflicts_with:
                return status_icon("conflict")
            if row.unconfirmed is not None:
                return status_icon("unconfirmed")
            if row.outside_hours:
                return status_icon("outside")
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.conflicts_with:
                return QBrush(theme().problem_bg)
            if row.unconfirmed is not None:
                return QBrush(theme().warning_bg)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.context:
                # Context (another person's meeting, a holiday): faded, in the theme's tone
                # for it, so it stays legible on a dark palette too.
                return QBrush(theme().faded)
            if column == self.WHERE and row.link:
                return QBrush(theme().link)
            if not row.busy:
                return QBrush(theme().faded)
        if role == Qt.ItemDataRole.DecorationRole and column == self.TITLE and row.colour:
            return calendar_swatch(row.colour)
        if role == Qt.ItemDataRole.FontRole and row.context:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.FontRole and column == self.WHERE and row.link:
            font = QFont()
            font.setUnderline(True)
            return font
        if (
            role == Qt.ItemDataRole.FontRole
            and column == self.CHECKLIST
            and row.checklist.required_open
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def display(self, row: AgendaRow, column: int) -> str:
        """The text of a cell (also what the window sizes the columns by)."""
        occurrence = row.occurrence
        if column == self.STATUS:
            return self.status_text(row)
        if column == self.TIME:
            text = row.time_label()
            return f"{text}\n{row.organiser_time}" if row.organiser_time else text
        if column == self.TITLE:
            return row.summary
        if column == self.CLIENTS:
            return ", ".join(row.clients)
        if column == self.WHERE:
            return short_link(row.link) if row.link else occurrence.event.location
        if column == self.ANSWERS:
            return answers_label(occurrence)
        if column == self.CHECKLIST:
            return row.checklist.label()
        return ""

    def _tooltip(self, row: AgendaRow, column: int) -> str | None:
        if row.context and column in (self.STATUS, self.TITLE):
            return context_note(row)
        if column == self.STATUS:
            lines = [f"Double-booked with {o.summary or '(no title)'}" for o in row.conflicts_with]
            if row.unconfirmed is not None:
                lines.append(f"Unconfirmed: {row.unconfirmed.description}")
            if row.outside_hours:
                lines.append("Outside your working hours")
            return "\n".join(lines) or None
        if column == self.WHERE and row.link:
            return f"Open {row.link}"
        if column == self.TIME and row.organiser_time:
            return f"Organiser's time: {row.organiser_time}"
        return None


class WeekModel(RowsTableModel):
    HEADERS = ("Day", "Meetings", "First", "Booked", "Double-booked", "Unconfirmed", "Problems")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[DaySummary] = []
        self.today: date | None = None

    def set_days(self, days: Sequence[DaySummary], today: date) -> None:
        self.beginResetModel()
        self._rows = list(days)
        self.today = today
        self.endResetModel()

    def day_at(self, row: int) -> DaySummary:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        day = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                text = f"{day.day:%a %d %b}"
                return text + (" (today)" if day.day == self.today else "")
            if column == 1:
                return str(day.meetings) if day.meetings else "—"
            if column == 2:
                return f"{day.first_start:%H:%M}" if day.first_start else ""
            if column == 3:
                hours = day.booked.total_seconds() / 3600
                return f"{hours:.1f} h" if hours else ""
            if column == 4:
                return f"{day.conflicts} double-booked" if day.conflicts else ""
            if column == 5:
                return f"{day.unconfirmed} unconfirmed" if day.unconfirmed else ""
            if column == 6:
                return f"{day.problems} open" if day.problems else ""
        if role == Qt.ItemDataRole.DecorationRole:
            if column == 4 and day.conflicts:
                return status_icon("conflict")
            if column == 5 and day.unconfirmed:
                return status_icon("unconfirmed")
        if role == Qt.ItemDataRole.ForegroundRole and not day.working_day:
            return QBrush(theme().faded)
        if role == Qt.ItemDataRole.FontRole and day.day == self.today:
            font = QFont()
            font.setBold(True)
            return font
        return None


@dataclass
class HygieneGroup:
    """A day of the Hygiene page (or the meetings that left the calendars) and its rows."""

    key: str
    title: str
    items: list[HygieneItem]


class HygieneModel(QAbstractItemModel):
    """The problems ahead grouped by day: a day row, then its problems (open first).

    A tree, not one flat table: a big store has thousands of problems in 14 days, and a
    view sizing a flat table's columns asked every row for its text (0.1 s of frozen
    window). Item rows carry ``internalId`` = their group's row + 1; day rows carry 0.
    """

    HEADERS = ("Problem", "When", "Meeting", "Detail", "State")
    KIND_LABEL: ClassVar[dict[str, str]] = {
        "double-booking": "Double-booked",
        "unconfirmed": "Unconfirmed",
        "open-items": "Open items",
        "time-off": "Time off",
        "outside-hours": "Outside hours",
        "back-to-back": "Back-to-back",
        "gone": "Gone",
    }
    ICON: ClassVar[dict[str, str]] = {"double-booking": "conflict", "unconfirmed": "unconfirmed"}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._groups: list[HygieneGroup] = []
        self._items: list[HygieneItem] = []  # in the order shown

    def set_items(self, items: Sequence[HygieneItem]) -> None:
        by_day: dict[date, list[HygieneItem]] = {}
        gone: list[HygieneItem] = []
        for item in items:
            when = item.day or (item.when.date() if item.when is not None else None)
            if item.kind == "gone" or when is None:
                gone.append(item)
            else:
                by_day.setdefault(when, []).append(item)
        groups = [
            HygieneGroup(day.isoformat(), self._day_title(day, rows), rows)
            for day, rows in sorted(by_day.items())
        ]
        if gone:
            groups.append(HygieneGroup("gone", f"No longer in your calendars — {len(gone)}", gone))
        self.beginResetModel()
        self._groups = groups
        self._items = [item for group in groups for item in group.items]
        self.endResetModel()

    def _day_title(self, day: date, rows: Sequence[HygieneItem]) -> str:
        open_count = sum(1 for item in rows if not self.closed(item))
        closed = len(rows) - open_count
        counts = [f"{open_count} open"] if open_count else ["nothing open"]
        if closed:
            counts.append(f"{closed} handled or ignored")
        return f"{day:%A} {day.day} {day:%B} — {', '.join(counts)}"

    # --- what the window asks ---

    def items(self) -> list[HygieneItem]:
        """Every problem row, in the order shown."""
        return list(self._items)

    def groups(self) -> list[HygieneGroup]:
        return list(self._groups)

    def item_at(self, index: Index) -> HygieneItem | None:
        """The problem of an item row; None for a day row or no row."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[index.internalId() - 1].items[index.row()]

    def position_of(self, index: Index) -> int | None:
        """The item row's place in :meth:`items`."""
        if not index.isValid() or index.internalId() == 0:
            return None
        group = index.internalId() - 1
        return sum(len(g.items) for g in self._groups[:group]) + index.row()

    def index_of(self, position: int) -> QModelIndex:
        """The item row at ``position`` in :meth:`items` (an invalid index past the end)."""
        for number, group in enumerate(self._groups):
            if position < len(group.items):
                return self.createIndex(position, 0, number + 1)
            position -= len(group.items)
        return QModelIndex()

    @staticmethod
    def closed(item: HygieneItem) -> bool:
        return item.state != "open"

    def open_count(self) -> int:
        return sum(1 for item in self._items if not self.closed(item) and item.kind != "gone")

    # --- the tree ---

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not parent.isValid():
            if 0 <= row < len(self._groups) and 0 <= column < len(self.HEADERS):
                return self.createIndex(row, column, 0)
            return QModelIndex()
        if parent.internalId() != 0 or not 0 <= parent.row() < len(self._groups):
            return QModelIndex()
        if 0 <= row < len(self._groups[parent.row()].items) and 0 <= column < len(self.HEADERS):
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()].items)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            group = self._groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return group.title
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        item = self._groups[index.internalId() - 1].items[index.row()]
        column = index.column()
        closed = self.closed(item)
        if role == ROW_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self.KIND_LABEL.get(item.kind, item.kind)
            if column == 1:
                return f"{item.when:%H:%M}" if item.when else ""
            if column == 2:
                return item.title
            if column == 3:
                return item.detail
            if column == 4:
                return {"handled": "Handled", "ignored": "Ignored"}.get(item.state, "Open")
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return status_icon(self.ICON.get(item.kind, item.kind))
        if role == Qt.ItemDataRole.BackgroundRole and not closed:
            if item.kind == "double-booking":
                return QBrush(theme().problem_bg)
            if item.kind == "unconfirmed":
                return QBrush(theme().warning_bg)
        if role == Qt.ItemDataRole.ForegroundRole and closed:
            return QBrush(theme().faded)
        if role == Qt.ItemDataRole.ToolTipRole:
            when = f"{item.when:%a %d %b %H:%M}\n" if item.when else ""
            return plain_tip(f"{when}{item.title}\n{item.detail}")
        return None


class CheckableListModel(QAbstractListModel):
    """Items with a ``done`` tick; ticking writes through ``on_toggle`` at once."""

    def __init__(self, on_toggle: Callable[[Any, bool], None], parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self._on_toggle = on_toggle

    def item_at(self, row: int) -> Any:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and item.done:
            return QBrush(theme().faded)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        done = Qt.CheckState(value) == Qt.CheckState.Checked
        item = self._items[index.row()]
        if done != item.done:
            self._on_toggle(item, done)
        return True


class ChecklistModel(CheckableListModel):
    """A meeting's checklist, with what the file check says of file-pattern items."""

    def __init__(
        self, on_toggle: Callable[[ChecklistItem, bool], None], parent: Any = None
    ) -> None:
        super().__init__(on_toggle, parent)
        self._items: list[ChecklistItem] = []
        self._statuses: dict[int, str] = {}

    def set_items(
        self, items: Sequence[ChecklistItem], statuses: dict[int, str] | None = None
    ) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._statuses = dict(statuses or {})
        self.endResetModel()

    def items(self) -> list[ChecklistItem]:
        return list(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = item.text + ("  (required)" if item.required else "")
            status = self._statuses.get(item.id)
            return f"{text} — {status}" if status else text
        if role == Qt.ItemDataRole.FontRole and item.required and not item.done:
            font = QFont()
            font.setBold(True)
            return font
        if role == ROW_ROLE:
            return item
        return super().data(index, role)


class FollowUpModel(CheckableListModel):
    def __init__(self, on_toggle: Callable[[FollowUp, bool], None], parent: Any = None) -> None:
        super().__init__(on_toggle, parent)
        self._items: list[FollowUp] = []
        self._client_names: dict[int, str] = {}

    def set_items(self, items: Sequence[FollowUp], client_names: dict[int, str]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._client_names = dict(client_names)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            parts = [item.text]
            if item.due_date and item.due_before:
                # Anchored: moves with the meeting, and says so in words (not colour alone).
                parts.append(f"⚓ before the next meeting ({item.due_date:%a %d %b})")
            elif item.due_date:
                parts.append(f"due {item.due_date:%a %d %b}")
            if item.client_id is not None and item.client_id in self._client_names:
                parts.append(self._client_names[item.client_id])
            return " — ".join(parts)
        if role == Qt.ItemDataRole.FontRole and item.due_before:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and item.due_before:
            return "Due before your next meeting with the client: it moves when that meeting does"
        return super().data(index, role)


class WarningsModel(RowsTableModel):
    """What an import skipped or guessed: file, line, reason."""

    HEADERS = ("File", "Line", "Event", "Reason")

    def __init__(
        self, rows: Sequence[tuple[str, int | None, str, str]], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._rows = list(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        value = self._rows[index.row()][index.column()]
        return "" if value is None else str(value)
