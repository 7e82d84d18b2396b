"""One Daybrief per store: a second launch hands its arguments to the first and leaves.

The first instance listens on a local socket named after the store's path; a second one
(a double-clicked .ics, say) connects, sends its arguments as one JSON line, and exits.

The socket lives in a folder only the user can enter (``$XDG_RUNTIME_DIR``, else a 0700
``daybrief-<uid>`` folder in the temp folder that must be the user's own), never at a
name in the shared ``/tmp`` another user could take first. Both ends also check that the
other runs as the same user (``SO_PEERCRED`` on Linux): file paths go only to the user's
own Daybrief, and only the user's own launches are taken.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket as stdsocket
import stat
import struct
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 500


def server_name(store_file: Path) -> str:
    """The socket for this store: a path in the user's private runtime folder.

    On Windows a bare name: named pipes carry the user's ACL there.
    """
    digest = hashlib.blake2b(str(store_file.resolve()).encode(), digest_size=8).hexdigest()
    name = f"daybrief-{digest}"
    if os.name != "posix":
        return name
    return str(_private_folder() / name)


def _private_folder() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    candidates = [Path(runtime)] if runtime else []
    candidates.append(Path(tempfile.gettempdir()) / f"daybrief-{os.getuid()}")
    for folder in candidates:
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, exist_ok=True)
            if _is_private(folder):
                return folder
    # Every usual place is taken or open to others: a new private folder of our own.
    # A second launch will not find this instance then, which is better than a stranger.
    return Path(tempfile.mkdtemp(prefix="daybrief-"))


def _is_private(folder: Path) -> bool:
    """The user's own folder that nobody else can enter (not a symlink planted for us)."""
    info = folder.lstat()
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )


def same_user(descriptor: int) -> bool:
    """Whether the process at the other end of a connected local socket is this user.

    Linux tells with ``SO_PEERCRED``; elsewhere the private folder is the guard (True).
    """
    peercred = getattr(stdsocket, "SO_PEERCRED", None)
    if peercred is None or not sys.platform.startswith("linux") or descriptor < 0:
        return True
    try:
        with stdsocket.socket(fileno=os.dup(descriptor)) as peer:
            _pid, uid, _gid = struct.unpack(
                "3i", peer.getsockopt(stdsocket.SOL_SOCKET, peercred, 12)
            )
    except OSError:
        return False
    return uid == os.getuid()


def hand_over(name: str, arguments: Sequence[str]) -> bool:
    """Send ``arguments`` to a running instance; False when there is none (or the one
    listening is not this user's)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    if not same_user(int(socket.socketDescriptor())):
        socket.abort()
        return False
    socket.write((json.dumps(list(arguments)) + "\n").encode())
    socket.flush()
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
    return True


class InstanceServer(QObject):
    """Listens for later launches; ``arguments_received`` carries what they were given."""

    arguments_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        # The socket file itself 0600 as well (inside a 0700 folder already).
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._sockets: set[QLocalSocket] = set()
        self._server.newConnection.connect(self._accept)
        if not self._server.listen(name):
            # A socket left by a crashed instance: nobody answered hand_over, so reclaim it.
            QLocalServer.removeServer(name)
            self._server.listen(name)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if not same_user(int(socket.socketDescriptor())):
                socket.abort()  # another user's process: take nothing from it
                socket.deleteLater()
                continue
            # Kept referenced until it is done, so no signal reaches a deleted socket.
            self._sockets.add(socket)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._finish(s))
            self._read(socket)

    def _finish(self, socket: QLocalSocket) -> None:
        if socket in self._sockets:
            self._read(socket)
            self._sockets.discard(socket)
            socket.readyRead.disconnect()
            socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        if socket not in self._sockets:
            return
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode(errors="replace").strip()
            try:
                arguments = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(arguments, list):
                self.arguments_received.emit([str(a) for a in arguments])

    def close(self) -> None:
        # Sockets still open would signal into this object while Qt destroys it.
        for socket in list(self._sockets):
            socket.readyRead.disconnect()
            socket.disconnected.disconnect()
            socket.abort()
            socket.deleteLater()
        self._sockets.clear()
        self._server.close()
