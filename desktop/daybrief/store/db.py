"""Opening the store: one SQLite file, WAL, forward-only migrations, short write transactions.

Durability: every public write is its own ``BEGIN IMMEDIATE … COMMIT`` with
``synchronous=FULL``, so a commit that returned has been fsynced to the WAL — it survives a
killed process *and* a power cut (``NORMAL`` would only survive the former). User edits come
one at a time at human speed, so the fsync per edit costs nothing anyone notices; bulk work
(a calendar import, a backup import) goes in one transaction and pays for one fsync.

Concurrency: any number of processes may open the store (the app, ``daybrief brief`` from
cron); SQLite's locks make writers take turns, and a writer that cannot get the lock within
``timeout`` seconds gets :class:`StoreLocked`. Desktop app instances additionally take
:class:`~daybrief.store.lockfile.InstanceLock` (``instance_lock=True``): a second app on the
same data folder is refused with a clear message instead of double-firing reminders.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from daybrief.store.errors import (
    SchemaTooNew,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreUnwritable,
)
from daybrief.store.lockfile import InstanceLock

APPLICATION_ID = 1147238726  # b"DayF"; set by migration 0001
DEFAULT_TIMEOUT = 5.0

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_timestamp(moment: datetime) -> str:
    """Timestamps as stored: UTC, microseconds, ``Z`` — sortable as text."""
    moment = moment.astimezone(UTC)
    # Not strftime: glibc's %Y writes year 1 as "1", which no parser reads back.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z"
    )


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in ``daybrief/store/migrations``, numbered 1, 2, … without gaps."""
    found: list[Migration] = []
    for entry in files("daybrief.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(
                Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8"))
            )
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations are not numbered 1..n: {[m.version for m in found]}")
    return found


