"""A day or a week as a time grid: meetings as blocks at their times, painted here.

Overlapping meetings sit side by side (each cluster of overlaps shares its column's width),
so a double-booking is seen, not worked out from two rows. Each block shows its problem
as an icon and a word (never colour alone) and is tinted with its calendar's colour.
Everything is plain text drawn by QPainter: calendar text is never rich text here.

Keyboard: Up/Down (or Tab) step through the meetings in time order, Left/Right move to
the nearest meeting of the day before/after (in a week), Home/End jump to the first/last
meeting, Enter or Space opens the current one.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QScrollArea, QToolTip, QVBoxLayout, QWidget

from daybrief.services.agenda import AgendaRow
from daybrief.ui.theme import Theme, theme

MINUTES_PER_DAY = 24 * 60


def problem_words(row: AgendaRow) -> list[tuple[str, str]]:
    """(icon kind, word) for each problem a meeting has, worst first."""
    words = []
    if row.conflicts_with:
        words.append(("conflict", "Double-booked"))
    if row.unconfirmed is not None:
        words.append(("unconfirmed", "Unconfirmed"))
    if row.outside_hours:
        words.append(("outside", "Outside hours"))
    return words


def is_context(row: AgendaRow) -> bool:
    """Not the user's meeting (docs/roles.md: another person's in their calendar, an
    information calendar's entry): drawn faded."""
    return row.context


def calendar_colour(name: str) -> QColor:
    """A calendar's own, stable colour: a hue from its name (calendars carry none here)."""
    hue = zlib.crc32(name.encode("utf-8")) % 360
    return QColor.fromHslF(hue / 360, 0.65, 0.5)


def row_text(row: AgendaRow) -> str:
    """What a screen reader and the tooltip say about a block."""
    parts = [row.time_label(), row.summary]
    if row.organiser_time:
        parts.append(f"organiser's time {row.organiser_time}")
    if row.clients:
        parts.append("with " + ", ".join(row.clients))
    parts += [word for _kind, word in problem_words(row)]
    if not row.busy:
        parts.append("free time")
    if is_context(row):
        parts.append("context calendar")
    return ", ".join(parts)


@dataclass
class Block:
    row: AgendaRow
    day: int
    """Column: index into the grid's days."""
    start: int
    end: int
    """Minutes since the day's midnight, end exclusive, clipped to the day."""
    lane: int = 0
    lanes: int = 1


