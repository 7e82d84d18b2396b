"""Slow work off the UI thread: a job runs in Qt's thread pool and reports back by signal.

A job gets a :class:`Progress` it may call from its thread; the widgets only ever see
signals, delivered on the UI thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Cancelled(Exception):
    """Raised inside a job when the user pressed Cancel."""


class Progress:
    """Handed to a job: report how far it got; raises :class:`Cancelled` once cancelled."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def __call__(self, done: int, total: int, message: str = "") -> None:
        self.check()
        self._emit(done, total, message)


class JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.signals = JobSignals()
        self._work = work
        self.progress = Progress(self.signals.progress.emit)

    def run(self) -> None:
        try:
            result = self._work(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:  # reported to the user; the thread must not die silently
            traceback.print_exc()
            self.signals.failed.emit(str(error) or type(error).__name__)
        else:
            if self.progress.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)


def start(job: Job, pool: QThreadPool | None = None) -> Job:
    (pool or QThreadPool.globalInstance()).start(job)
    return job


_running: dict[int, Job] = {}
"""Jobs started by :func:`run_in_background`, kept alive until they report."""


def run_in_background(
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None],
    *,
    pool: QThreadPool | None = None,
) -> Job:
    """Run ``work`` on a worker; exactly one of the callbacks follows, on the UI thread.

    ``on_failure`` is not optional: a page that waits for a result must say when it will
    not come (it gets the error's one-line message). A cancelled job reports nothing.
    """
    job = Job(lambda _progress: work())
    # The handlers hold the job's number, not the job: a handler kept by the job's own
    # signals and holding the job is a cycle through Qt the collector cannot see, and every
    # job, with all its work had kept, stayed in memory for good.
    number = id(job)

    def finished(result: Any) -> None:
        _running.pop(number, None)
        on_success(result)

    def failed(message: str) -> None:
        _running.pop(number, None)
        on_failure(message)

    job.signals.finished.connect(finished)
    job.signals.failed.connect(failed)
    job.signals.cancelled.connect(lambda: _running.pop(number, None))
    _running[number] = job
    return start(job, pool)
