"""Answering invitations from the window, and the mail settings.

- :class:`AnswerControls`: Accept / Tentative / Decline, a comment, this meeting or the
  whole series; the answer travels on a worker (a CalDAV write or a mailed reply can take
  seconds), never on the UI thread.
- :class:`Answerer`: the same for the tray and the reminder bar (no widget of its own).
- :class:`MailSettingsDialog`: the SMTP account and "email me the briefing every working
  day at <time>".
- :class:`DailyBriefingMailer`: sends that e-mail when it is due, on a worker.

Calendar text is shown as plain text only; colours come from the palette.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from daybrief.core.model import Occurrence, recurrence_key
from daybrief.services.answers import (
    AnswerOutcome,
    answer_in_background,
    answer_meeting_key,
    answer_state,
)
from daybrief.services.credentials import CredentialStore, CredentialsUnavailable, KeyringStore
from daybrief.services.mail import MailAccount, MailError, load_account, save_account
from daybrief.services.sending import (
    daily_briefing_time,
    mail_daily_briefing,
    set_daily_briefing,
)
from daybrief.services.storage import Store
from daybrief.ui.tasks import Job, start

ANSWERS = (("Accept", "ACCEPTED"), ("Tentative", "TENTATIVE"), ("Decline", "DECLINED"))


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class Answerer(QObject):
    """Runs answers on the thread pool, one at a time; ``done`` reports each."""

    done = Signal(object)  # AnswerOutcome

    def __init__(
        self,
        store_file: Callable[[], Path],
        clock: Callable[[], datetime],
        credentials: Callable[[], CredentialStore] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store_file = store_file
        self._clock = clock
        self._credentials = credentials or KeyringStore
        self.job: Job | None = None

    @property
    def busy(self) -> bool:
        return self.job is not None

    def answer(
        self,
        uid: str,
        instance: str | None,
        partstat: str,
        *,
        comment: str = "",
        scope: str | None = None,
    ) -> Job | None:
        if self.job is not None:
            return None
        path, now, credentials = self._store_file(), self._clock(), self._credentials()
        job = Job(
            lambda _progress: answer_in_background(
                path, uid, instance, partstat, comment=comment, scope=scope,
                credentials=credentials, now=now,
            )
        )  # fmt: skip
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(lambda text: self._finished(AnswerOutcome(False, text)))
        self.job = job
        return start(job)

    def answer_key(self, key: str, partstat: str) -> Job | None:
        """Answer the meeting of a reminder (its meeting key): that instance only."""
        uid, instance = answer_meeting_key(key)
        return self.answer(uid, instance, partstat)

    def _finished(self, outcome: AnswerOutcome) -> None:
        self.job = None
        self.done.emit(outcome)


class AnswerControls(QWidget):
    """The "Your answer" row of the meeting detail."""

    answered = Signal(object)  # AnswerOutcome, after the answer was given (or failed)

    def __init__(
        self,
        store: Callable[[], Store],
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.credentials: Callable[[], CredentialStore] = KeyringStore
        self.answerer = Answerer(
            lambda: self._store().path, clock, lambda: self.credentials(), self
        )
        self.answerer.done.connect(self._done)
        self._occurrence: Occurrence | None = None
        heading = QLabel("Your answer")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.state_label = _plain(QLabel())
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for text, partstat in ANSWERS:
            button = QPushButton(text)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, p=partstat: self._answer(p))
            self.buttons[partstat] = button
            row.addWidget(button)
        self.scope = QComboBox()
        self.scope.addItem("This meeting only", "instance")
        self.scope.addItem("The whole series", "series")
        self.scope.setToolTip("Answer this one meeting of the series, or all of them")
        row.addWidget(self.scope)
        row.addStretch(1)
        self.comment = QLineEdit(placeholderText="Comment for the organiser (optional)")
        self.comment.setMaxLength(500)
        self.how = _plain(QLabel())
        self.how.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.state_label)
        layout.addLayout(row)
        layout.addWidget(self.comment)
        layout.addWidget(self.how)
        self.show_for(None)

    def show_for(self, occurrence: Occurrence | None) -> None:
        self._occurrence = occurrence
        if occurrence is None:
            self.setVisible(False)
            return
        state = answer_state(self._store(), occurrence)
        self.setVisible(True)
        self.state_label.setText(state.label())
        chosen = state.pending or state.current
        for partstat, button in self.buttons.items():
            button.setEnabled(state.answerable and not self.answerer.busy)
            button.setChecked(partstat == chosen)
            # Some styles barely show a checked button: the answer given is bold too.
            font = button.font()
            font.setBold(partstat == chosen)
            button.setFont(font)
        self.scope.setVisible(state.recurring)
        self.scope.setCurrentIndex(0)
        self.comment.setEnabled(state.answerable)
        if not state.answerable:
            self.how.setText("")
        elif state.writes_back:
            self.how.setText("Your answer is saved in your calendar on the server.")
        elif load_account(self._store()) is not None:
            self.how.setText("A reply is e-mailed to the organiser.")
        else:
            self.how.setText(
                "A reply to the organiser opens in your mail program (no mail account set)."
            )

    def _answer(self, partstat: str) -> None:
        occurrence = self._occurrence
        if occurrence is None or occurrence.uid is None:
            return
        scope = self.scope.currentData() if self.scope.isVisible() else None
        instance = recurrence_key(occurrence) or None
        job = self.answerer.answer(
            occurrence.uid, instance, partstat, comment=self.comment.text(), scope=scope
        )
        if job is None:
            return
        for button in self.buttons.values():
            button.setEnabled(False)
        self.state_label.setText("Answering…")

    def _done(self, outcome: AnswerOutcome) -> None:
        if outcome.ok:
            self.comment.clear()
        self.show_for(self._occurrence)
        if not outcome.ok:
            self.state_label.setText(outcome.message)
        self.answered.emit(outcome)


# ---------------------------------------------------------------------------- mail settings


class MailSettingsDialog(QDialog):
    """The SMTP account (password to the keyring) and the daily briefing e-mail."""

    def __init__(
        self, store: Store, credentials: CredentialStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mail")
        self._store = store
        self._credentials = credentials
        account = load_account(store)
        self.host = QLineEdit(account.host if account else "")
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox(minimum=1, maximum=65535)
        self.port.setValue(account.port if account else 587)
        self.security = QComboBox()
        for text, value in (("STARTTLS", "starttls"), ("TLS", "tls"),
                            ("None (this computer only)", "none")):  # fmt: skip
            self.security.addItem(text, value)
        self.security.setCurrentIndex(
            max(0, self.security.findData(account.security if account else "starttls"))
        )
        self.sender = QLineEdit(account.sender if account else "")
        self.sender.setPlaceholderText("you@example.com")
        self.user = QLineEdit(account.user or "" if account else "")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            "unchanged" if account and account.user else "kept in the keyring"
        )
        daily = daily_briefing_time(store)
        self.daily = QCheckBox("Email me the briefing every working day at")
        self.daily.setChecked(daily is not None)
        at = daily[0] if daily else time(7, 30)
        self.daily_time = QTimeEdit(QTime(at.hour, at.minute))
        self.daily_to = QLineEdit(daily[1] if daily else "")
        self.daily_to.setPlaceholderText("the address above")
        daily_row = QHBoxLayout()
        daily_row.addWidget(self.daily)
        daily_row.addWidget(self.daily_time)
        daily_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Server", self.host)
        form.addRow("Port", self.port)
        form.addRow("Security", self.security)
        form.addRow("From", self.sender)
        form.addRow("User name", self.user)
        form.addRow("Password", self.password)
        form.addRow(daily_row)
        form.addRow("Send it to", self.daily_to)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        try:
            if self.host.text().strip():
                account = MailAccount(
                    self.host.text().strip(), self.port.value(),
                    str(self.security.currentData()), self.sender.text().strip(),
                    self.user.text().strip() or None,
                )  # fmt: skip
                # An empty password field keeps the stored password.
                save_account(
                    self._store, account, credentials=self._credentials,
                    password=self.password.text() or None,
                )  # fmt: skip
            if self.daily.isChecked():
                at = self.daily_time.time().toPython()
                set_daily_briefing(self._store, at, self.daily_to.text().strip() or None)  # type: ignore[arg-type]
            else:
                set_daily_briefing(self._store, None)
        except (MailError, CredentialsUnavailable) as error:
            QMessageBox.warning(self, "Mail", str(error))
            return
        self.accept()


class DailyBriefingMailer(QObject):
    """Sends "the briefing every working day at <time>" when due; checks a few times an
    hour (a sleeping laptop's timers drift), the sending itself on a worker."""

    sent = Signal(str)

    def __init__(
        self,
        store_file: Callable[[], Path],
        clock: Callable[[], datetime],
        credentials: Callable[[], CredentialStore] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store_file = store_file
        self._clock = clock
        self._credentials = credentials or KeyringStore
        self.job: Job | None = None
        self.timer = QTimer(self, interval=int(timedelta(minutes=5).total_seconds() * 1000))
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        self.check()

    def check(self) -> Job | None:
        if self.job is not None:
            return None
        path, now, credentials = self._store_file(), self._clock(), self._credentials()
        job = Job(lambda _p: mail_daily_briefing(path, credentials=credentials, now=now))
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(lambda _text: self._finished(None))
        self.job = job
        return start(job)

    def _finished(self, message: object) -> None:
        self.job = None
        if isinstance(message, str):
            self.sent.emit(message)
