"""One app instance per store: an advisory lock on ``<store>.lock``.

SQLite's own locking already keeps concurrent writers from corrupting anything; this lock is
for what SQLite cannot see — two desktop apps both firing reminders and both migrating. The OS
releases fcntl/msvcrt locks when a process dies, even by SIGKILL, so a crash never leaves a
stale lock behind; only the last-resort fallback (a pid file) has to detect staleness itself.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from daybrief.store.errors import StoreLocked

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None  # type: ignore[assignment]

# The pid is written after this offset: on Windows the locked byte 0 cannot be read by others.
_PID_OFFSET = 1


class InstanceLock:
    """An exclusive, non-blocking lock held for the life of one app instance."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._pidfile = False

    @property
    def held(self) -> bool:
        return self._fd is not None or self._pidfile

    def acquire(self) -> None:
        """Take the lock, or raise :class:`StoreLocked` naming the holder's pid when known."""
        if self.held:
            return
        if fcntl is None and msvcrt is None:
            self._acquire_pidfile()
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                # flock, not lockf: POSIX record locks vanish when *any* fd of the file closes.
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            raise self._refusal() from None
        os.lseek(fd, _PID_OFFSET, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        os.ftruncate(fd, _PID_OFFSET + len(f"{os.getpid()}\n"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            if msvcrt is not None and fcntl is None:
                with contextlib.suppress(OSError):
                    os.lseek(fd, 0, os.SEEK_SET)
                    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            # Closing drops an flock; the file stays, as unlinking a lock file races.
            os.close(fd)
        if self._pidfile:
            self._pidfile = False
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def holder_pid(self) -> int | None:
        """The pid written by the current holder, if readable."""
        try:
            with open(self.path, "rb") as f:
                f.seek(_PID_OFFSET)
                return int(f.read(32).strip() or b"x")
        except (OSError, ValueError):
            return None

    def _refusal(self) -> StoreLocked:
        pid = self.holder_pid()
        who = f" (process {pid})" if pid else ""
        return StoreLocked(
            f"Daybrief is already running with this data folder{who}: {self.path.parent}. "
            "Close it, or start this one with another --data-dir."
        )

    def _acquire_pidfile(self) -> None:
        # Fallback for platforms with neither fcntl nor msvcrt: O_EXCL creation is atomic.
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pid = self.holder_pid()
                if pid is not None and not _alive(pid):
                    with contextlib.suppress(FileNotFoundError):
                        self.path.unlink()
                    continue
                raise self._refusal() from None
            try:
                os.write(fd, b" " * _PID_OFFSET + f"{os.getpid()}\n".encode())
            finally:
                os.close(fd)
            self._pidfile = True
            return
        raise self._refusal()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