def split_statements(sql: str) -> list[str]:
    """A migration script as single statements (sqlite3 runs one at a time).

    ``executescript`` would do this but commits first, and a migration must be one
    transaction together with its ``user_version`` bump. A statement ends at a line end.
    """
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise StoreError(f"migration ends in an incomplete statement: {buffer.strip()[:80]!r}")
    return statements


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Store:
    """An open store. Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        *,
        timeout: float,
        lock: InstanceLock | None,
        clock: Clock,
    ) -> None:
        self._conn = connection
        self.path = path
        self.timeout = timeout
        self._lock = lock
        self._clock = clock
        self._depth = 0
        self._reading = False
        self._closed = False

    # --- lifecycle ---

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (a worker's late result must not use it)."""
        return self._closed

    def close(self) -> None:
        self._closed = True
        try:
            self._conn.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def now(self) -> str:
        """The current time as a stored timestamp, from the store's (injectable) clock."""
        return format_timestamp(self._clock())

    # --- transactions ---

    @property
    def in_transaction(self) -> bool:
        """Inside :meth:`transaction` (a write not yet committed)."""
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; commits when the outermost ``with`` ends without an exception.

        ``BEGIN IMMEDIATE`` takes the write lock up front: a deferred transaction that later
        upgrades can fail with SQLITE_BUSY at once, without waiting, under WAL. A nested use
        is a savepoint: it undoes only its own part if it fails, and commits with the outer.
        """
        if self._reading:
            raise StoreError("a write inside a read snapshot (would fail under WAL); end it first")
        if self._depth:
            savepoint = f"sp{self._depth}"
            self._run(f"SAVEPOINT {savepoint}")
            self._depth += 1
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute(f"ROLLBACK TO {savepoint}")
                    self._conn.execute(f"RELEASE {savepoint}")
                raise
            finally:
                self._depth -= 1
            self._run(f"RELEASE {savepoint}")
            return
        self._run("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self._run("COMMIT")
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A consistent read of several statements (an export), without blocking writers."""
        if self._depth or self._reading:
            yield
            return
        self._run("BEGIN DEFERRED")
        self._reading = True
        try:
            yield
        finally:
            self._reading = False
            self._rollback()

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            # SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing to keep.
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    # --- statements (for the store package's repositories only) ---

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self._run(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        try:
            return self._conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self._run(sql, params).fetchall()

    def query_one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._run(sql, params).fetchone()
        return row

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` plus ``foreign_key_check``: ``["ok"]`` when sound."""
        result = [str(row[0]) for row in self._conn.execute("PRAGMA integrity_check")]
        for row in self._conn.execute("PRAGMA foreign_key_check"):
            result = [r for r in result if r != "ok"]
            result.append(f"foreign key: {row[0]} rowid {row[1]} → {row[2]}")
        return result

    def _run(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    def _translate(self, exc: sqlite3.Error) -> StoreError:
        if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
            return StoreLocked(
                f"{self.path}: another Daybrief process kept the store busy for more than "
                f"{self.timeout:g} s; nothing was changed, try again."
            )
        if isinstance(exc, sqlite3.IntegrityError):
            return StoreError(f"{self.path}: refused, it would break the store's rules ({exc})")
        return classify(self.path, exc)


def classify(path: Path, exc: sqlite3.Error) -> StoreError:
    """What an SQLite failure means for the user, said as what it is.

    A full disk or a read-only folder is not a damaged store, and neither is "not a
    Daybrief store": saying so would invite deleting a good one.
    """
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name == "SQLITE_FULL":
        return StoreUnwritable(f"{path}: the disk is full; nothing was changed")
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return StoreUnwritable(
            f"{path}: cannot be written (a read-only folder or disk, or not yours); "
            "nothing was changed"
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StoreDamaged(
            f"{path}: the store is damaged ({exc}); restore your last backup "
            "('daybrief import-data'), or keep the file for recovery"
        )
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"{path}: the disk reported an error ({exc}); nothing was changed")
    return StoreError(f"{path}: {exc}")


def make_private(path: Path) -> None:
    """The store readable by its owner only: calendars, notes and follow-ups are private.

    The data folder is made 0700 when Daybrief creates it (or it is the platform's default
    one); a folder the user chose with ``--data-dir`` keeps its mode, but the store file and
    its ``-wal``/``-shm`` companions are 0600 either way. A new store file is created 0600
    before SQLite opens it, and SQLite gives the WAL and shared-memory files the store's
    mode.
    """
    from daybrief.store.paths import data_dir

    folder = path.parent
    created = not folder.exists()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if created or folder == data_dir(None, {}):
        _tighten(folder, 0o700)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for companion in ("", "-wal", "-shm"):
        _tighten(path.with_name(path.name + companion), 0o600)


def _tighten(path: Path, mode: int) -> None:
    """chmod to ``mode`` when the file is the user's and others could read it."""
    if os.name != "posix":
        return  # Windows: the profile folder's ACL already keeps other users out
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            path.chmod(mode)
    except OSError:
        pass  # absent (no WAL yet), or not ours: nothing to tighten


def open_store(
    path: str | Path,
    *,
    instance_lock: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    clock: Clock = utc_now,
    migrations: Sequence[Migration] | None = None,
    read_only: bool = False,
) -> Store:
    """Open (creating and migrating as needed) the store at ``path``.

    ``instance_lock``: the desktop app passes True to be the only app instance on this store.
    ``migrations``: tests pass their own; the app uses the bundled ones.
    Raises :class:`SchemaTooNew` for a store from a newer Daybrief (left untouched),
    :class:`StoreLocked` when another instance holds it, :class:`StoreError` otherwise.
    """
    path = Path(path)
    steps = list(bundled_migrations() if migrations is None else migrations)
    if read_only:
        return _open_read_only(path, timeout, clock, steps)
    try:
        make_private(path)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot create the data folder ({exc})") from exc
    lock: InstanceLock | None = None
    if instance_lock:
        lock = InstanceLock(path.with_name(path.name + ".lock"))
        lock.acquire()
    conn: sqlite3.Connection | None = None
    try:
        try:
            # isolation_level=None: we write BEGIN/COMMIT ourselves; timeout is busy_timeout.
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise classify(path, exc) from exc
        conn.row_factory = sqlite3.Row
        store = Store(conn, path, timeout=timeout, lock=lock, clock=clock)
        _check_identity(store, conn, steps)
        _configure(store, conn)
        _migrate(store, conn, steps)
    except BaseException:
        if conn is not None:
            conn.close()
        if lock is not None:
            lock.release()
        raise
    return store


def _check_identity(store: Store, conn: sqlite3.Connection, steps: Sequence[Migration]) -> None:
    """Refuse foreign files and newer schemas before anything is written (even WAL mode)."""
    try:
        # One read transaction: another process may commit its migration between the reads.
        conn.execute("BEGIN")
        try:
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
        finally:
            if conn.in_transaction:  # a failed read may have ended it: keep the real error
                conn.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
            raise store._translate(exc) from exc
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StoreError(
                f"{store.path}: not a Daybrief store (not an SQLite database); it was not changed."
            ) from exc
        raise classify(store.path, exc) from exc
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
        raise StoreError(
            f"{store.path}: not a Daybrief store (another program's SQLite database); "
            "it was not changed."
        )
    if version > len(steps):
        raise SchemaTooNew(str(store.path), version, len(steps))


def _open_read_only(path: Path, timeout: float, clock: Clock, steps: Sequence[Migration]) -> Store:
    """For reading only, where the store cannot be written (a read-only folder or disk).

    SQLite needs the WAL's shared-memory file to read a WAL store; when the folder allows
    no new file, the store is opened as immutable (nobody can write it there either).
    """
    if not path.exists():
        raise StoreError(f"{path}: no store here")
    base = f"file:{quote(str(path.resolve()))}?mode=ro"
    last: sqlite3.Error | None = None
    for uri in (base, base + "&immutable=1"):
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
            conn.row_factory = sqlite3.Row
            store = Store(conn, path, timeout=timeout, lock=None, clock=clock)
            _check_identity(store, conn, steps)
            conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        except StoreUnwritable as exc:
            last = exc.__cause__ if isinstance(exc.__cause__, sqlite3.Error) else None
            if conn is not None:
                conn.close()
            continue
        except sqlite3.Error as exc:
            last = exc
            if conn is not None:
                conn.close()
            continue
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        if store.schema_version < len(steps):
            store.close()
            raise StoreUnwritable(
                f"{path}: the store is from an older Daybrief and must be updated, which "
                "needs it writable; open it once where it can be written"
            )
        return store
    raise classify(path, last) if last is not None else StoreError(f"{path}: cannot be read")


def _switch_to_wal(store: Store, conn: sqlite3.Connection) -> str:
    """``journal_mode=WAL``, retried: on a new store, two processes opening it at once make
    SQLite refuse the switch at once with SQLITE_BUSY, without calling the busy handler."""
    deadline = time.monotonic() + store.timeout
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _configure(store: Store, conn: sqlite3.Connection) -> None:
    try:
        mode = _switch_to_wal(store, conn)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={int(store.timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        raise store._translate(exc) from exc
    if mode != "wal":
        # WAL needs shared memory, which network file systems do not give reliably.
        raise StoreError(
            f"{store.path}: the store needs write-ahead logging, which this folder does not "
            f"support (journal mode stays {mode!r}); choose a local --data-dir."
        )


def _migrate(store: Store, conn: sqlite3.Connection, steps: Sequence[Migration]) -> None:
    if store.schema_version >= len(steps):
        return
    # SQLite's table-rebuild procedure needs foreign keys off; checked before each commit.
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for step in steps:
            with store.transaction():
                # Re-read under the write lock: another process may have just migrated.
                if store.schema_version >= step.version:
                    continue
                try:
                    for statement in split_statements(step.sql):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version={step.version}")
                    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
                except sqlite3.Error as exc:
                    if _is_busy(exc):
                        raise store._translate(exc) from exc
                    raise StoreError(
                        f"{store.path}: migration {step.version:04d}_{step.name} failed ({exc}); "
                        "the store was left at its previous version."
                    ) from exc
                if problems:
                    raise StoreError(
                        f"{store.path}: migration {step.version:04d}_{step.name} broke "
                        f"{len(problems)} foreign keys; the store was left at its previous version."
                    )
    finally:
        conn.execute("PRAGMA foreign_keys=ON")
