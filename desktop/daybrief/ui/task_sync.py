"""The window and the task list: connecting one (on a worker), and when follow-ups sync:
at start, shortly after each edit and every N minutes; always on a worker, one at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from daybrief.services.credentials import CredentialStore, CredentialsUnavailable
from daybrief.services.fetch import FetchError
from daybrief.services.task_sync import (
    ConnectResult,
    SyncOutcome,
    connect_store_file,
    sync_store_file,
)
from daybrief.ui.tasks import Job, run_in_background

EDIT_DELAY_MS = 5_000
"""After an edit: soon, but late enough that a few edits in a row go in one sync."""


class TaskSyncRunner(QObject):
    synced = Signal(object)
    """A :class:`SyncOutcome`, after every sync (failed ones too)."""

    def __init__(
        self,
        store_file: Path,
        credentials: Callable[[], CredentialStore],
        clock: Callable[[], datetime],
        minutes: int,
        connected: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store_file = store_file
        self.credentials = credentials
        self.clock = clock
        self.connected = connected
        self.job: Job | None = None
        self.again = False
        self.stopped = False
        self.periodic = QTimer(self, interval=minutes * 60_000)
        self.periodic.timeout.connect(self.sync_now)
        self.after_edit = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self.after_edit.timeout.connect(self.sync_now)

    def start(self) -> None:
        """Sync now and every N minutes from now on."""
        self.stopped = False
        self.periodic.start()
        self.sync_now()

    def set_minutes(self, minutes: int) -> None:
        self.periodic.setInterval(max(1, minutes) * 60_000)

    def soon(self) -> None:
        """After an edit: sync in a few seconds (restarted by each further edit)."""
        if not self.stopped and self.connected():
            self.after_edit.start()

    def stop(self) -> None:
        """No more syncs (the window closes); one running ends unreported."""
        self.stopped = True
        self.periodic.stop()
        self.after_edit.stop()

    def sync_now(self) -> Job | None:
        if self.job is not None:
            self.again = True  # one more when this one ends: it may have missed an edit
            return None
        if self.stopped or not self.connected():
            return None
        path, credentials, now = self.store_file, self.credentials(), self.clock()
        self.job = run_in_background(
            lambda: sync_store_file(path, credentials=credentials, now=now),
            self._finished,
            self._failed,
        )
        return self.job

    def _finished(self, outcome: SyncOutcome) -> None:
        self.job = None
        if self.stopped:
            return
        self.synced.emit(outcome)
        if self.again:
            self.again = False
            self.soon()

    def _failed(self, message: str) -> None:
        # Not a network failure (those are in the outcome): the store itself, say. Shown as
        # the problem; the next timer tries again.
        from daybrief.services.task_sync import TaskListStatus

        self.job = None
        if not self.stopped:
            self.synced.emit(SyncOutcome(TaskListStatus(True), None, message))


class TaskListDialog(QDialog):
    """Connect a task list: an account (a list picked or made) or a list's own address."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect a task list")
        self.url = QLineEdit(placeholderText="https://… a CalDAV account, or a task list's address")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.list_name = QLineEdit(placeholderText="optional: a list of the account (made if new)")
        note = QLabel(
            "Follow-ups are kept in step with this list, so your phone's task app, another "
            "computer or a colleague sees them. The address and the password are kept in your "
            "system's keyring, never in Daybrief's files."
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Address", self.url)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("Task list", self.list_name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 240)

    def _accept(self) -> None:
        if not self.url.text().strip():
            QMessageBox.information(self, "Connect a task list", "Paste the address first.")
            return
        self.accept()

    def values(self) -> dict[str, str | None]:
        return {
            "url": self.url.text().strip(),
            "username": self.user.text().strip() or None,
            "password": self.password.text() or None,
            "list_name": self.list_name.text().strip() or None,
        }


class TaskListConnector(QObject):
    """Connects on a worker; asks which list when the account has several."""

    connected = Signal(str)
    """The list's name, once connected (the first sync is the runner's)."""
    failed = Signal(str)

    def __init__(
        self,
        store_file: Path,
        credentials: Callable[[], CredentialStore],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.store_file = store_file
        self.credentials = credentials
        self.window = parent
        self.job: Job | None = None

    def ask(self) -> None:
        dialog = TaskListDialog(self.window)
        if dialog.exec():
            self.connect_with(dialog.values())

    def connect_with(self, values: dict[str, str | None]) -> Job | None:
        if self.job is not None:
            return None
        path, credentials = self.store_file, self.credentials()
        url = values["url"] or ""

        def work() -> ConnectResult | str:
            try:
                return connect_store_file(
                    path, url, username=values["username"], password=values["password"],
                    credentials=credentials, list_name=values["list_name"],
                )  # fmt: skip
            except (FetchError, CredentialsUnavailable) as error:
                return str(error)  # expected: said to the user, not a crash

        self.job = run_in_background(
            work, lambda result: self._finished(values, result), self._failed
        )
        return self.job

    def _finished(self, values: dict[str, str | None], result: ConnectResult | str) -> None:
        self.job = None
        if isinstance(result, str):
            self.failed.emit(result)
            return
        if result.choices:
            new = "A new list…"
            chosen, ok = QInputDialog.getItem(
                self.window, "Which task list?", "This account has several task lists:",
                [*result.choices, new], 0, False,
            )  # fmt: skip
            if ok and chosen == new:
                chosen, ok = QInputDialog.getText(self.window, "New task list", "Name:")
            if ok and chosen.strip():
                self.connect_with({**values, "list_name": chosen.strip()})
            return
        self.connected.emit(result.list_name)

    def _failed(self, message: str) -> None:
        self.job = None
        self.failed.emit(message)