def _minutes(moment: datetime, day: date) -> int:
    delta = moment.replace(tzinfo=None) - datetime.combine(day, time())
    return max(0, min(MINUTES_PER_DAY, int(delta.total_seconds() // 60)))


def lay_out(days: Sequence[tuple[date, Sequence[AgendaRow]]]) -> tuple[list[Block], list[Block]]:
    """Timed blocks (with side-by-side lanes for overlaps) and all-day blocks, per column."""
    timed: list[Block] = []
    all_day: list[Block] = []
    for column, (day, rows) in enumerate(days):
        blocks: list[Block] = []
        for row in rows:
            if row.occurrence.all_day:
                all_day.append(Block(row, column, 0, MINUTES_PER_DAY))
                continue
            start = _minutes(row.start, day)
            # A short meeting still gets a block tall enough for a line of text (half an
            # hour is 1.6 lines at the grid's hour height); lanes use that height too.
            end = max(_minutes(row.end, day), min(start + 30, MINUTES_PER_DAY))
            blocks.append(Block(row, column, start, end))
        blocks.sort(key=lambda b: (b.start, -b.end))
        _assign_lanes(blocks)
        timed += blocks
    return timed, all_day


def _assign_lanes(blocks: list[Block]) -> None:
    """Greedy lanes within each cluster of transitively overlapping blocks."""
    cluster: list[Block] = []
    lane_ends: list[int] = []
    cluster_end = -1

    def close() -> None:
        for block in cluster:
            block.lanes = len(lane_ends)

    for block in blocks:
        if cluster and block.start >= cluster_end:
            close()
            cluster, lane_ends = [], []
        for lane, end in enumerate(lane_ends):
            if end <= block.start:
                block.lane = lane
                lane_ends[lane] = block.end
                break
        else:
            block.lane = len(lane_ends)
            lane_ends.append(block.end)
        cluster.append(block)
        cluster_end = max(cluster_end, block.end)
    if cluster:
        close()


class TimeGrid(QWidget):
    """The painted grid. ``opened`` when a meeting is clicked or Enter is pressed on it;
    ``current_changed`` when the keyboard or a click moves to another meeting."""

    opened = Signal(object)
    current_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.days: list[tuple[date, list[AgendaRow]]] = []
        self.blocks: list[Block] = []
        self.all_day: list[Block] = []
        self.current: int | None = None
        self.work_start = time(9)
        self.work_end = time(17, 30)
        self.working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
        self.now: datetime | None = None
        self._rects: list[QRectF] = []
        self._all_day_rects: list[QRectF] = []
        self.sticky_top = 0.0
        self._current_block: Block | None = None
        """How far the scroll area has scrolled: the day names and all-day meetings stay
        in sight, painted at the top of what shows."""
        self.setAccessibleName("Meetings by time")

    # --- data ---

    def set_days(
        self,
        days: Sequence[tuple[date, Sequence[AgendaRow]]],
        *,
        work_start: time,
        work_end: time,
        working_days: Sequence[int],
        now: datetime | None,
        select_key: str | None = None,
    ) -> None:
        self.days = [(day, list(rows)) for day, rows in days]
        self.work_start, self.work_end = work_start, work_end
        self.working_days = tuple(working_days)
        self.now = now
        self.blocks, self.all_day = lay_out(self.days)
        self.current = None
        if select_key is not None:
            for number, block in enumerate(self.ordered()):
                if block.row.key == select_key:
                    self.current = number
                    break
        count = len(self.blocks) + len(self.all_day)
        label = "1 meeting" if count == 1 else f"{count} meetings"
        if len(self.days) == 1:
            self.setAccessibleName(f"Meetings by time on {self.days[0][0]:%A %d %B}: {label}")
        elif self.days:
            self.setAccessibleName(f"Meetings by time, week of {self.days[0][0]:%d %B}: {label}")
        self._describe()
        self.updateGeometry()
        self._relayout()
        self.update()

    def ordered(self) -> list[Block]:
        """Every block in reading order: day by day, all-day first, then by start time."""
        return sorted(
            [*self.all_day, *self.blocks],
            key=lambda b: (b.day, b.row.occurrence.all_day is False, b.start, b.lane),
        )

    def current_row(self) -> AgendaRow | None:
        blocks = self.ordered()
        if self.current is None or not 0 <= self.current < len(blocks):
            return None
        return blocks[self.current].row

    def select_key(self, key: str | None) -> None:
        for number, block in enumerate(self.ordered()):
            if key is not None and block.row.key == key:
                self._set_current(number, emit=False)
                return

    # --- geometry ---

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    def hour_height(self) -> float:
        # Three lines of text per hour: a half-hour meeting shows its time and title.
        return math.ceil(self._metrics().lineSpacing() * 3.2)

    def gutter(self) -> float:
        return math.ceil(self._metrics().horizontalAdvance("00:00") + 12)

    def header_height(self) -> float:
        if len(self.days) <= 1 and not self.all_day:
            return 0.0
        rows = 1 if len(self.days) > 1 else 0
        lanes = self._all_day_lanes()
        return math.ceil(self._metrics().lineSpacing() * (rows + lanes * 1.4) + 6)

    def _all_day_lanes(self) -> int:
        per_day: dict[int, int] = {}
        for block in self.all_day:
            per_day[block.day] = per_day.get(block.day, 0) + 1
        return max(per_day.values(), default=0)

    def sizeHint(self) -> QSize:
        return QSize(480, int(self.header_height() + 24 * self.hour_height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(int(self.gutter() + 120), int(self.header_height() + 24 * self.hour_height()))

    def column_rect(self, column: int) -> QRectF:
        count = max(1, len(self.days))
        width = (self.width() - self.gutter()) / count
        top = self.header_height()
        return QRectF(self.gutter() + column * width, top, width, self.height() - top)

    def y_of(self, minutes: float) -> float:
        return self.header_height() + minutes / 60 * self.hour_height()

    def _relayout(self) -> None:
        # The geometry once, not per block: a 277-meeting day measured the font 2,000 times.
        columns = [self.column_rect(number) for number in range(max(1, len(self.days)))]
        header, hour = self.header_height(), self.hour_height()
        self._rects = []
        for block in self.blocks:
            inner = columns[block.day].adjusted(2, 0, -4, 0)
            width = inner.width() / block.lanes
            top = header + block.start / 60 * hour
            bottom = header + block.end / 60 * hour
            self._rects.append(
                QRectF(inner.left() + block.lane * width, top + 1, width - 2, bottom - top - 2)
            )
        self._all_day_rects = []
        lane_of: dict[int, int] = {}
        line = self._metrics().lineSpacing()
        spacing = line * 1.4
        first = line if len(self.days) > 1 else 0
        for block in self.all_day:
            lane = lane_of.get(block.day, 0)
            lane_of[block.day] = lane + 1
            column = columns[block.day]
            self._all_day_rects.append(
                QRectF(
                    column.left() + 2, 3 + first + lane * spacing, column.width() - 6, spacing - 2
                )
            )

    def resizeEvent(self, event: object) -> None:
        self._relayout()
        super().resizeEvent(event)  # type: ignore[arg-type]

    def set_sticky_top(self, top: float) -> None:
        self.sticky_top = top
        self.update()

    def rect_of(self, block: Block) -> QRectF:
        if block in self.all_day:
            return self._all_day_rects[self.all_day.index(block)].translated(0, self.sticky_top)
        return self._rects[self.blocks.index(block)]

    def block_at(self, point: QPointF) -> Block | None:
        # The header (over the hours when scrolled) first: it is painted on top.
        for block, rect in zip(self.all_day, self._all_day_rects, strict=True):
            if rect.translated(0, self.sticky_top).contains(point):
                return block
        if point.y() < self.sticky_top + self.header_height():
            return None
        for block, rect in zip(self.blocks, self._rects, strict=True):
            if rect.contains(point):
                return block
        return None

    def first_minutes(self) -> int:
        """Where to scroll to: the working day's start, or the first meeting when earlier."""
        start = self.work_start.hour * 60 + self.work_start.minute
        earliest = min((b.start for b in self.blocks), default=start)
        return max(0, min(start, earliest) - 30)

    # --- painting ---

    def paintEvent(self, event: QPaintEvent) -> None:
        # Found once per paint: a busy generated day has hundreds of blocks.
        ordered = self.ordered() if self.current is not None else []
        self._current_block = ordered[self.current] if self.current is not None else None
        tones = theme(self.palette())
        self._paint_metrics = self._metrics()  # once per paint, not once per block
        self._paint_tones: dict[tuple[str, bool], tuple[QColor, QColor]] = {}
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), tones.base)
        self._paint_hours(painter, tones)
        # Only what is exposed: the scroll area shows a few hours, and a generated week of
        # 1,400 meetings took 0.3 s to paint whole.
        exposed = QRectF(event.rect())
        for block, rect in zip(self.blocks, self._rects, strict=True):
            if rect.intersects(exposed):
                self._paint_block(painter, tones, block, rect)
        self._paint_now(painter, tones)
        painter.save()
        painter.translate(0, self.sticky_top)
        self._paint_header(painter, tones)
        painter.restore()
        painter.end()

    def _paint_hours(self, painter: QPainter, tones: Theme) -> None:
        metrics = self._metrics()
        work_from = self.work_start.hour * 60 + self.work_start.minute
        work_to = self.work_end.hour * 60 + self.work_end.minute
        for column, (day, _rows) in enumerate(self.days):
            if day.weekday() in self.working_days:
                area = self.column_rect(column)
                top, bottom = self.y_of(work_from), self.y_of(work_to)
                painter.fillRect(
                    QRectF(area.left(), top, area.width(), bottom - top), tones.working_bg
                )
        painter.setPen(QPen(tones.line, 1))
        right = self.width()
        for hour in range(25):
            y = self.y_of(hour * 60)
            painter.drawLine(QPointF(self.gutter() - 4, y), QPointF(right, y))
            if hour < 24:
                painter.setPen(tones.faded)
                painter.drawText(
                    QRectF(0, y + 1, self.gutter() - 8, metrics.lineSpacing()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                    f"{hour:02d}:00",
                )
                painter.setPen(QPen(tones.line, 1))
        for column in range(1, len(self.days)):
            x = self.column_rect(column).left()
            painter.drawLine(QPointF(x, self.header_height()), QPointF(x, self.height()))

    def _paint_header(self, painter: QPainter, tones: Theme) -> None:
        height = self.header_height()
        if not height:
            return
        painter.fillRect(QRectF(0, 0, self.width(), height), tones.window)
        metrics = self._metrics()
        if len(self.days) > 1:
            today = self.now.date() if self.now is not None else None
            for column, (day, _rows) in enumerate(self.days):
                area = self.column_rect(column)
                font = painter.font()
                font.setBold(day == today)
                painter.setFont(font)
                painter.setPen(tones.text if day.weekday() in self.working_days else tones.faded)
                painter.drawText(
                    QRectF(area.left() + 4, 2, area.width() - 8, metrics.lineSpacing()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(
                        f"{day:%a %d %b}", Qt.TextElideMode.ElideRight, area.width() - 8
                    ),
                )
            font = painter.font()
            font.setBold(False)
            painter.setFont(font)
        for block, rect in zip(self.all_day, self._all_day_rects, strict=True):
            self._paint_block(painter, tones, block, rect)
        painter.setPen(QPen(tones.line, 1))
        painter.drawLine(QPointF(0, height - 1), QPointF(self.width(), height - 1))

    def _paint_now(self, painter: QPainter, tones: Theme) -> None:
        if self.now is None:
            return
        for column, (day, _rows) in enumerate(self.days):
            if day == self.now.date():
                area = self.column_rect(column)
                y = self.y_of(self.now.hour * 60 + self.now.minute)
                painter.setPen(QPen(tones.problem, 2))
                painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
                painter.setBrush(tones.problem)
                painter.drawEllipse(QPointF(area.left(), y), 4, 4)

    def _paint_block(self, painter: QPainter, tones: Theme, block: Block, rect: QRectF) -> None:
        from daybrief.ui.models import status_icon  # the same icons as the list

        row = block.row
        faded = is_context(row) or not row.busy
        metrics = self._paint_metrics
        is_current = block is self._current_block
        if rect.width() - 12 < metrics.height():
            # A sliver in a pile-up: no room for a word or an icon (the tooltip and the
            # description say them), so a plain bar, its left edge red when double-booked.
            key = (row.colour or row.occurrence.calendar, faded)
            tone = self._paint_tones.get(key)
            if tone is None:
                colour = block_colour(row)
                tone = self._paint_tones[key] = (
                    tones.calendar(colour, faded=faded),
                    tones.accent(colour),
                )
            painter.fillRect(rect, tone[0])
            edge = tones.problem if row.conflicts_with else tone[1]
            painter.fillRect(
                QRectF(rect.left(), rect.top(), min(3.0, rect.width()), rect.height()), edge
            )
            if is_current:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(tones.highlight, 2))
                painter.drawRect(rect)
            return
        colour = block_colour(row)
        problems = problem_words(row)
        painter.save()
        painter.setClipRect(rect.adjusted(-2, -2, 2, 2))
        fill = tones.calendar(colour, faded=faded)
        painter.setBrush(fill)
        edge = tones.problem if row.conflicts_with else tones.line
        painter.setPen(QPen(edge, 1.5 if row.conflicts_with else 1))
        if faded:
            pen = painter.pen()
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
        painter.drawRoundedRect(rect, 3, 3)
        strip = QRectF(rect.left(), rect.top(), 4, rect.height())
        painter.fillRect(
            strip, tones.calendar(colour, faded=True) if faded else tones.accent(colour)
        )
        if is_current:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(tones.highlight, 2.5))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
        text_rect = rect.adjusted(8, 2, -4, -2)
        painter.setPen(tones.faded if faded else tones.text)
        y = text_rect.top()
        line = metrics.lineSpacing()
        title = row.summary if row.occurrence.all_day else f"{row.start:%H:%M} {row.summary}"
        # The badge first, so a short block still says what is wrong with it; a block of
        # one line puts the badge and the title side by side.
        if problems and text_rect.height() >= line * 0.9:
            kind = problems[0][0]
            label = ", ".join(word for _kind, word in problems)
            size = int(metrics.height())
            status_icon(kind).paint(painter, int(text_rect.left()), int(y), size, size)
            font = painter.font()
            font.setBold(True)
            bold = QFontMetricsF(font)
            room = text_rect.width() - size - 4
            one_line = text_rect.height() < line * 1.9
            if one_line:
                label = bold.elidedText(label, Qt.TextElideMode.ElideRight, room * 0.6)
            else:
                label = bold.elidedText(label, Qt.TextElideMode.ElideRight, room)
            if bold.horizontalAdvance(problems[0][1]) > room:
                # Too narrow for the word ("Do…" says nothing): the icon alone, the word
                # in the tooltip and the accessible description.
                label = ""
            painter.setPen(tones.problem if kind == "conflict" else tones.warning)
            painter.setFont(font)
            label_rect = QRectF(text_rect.left() + size + 4, y, room, line)
            painter.drawText(
                label_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label
            )
            used = bold.horizontalAdvance(label) + 8
            font.setBold(False)
            painter.setFont(font)
            painter.setPen(tones.faded if faded else tones.text)
            if one_line:
                painter.drawText(
                    QRectF(label_rect.left() + used, y, max(0.0, room - used), line),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(title, Qt.TextElideMode.ElideRight, max(0.0, room - used)),
                )
                title = ""
            y += line
        remaining = QRectF(text_rect.left(), y, text_rect.width(), text_rect.bottom() - y)
        if title and remaining.height() >= line * 0.9:
            lines = max(1, int(remaining.height() // line))
            painter.drawText(
                remaining,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                _fit(title, metrics, remaining.width(), lines),
            )
        painter.restore()

    # --- interaction ---

    def mousePressEvent(self, event: QMouseEvent) -> None:
        block = self.block_at(event.position())
        if block is None:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._set_current(self.ordered().index(block))
        self.opened.emit(block.row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        blocks = self.ordered()
        key = event.key()
        if not blocks:
            super().keyPressEvent(event)
            return
        current = self.current
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if current is not None:
                self.opened.emit(blocks[current].row)
            return
        if key == Qt.Key.Key_Down:
            target = 0 if current is None else min(current + 1, len(blocks) - 1)
        elif key == Qt.Key.Key_Up:
            target = 0 if current is None else max(current - 1, 0)
        elif key == Qt.Key.Key_Home:
            target = 0
        elif key == Qt.Key.Key_End:
            target = len(blocks) - 1
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            target = self._across(blocks, current, step)
        else:
            super().keyPressEvent(event)
            return
        self._set_current(target)

    def _across(self, blocks: list[Block], current: int | None, step: int) -> int:
        """The nearest meeting in time on the day ``step`` columns away; in a single day,
        the previous/next meeting."""
        if current is None:
            return 0
        here = blocks[current]
        if len(self.days) <= 1:
            return max(0, min(len(blocks) - 1, current + step))
        column = here.day + step
        while 0 <= column < len(self.days):
            candidates = [n for n, b in enumerate(blocks) if b.day == column]
            if candidates:
                return min(candidates, key=lambda n: abs(blocks[n].start - here.start))
            column += step
        return current

    def _set_current(self, number: int, *, emit: bool = True) -> None:
        if number == self.current:
            return
        self.current = number
        self._describe()
        row = self.current_row()
        block = self.ordered()[number]
        parent = self.parentWidget()
        scroll = parent.parentWidget() if parent is not None else None
        if isinstance(scroll, QScrollArea):
            rect = self.rect_of(block)
            scroll.ensureVisible(
                int(rect.center().x()), int(rect.top()), 20, int(self.hour_height())
            )
        self.update()
        if emit:
            self.current_changed.emit(row)

    def _describe(self) -> None:
        row = self.current_row()
        self.setAccessibleDescription(row_text(row) if row is not None else "No meeting selected")

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current is None and (self.blocks or self.all_day):
            self._set_current(0)
        super().focusInEvent(event)

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            block = self.block_at(QPointF(event.pos()))
            if block is not None:
                QToolTip.showText(event.globalPos(), row_text(block.row), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]


def _fit(text: str, metrics: QFontMetricsF, width: float, lines: int) -> str:
    """``text`` cut with an ellipsis so it fits ``lines`` wrapped lines of ``width``."""
    if lines <= 1:
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    flags = int(Qt.TextFlag.TextWordWrap)
    height = metrics.lineSpacing() * lines + 1
    if metrics.boundingRect(QRectF(0, 0, width, 1e6), flags, text).height() <= height:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        candidate = text[:middle].rstrip() + "…"
        if metrics.boundingRect(QRectF(0, 0, width, 1e6), flags, candidate).height() <= height:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


class TimeGridView(QWidget):
    """The grid in a scroll area, scrolled to the working day when shown a new day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = TimeGrid()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.grid)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.setFocusProxy(self.grid)
        self.scroll.verticalScrollBar().valueChanged.connect(self.grid.set_sticky_top)
        self._shown: tuple[date, ...] = ()

    def set_days(self, days: Sequence[tuple[date, Sequence[AgendaRow]]], **options: object) -> None:
        self.grid.set_days(days, **options)  # type: ignore[arg-type]
        shown = tuple(day for day, _rows in days)
        if shown != self._shown:  # a new day: scroll to its morning; a refresh stays put
            self._shown = shown
            self.scroll.verticalScrollBar().setValue(int(self.grid.y_of(self.grid.first_minutes())))


def block_colour(row: AgendaRow) -> QColor:
    """The colour the user chose for the calendar, else one of its own from its name."""
    return QColor(row.colour) if row.colour else calendar_colour(row.occurrence.calendar)


def week_days(first: date, count: int = 7) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]
