"""The system tray: a glanceable icon, the menu, and reminders on one re-armed timer.

Where the desktop has no tray, reminders show in the window's reminder bar instead.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TypeVar

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from daybrief.services.reminders import Kind, Reminder, ReminderService
from daybrief.ui.tasks import run_in_background
from daybrief.ui.theme import tray_icon_colours

MAX_TIMER_MS = 6 * 3600 * 1000
RETRY_MS = 5 * 60 * 1000
T = TypeVar("T")


def tray_icon(problems: int, size: int = 64) -> QIcon:
    """A calendar page; a red badge with tomorrow's problem count when there are any."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    colours = tray_icon_colours()
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    page = QRectF(size * 0.08, size * 0.14, size * 0.72, size * 0.72)
    painter.setPen(QPen(colours.outline, size / 32))
    painter.setBrush(colours.page)
    painter.drawRoundedRect(page, size * 0.08, size * 0.08)
    painter.setBrush(colours.accent)
    painter.drawRect(QRectF(page.left(), page.top(), page.width(), page.height() * 0.25))
    painter.setPen(QPen(colours.accent, size / 16))
    for row in range(2):
        y = page.top() + page.height() * (0.5 + 0.22 * row)
        painter.drawLine(
            int(page.left() + size * 0.1), int(y), int(page.right() - size * 0.1), int(y)
        )
    if problems:
        badge = QRectF(size * 0.46, size * 0.42, size * 0.54, size * 0.54)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.badge)
        painter.drawEllipse(badge)
        painter.setPen(colours.badge_text)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * (0.34 if problems < 10 else 0.26)))
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(min(problems, 99)))
    painter.end()
    return QIcon(pixmap)


