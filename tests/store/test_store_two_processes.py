"""Two Daybrief processes on one store: app instances refuse clearly, writers take turns."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from daybrief.store import StoreLocked, UserData, open_store
from daybrief.store import lockfile as lockfile_module
from daybrief.store.lockfile import InstanceLock

CHILD = Path(__file__).with_name("two_process_child.py")


def start(*args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_second_app_instance_is_refused_clearly_and_the_lock_dies_with_the_first(
    store_file: Path,
) -> None:
    holder = start("hold", str(store_file))
    try:
        with pytest.raises(StoreLocked) as caught:
            open_store(store_file, instance_lock=True)
        message = str(caught.value)
        assert "already running with this data folder" in message
        assert f"process {holder.pid}" in message
        assert "--data-dir" in message
        # A command-line run (no instance lock) still reads and writes alongside the app.
        with open_store(store_file) as cli:
            assert UserData.of(cli).settings.get("holder") == "child"
            UserData.of(cli).settings.set("from_cli", True)
    finally:
        holder.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
        holder.wait()
    # The OS dropped the dead process's lock: no stale lock file to clear by hand.
    with open_store(store_file, instance_lock=True) as app:
        assert UserData.of(app).settings.get("from_cli") is True
        # And now this process is the one others are refused by.
        child = subprocess.run(
            [sys.executable, str(CHILD), "hold", str(store_file)],
            input="",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert child.returncode == 4
        assert child.stdout.startswith("refused Daybrief is already running")


def test_closing_releases_the_instance_lock(store_file: Path) -> None:
    with open_store(store_file, instance_lock=True):
        pass
    with open_store(store_file, instance_lock=True):
        pass


@pytest.mark.parametrize("fresh", [True, False], ids=["new-store", "existing-store"])
def test_two_processes_writing_at_once_lose_nothing(store_file: Path, fresh: bool) -> None:
    """Both create/migrate (when new) and then write the same checklist at the same time."""
    if not fresh:
        open_store(store_file).close()
    go = store_file.parent / "go"
    store_file.parent.mkdir(parents=True, exist_ok=True)
    writers = [start("write", str(store_file), str(go), "150", name) for name in ("a", "b")]
    go.touch()
    for proc in writers:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        assert out.strip() == "done"
    with open_store(store_file) as store:
        assert store.integrity_check() == ["ok"]
        items = UserData.of(store).checklists.items("shared@acme.example")
        assert sorted(i.text for i in items) == sorted(
            f"{name}-{n}" for name in ("a", "b") for n in range(150)
        )
        # Appends were serialised: every position taken exactly once.
        assert [i.position for i in items] == list(range(300))


def test_pid_file_fallback_refuses_and_recovers_stale_locks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where neither fcntl nor msvcrt exists, an O_EXCL pid file stands in."""
    monkeypatch.setattr(lockfile_module, "fcntl", None)
    monkeypatch.setattr(lockfile_module, "msvcrt", None)
    path = tmp_path / "daybrief.sqlite3.lock"
    first = InstanceLock(path)
    first.acquire()
    with pytest.raises(StoreLocked, match="already running"):
        InstanceLock(path).acquire()
    first.release()
    assert not path.exists()
    # A lock left by a process that no longer exists is taken over.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    path.write_text(" " + dead.stdout)
    second = InstanceLock(path)
    second.acquire()
    assert second.holder_pid() is not None
    second.release()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to start processes in lockstep")
def test_many_processes_creating_one_store_at_the_same_moment(tmp_path: Path) -> None:
    """Races found here once: WAL switch refused without waiting; torn identity check."""
    for round_ in range(25):
        path = tmp_path / str(round_) / "daybrief.sqlite3"
        go = time.monotonic() + 0.03
        pids = []
        for n in range(4):
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    while time.monotonic() < go:
                        pass
                    with open_store(path, timeout=10) as store:
                        UserData.of(store).checklists.add("m@acme.example", str(n))
                except BaseException:
                    code = 1
                os._exit(code)
            pids.append(pid)
        statuses = [os.waitpid(pid, 0)[1] for pid in pids]
        assert [os.waitstatus_to_exitcode(s) for s in statuses] == [0, 0, 0, 0]
        with open_store(path) as store:
            assert store.integrity_check() == ["ok"]
            assert len(UserData.of(store).checklists.items("m@acme.example")) == 4
