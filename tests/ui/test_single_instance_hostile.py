"""Issue 19: the single-instance socket cannot be squatted by another local user."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from daybrief.ui import single_instance
from daybrief.ui.single_instance import InstanceServer, hand_over, same_user, server_name

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix sockets and file modes")
NOBODY = 65534


def _private(folder: Path) -> bool:
    info = folder.lstat()
    return info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700


def test_the_socket_is_in_a_private_folder_not_in_shared_tmp(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    name = Path(server_name(tmp_path / "daybrief.sqlite3"))
    assert name.parent == tmp_path / f"daybrief-{os.getuid()}"
    assert _private(name.parent)


def test_a_folder_prepared_by_someone_else_is_not_used(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    planted = tmp_path / f"daybrief-{os.getuid()}"
    planted.mkdir()
    planted.chmod(0o777)  # as an attacker would leave it, to listen there first
    monkeypatch.setattr(tempfile, "mkdtemp", lambda prefix: str(_fresh(tmp_path, prefix)))
    name = Path(server_name(tmp_path / "daybrief.sqlite3"))
    assert name.parent != planted and _private(name.parent)


def _fresh(root: Path, prefix: str) -> Path:
    folder = root / f"{prefix}fresh"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture()
def shared_dir() -> Iterator[Path]:
    """A folder in the real shared temp folder that any local user can reach."""
    folder = Path(tempfile.mkdtemp(prefix="daybrief-test-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_nobody_connect_and_send(path: str, payload: bytes) -> int:
    """A child process running as another user connects to ``path`` and sends."""
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's exit code is the result
        code = 1
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with socket.socket(socket.AF_UNIX) as conn:
                conn.connect(path)
                code = 0  # connected: what happens next is the server's choice
                try:
                    conn.sendall(payload)
                    time.sleep(0.3)
                except OSError:
                    pass  # cut off by the server's peer check: as it should be
        except BaseException as error:  # said on stderr, for a failing run's log
            os.write(2, f"nobody's connect failed: {error!r}\n".encode())
        finally:
            os._exit(code)
    return child


@pytest.mark.skipif(os.getuid() != 0, reason="acting as another user needs root")
def test_another_users_launch_is_not_taken(shared_dir, qtbot):
    name = str(shared_dir / "daybrief-test")
    server = InstanceServer(name)
    Path(name).chmod(0o777)  # even a socket others may open: the peer check still holds
    received: list[list[str]] = []
    server.arguments_received.connect(received.append)
    try:
        child = _as_nobody_connect_and_send(name, b'["/tmp/evil.ics"]\n')
        deadline = time.monotonic() + 5
        status = None
        while status is None and time.monotonic() < deadline:
            qtbot.wait(50)
            done, code = os.waitpid(child, os.WNOHANG)
            status = os.waitstatus_to_exitcode(code) if done else None
        qtbot.wait(200)
        assert status == 0, "the other user could not even connect: the test proves nothing"
        assert received == []
        # The user's own launch still gets through.
        with qtbot.waitSignal(server.arguments_received, timeout=5000):
            assert hand_over(name, ["/home/sam/invite.ics"])
    finally:
        server.close()


@pytest.mark.skipif(os.getuid() != 0, reason="acting as another user needs root")
def test_paths_are_not_handed_to_another_users_listener(shared_dir):
    path = str(shared_dir / "squatted")
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - a squatter: listens, and reports what it got
        os.close(read_end)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with socket.socket(socket.AF_UNIX) as listener:
                listener.bind(path)
                listener.listen()
                os.write(write_end, b"R")
                listener.settimeout(5)
                conn, _ = listener.accept()
                conn.settimeout(2)
                got = b""
                try:
                    while chunk := conn.recv(4096):
                        got += chunk
                except OSError:
                    pass
                os.write(write_end, b"G" + got)
        finally:
            os._exit(0)
    os.close(write_end)
    assert os.read(read_end, 1) == b"R"
    try:
        assert not hand_over(path, ["/home/sam/secret-client/invite.ics"])
    finally:
        os.waitpid(child, 0)
        report = os.read(read_end, 65536)
        os.close(read_end)
    assert report.startswith(b"G"), "the squatter never got a connection"
    assert b"secret-client" not in report


def test_same_user_recognises_its_own_connection(tmp_path):
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        listener.listen()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)
            conn, _ = listener.accept()
            with conn:
                assert same_user(conn.fileno())
    assert single_instance.same_user(-1)