class TrayController(QObject):
    """Owns the tray icon and the reminder timer; the window is told what to open."""

    open_window = Signal()
    open_briefing = Signal(object)  # the day (date) or None for the default
    open_review = Signal()
    open_meeting = Signal(str, object, bool)  # meeting key, day, focus the follow-up entry
    export_briefing = Signal()
    quit_requested = Signal()
    reminder_shown = Signal(object)  # Reminder: for the window's bar when there is no tray
    answer_requested = Signal(str, str)  # meeting key, PARTSTAT: answer the reminder's meeting
    planning_failed = Signal(str)  # what went wrong, in a line, for the window's status bar

    def __init__(
        self,
        reminders: Callable[[], ReminderService],
        problems_ahead: Callable[[ReminderService], int],
        *,
        use_tray: bool | None = None,
        parent: QObject | None = None,
        reminders_on_worker: Callable[[], AbstractContextManager[ReminderService]] | None = None,
    ) -> None:
        """``reminders``: a service on this thread's store (quick reads and writes).
        ``problems_ahead``: the badge's count, from a service. ``reminders_on_worker``: made
        here, entered on a worker, a service on a store of its own: then planning (every
        meeting of the days ahead: 0.2 s on a big store) runs on workers; None: here."""
        super().__init__(parent)
        self._reminders = reminders
        self._problems_ahead = problems_ahead
        self._on_worker = reminders_on_worker
        self._planning = 0  # which plan arms the timer (a later one wins)
        self._stopped = False
        self.current_problems = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.last_reminder: Reminder | None = None
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if use_tray is None else use_tray
        self.icon: QSystemTrayIcon | None = None
        self.menu = QMenu()
        self._build_menu()
        if self.available:
            self.icon = QSystemTrayIcon(self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.messageClicked.connect(self._message_clicked)
            self.icon.show()
        self._show_problems(0)
        if reminders_on_worker is None:
            self.replan()
        # else the window's first fill (its ``refreshed``) or start() plans: not a third
        # worker beside the window's own at start

    def _build_menu(self) -> None:
        def action(text: str, slot: Callable[[], object]) -> QAction:
            item = QAction(text, self.menu)
            item.triggered.connect(slot)
            self.menu.addAction(item)
            return item

        self.briefing_action = action("Open briefing", lambda: self.open_briefing.emit(None))
        self.window_action = action("Open window", self.open_window.emit)
        self.export_action = action("Export tomorrow's briefing…", self.export_briefing.emit)
        self.menu.addSeparator()
        self.snooze_menu = self.menu.addMenu("Snooze last reminder")
        for minutes in (5, 15, 60):
            item = QAction(f"{minutes} min", self.snooze_menu)
            item.triggered.connect(lambda _=False, m=minutes: self.snooze(m))
            self.snooze_menu.addAction(item)
        self.answer_menu = self.menu.addMenu("Answer the last reminder's meeting")
        for text, partstat in (("Accept", "ACCEPTED"), ("Tentative", "TENTATIVE"),
                               ("Decline", "DECLINED")):  # fmt: skip
            item = QAction(text, self.answer_menu)
            item.triggered.connect(lambda _=False, p=partstat: self._answer(p))
            self.answer_menu.addAction(item)
        self.pause_hour = action(
            "Pause reminders for 1 hour", lambda: self.pause(timedelta(hours=1))
        )
        self.pause_day = action("Pause reminders until tomorrow", self.pause_until_tomorrow)
        self.resume_action = action("Resume reminders", lambda: self.pause(None))
        self.menu.addSeparator()
        self.quit_action = action("Quit Daybrief", self.quit_requested.emit)
        self._refresh_menu()

    def _refresh_menu(self) -> None:
        service = self._reminders()
        paused = service.paused_until()
        now = service.clock()
        is_paused = paused is not None and paused > now
        self.resume_action.setVisible(is_paused)
        self.snooze_menu.setEnabled(self.last_reminder is not None)
        self.answer_menu.setEnabled(
            self.last_reminder is not None and self.last_reminder.meeting_key is not None
        )

    def _answer(self, partstat: str) -> None:
        if self.last_reminder is not None and self.last_reminder.meeting_key is not None:
            self.answer_requested.emit(self.last_reminder.meeting_key, partstat)

    # --- the icon ---

    def _show_problems(self, problems: int) -> None:
        self.current_problems = problems
        if self.icon is not None:
            self.icon.setIcon(tray_icon(problems))
            self.icon.setToolTip(
                f"Daybrief — {problems} problem(s) for the next working day"
                if problems
                else "Daybrief — the next working day looks clean"
            )

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.open_window.emit()

    # --- reminders ---

    def start(self) -> None:
        self.check()

    def _plan(self, work: Callable[[ReminderService], T], then: Callable[[T], None]) -> None:
        """``work`` on a service, here or on a worker; ``then`` with its result, here."""
        if self._on_worker is None:
            then(work(self._reminders()))
            return
        opened = self._on_worker()

        def planned() -> T:
            with opened as service:
                return work(service)

        def done(result: T) -> None:
            if not self._stopped:
                then(result)

        def failed(message: str) -> None:
            if self._stopped:
                return
            self.planning_failed.emit(f"Could not plan reminders: {message}")
            self.timer.start(RETRY_MS)  # a check again later, not silence until a refresh

        run_in_background(planned, done, failed)

    def check(self) -> None:
        """Show what is due, then sleep until the next due time (one timer, no polling)."""
        self._plan_and_arm(show_due=True)

    def replan(self) -> None:
        """Calendars, settings or a pause changed: the badge and the next reminder, again."""
        self._plan_and_arm(show_due=False)

    def _plan_and_arm(self, *, show_due: bool) -> None:
        self._planning += 1
        planning, problems = self._planning, self._problems_ahead

        def work(service: ReminderService) -> tuple[list[Reminder], datetime, datetime | None, int]:
            now = service.clock()
            due = service.due(now).reminders if show_due else []
            return due, now, service.next_due(now), problems(service)

        def then(result: tuple[list[Reminder], datetime, datetime | None, int]) -> None:
            due, now, following, count = result
            for reminder in due:  # already marked shown: shown whatever came since
                self.show(reminder)
            self._show_problems(count)
            self._refresh_menu()
            if planning == self._planning:  # a later plan sets the timer
                following = following or now + timedelta(hours=6)
                milliseconds = int((following - now).total_seconds() * 1000)
                self.timer.start(max(1000, min(milliseconds, MAX_TIMER_MS)))

        self._plan(work, then)

    def show(self, reminder: Reminder) -> None:
        self.last_reminder = reminder
        if self.icon is not None:
            self.icon.showMessage(
                reminder.title,
                reminder.message,
                QSystemTrayIcon.MessageIcon.Information,
                15000,
            )
        self.reminder_shown.emit(reminder)

    def _message_clicked(self) -> None:
        if self.last_reminder is not None:
            self.open_reminder(self.last_reminder)

    def open_reminder(self, reminder: Reminder) -> None:
        """Clicking a reminder opens the place it is about."""
        if reminder.kind in (Kind.BEFORE, Kind.AFTER) and reminder.meeting_key:
            self.open_meeting.emit(reminder.meeting_key, reminder.day, reminder.kind is Kind.AFTER)
        elif reminder.kind is Kind.EVENING:
            self.open_review.emit()  # the evening routine, on one page
        elif reminder.kind is Kind.MORNING:
            self.open_briefing.emit(reminder.day)
        else:
            self.open_window.emit()

    def snooze(self, minutes: int) -> None:
        if self.last_reminder is None:
            return
        service = self._reminders()
        service.snooze(self.last_reminder, minutes)
        self.replan()

    def pause(self, span: timedelta | None) -> None:
        service = self._reminders()
        service.pause(None if span is None else service.clock() + span)
        self._refresh_menu()
        self.replan()

    def quiet_until(self, moment: datetime) -> None:
        """ "Done for today": nothing until ``moment`` (the next working day's start)."""
        service = self._reminders()
        service.pause(moment)
        self._refresh_menu()
        self.replan()

    def pause_until_tomorrow(self) -> None:
        service = self._reminders()
        zone = service.preferences.zone()
        tomorrow = service.clock().astimezone(zone).date() + timedelta(days=1)
        start = datetime.combine(tomorrow, service.preferences.work_start, zone)
        service.pause(start)
        self._refresh_menu()
        self.replan()

    def hide(self) -> None:
        self._stopped = True
        self.timer.stop()
        if self.icon is not None:
            self.icon.hide()
