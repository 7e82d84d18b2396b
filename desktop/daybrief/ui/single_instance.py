"""One Daybrief per store: a second launch hands its arguments to the first and leaves.

The first instance listens on a local socket named after the store's path; a second one
(a double-clicked .ics, say) connects, sends its arguments as one JSON line, and exits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 500


def server_name(store_file: Path) -> str:
    digest = hashlib.blake2b(str(store_file.resolve()).encode(), digest_size=8).hexdigest()
    return f"daybrief-{digest}"


def hand_over(name: str, arguments: Sequence[str]) -> bool:
    """Send ``arguments`` to a running instance; False when there is none."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
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
