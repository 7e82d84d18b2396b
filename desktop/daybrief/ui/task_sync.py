"""When the window syncs follow-ups with the task list: at start, shortly after each edit,
and every N minutes; always on a worker, one sync at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from daybrief.services.credentials import CredentialStore
from daybrief.services.task_sync import SyncOutcome, sync_store_file
from daybrief.ui.tasks import Job, start

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
        job = Job(lambda _progress: sync_store_file(path, credentials=credentials, now=now))
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        self.job = job
        return start(job)

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
