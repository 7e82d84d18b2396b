"""Small widgets of the main window: the first-start page and the in-window reminder bar."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daybrief.ui.theme import tone


class EmptyState(QWidget):
    """What a first start shows: bring a calendar, or try the demo."""

    open_file = Signal()
    try_demo = Signal()
    subscribe = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>Prepare for tomorrow in two minutes</h1>")
        text = QLabel(
            "Daybrief reads your calendars and tells you, every evening, which meetings are "
            "double-booked or unconfirmed, which clients you will see, and what each meeting "
            "needs.<br><br>Start with a calendar file (.ics) exported from Outlook, Google "
            "Calendar or Thunderbird — or drop one onto this window."
        )
        text.setWordWrap(True)
        self.open_button = QPushButton("Open a calendar file…")
        self.subscribe_button = QPushButton("Add a subscription…")
        self.subscribe_button.setToolTip(
            "A calendar address (Google's or Outlook's secret iCal address, webcal://…) "
            "or a CalDAV account (Nextcloud, Fastmail, …)"
        )
        self.subscribe_button.clicked.connect(self.subscribe)
        self.demo_button = QPushButton("Try the demo calendar")
        self.open_button.clicked.connect(self.open_file)
        self.demo_button.clicked.connect(self.try_demo)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.subscribe_button, self.demo_button):
            button.setMinimumHeight(36)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        text.setFixedWidth(620)
        layout.addWidget(text, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.setContentsMargins(60, 20, 60, 20)


class ReminderBar(QWidget):
    """A reminder inside the window: where there is no tray, and while the window is open."""

    open_requested = Signal(object)
    snooze_requested = Signal(object, int)
    answer_requested = Signal(object, str)  # the reminder, PARTSTAT

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tone(self, background="warning_bg")
        self.reminder: object | None = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.reminder))
        self.snooze = QToolButton(text="Snooze")
        self.snooze.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.snooze)
        for minutes in (5, 15, 60):
            menu.addAction(
                f"{minutes} min",
                lambda m=minutes: (self.snooze_requested.emit(self.reminder, m), self.hide()),
            )
        self.snooze.setMenu(menu)
        # Answer the meeting the reminder is about, without opening it.
        self.answer = QToolButton(text="Answer")
        self.answer.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        answers = QMenu(self.answer)
        for text, partstat in (("Accept", "ACCEPTED"), ("Tentative", "TENTATIVE"),
                               ("Decline", "DECLINED")):  # fmt: skip
            answers.addAction(text, lambda p=partstat: self.answer_requested.emit(self.reminder, p))
        self.answer.setMenu(answers)
        dismiss = QPushButton("Dismiss")
        dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.text, 1)
        for widget in (self.open_button, self.answer, self.snooze, dismiss):
            layout.addWidget(widget)
        self.hide()

    def show_reminder(self, reminder: object, title: str, message: str) -> None:
        self.reminder = reminder
        body = escape(message).replace("\n", "<br>")
        self.text.setText(f"<b>{escape(title)}</b><br>{body}")
        self.answer.setVisible(getattr(reminder, "meeting_key", None) is not None)
        self.show()
