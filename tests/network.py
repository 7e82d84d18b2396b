"""Servers and a keyring for the calendar-source tests, all local and all our own.

- :class:`MemoryKeyring`: a ``keyring`` backend that keeps entries in a dict, so tests
  never touch the machine's real keyring.
- :class:`CalendarServer`: stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (optionally TLS
  with a throw-away self-signed certificate), where each test says what every path answers.
- :class:`Radicale`: a real CalDAV server (Radicale from PyPI) in a child process with
  htpasswd (plain) authentication and its own temporary folder.
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Entries in a dict: what the real keyring would hold, visible to the test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


@contextlib.contextmanager
def keyring_backend(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------------------- ICS


def ics(*events: tuple[str, str, datetime], name: str = "Work") -> bytes:
    """A small calendar: (uid, summary, start) → one-hour events."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Daybrief tests//EN",
             f"X-WR-CALNAME:{name}"]  # fmt: skip
    for uid, summary, start in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{summary}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def tomorrow_at(hour: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


# ---------------------------------------------------------------------------- HTTP


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False
    chunked: bool = False
    delay_after_headers: float = 0.0
    declared_length: int | None = None
    """Content-Length to claim (to simulate a body cut off before it)."""


Route = Callable[[BaseHTTPRequestHandler], Reply]


class CalendarServer:
    """A loopback HTTP(S) server; ``routes[path]`` says what a GET of that path answers."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                owner.requests.append((self.path, dict(self.headers.items())))
                route = owner.routes.get(self.path.split("?")[0])
                reply = route(self) if route else Reply(404, b"no such calendar")
                body = gzip.compress(reply.body) if reply.gzip else reply.body
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.gzip:
                    self.send_header("Content-Encoding", "gzip")
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    length = reply.declared_length if reply.declared_length else len(body)
                    self.send_header("Content-Length", str(length))
                self.send_header("Connection", "close")
                self.end_headers()
                if reply.delay_after_headers:
                    self.wfile.flush()
                    time.sleep(reply.delay_after_headers)
                try:
                    if reply.chunked:
                        for start in range(0, len(body), 65536):
                            part = body[start : start + 65536]
                            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass  # the client gave up first: that is what some tests want
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if context is not None:
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if context is not None else "http"
        self.port = int(self.server.server_address[1])
        # A short poll keeps shutdown() (each test's teardown) from waiting half a second.
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, **options: Any) -> None:
        reply = Reply(body=body, **options)
        self.routes[path] = lambda _handler: reply

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made with the openssl command line (no extra package)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


# ---------------------------------------------------------------------------- Radicale


class Radicale:
    """Radicale in a child process: a real CalDAV server with htpasswd authentication."""

    def __init__(self, folder: Path, user: str, password: str) -> None:
        self.folder = folder
        self.user = user
        self.password = password
        (folder / "users").write_text(f"{user}:{password}\n", encoding="utf-8")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale",
             "--server-hosts", f"127.0.0.1:{self.port}",
             "--storage-filesystem-folder", str(self.folder / "collections"),
             "--auth-type", "htpasswd",
             "--auth-htpasswd-filename", str(self.folder / "users"),
             "--auth-htpasswd-encryption", "plain",
             # Radicale delays answers to failed logins; the wrong-password test needs no wait.
             "--auth-delay", "0",
             "--logging-level", "error"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("Radicale exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("Radicale did not start within 15 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> Any:
        import caldav

        return caldav.DAVClient(url=self.url, username=self.user, password=self.password)


# ---------------------------------------------------------------------------- fixtures
# Imported by the conftest files of the test folders that need them.

import pytest  # noqa: E402

from daybrief.store import Store, open_store  # noqa: E402

RADICALE_USER = "alice"
RADICALE_PASSWORD = "correct-horse-7Qz"


@pytest.fixture(autouse=True)
def loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment (CI) must not be asked for 127.0.0.1."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with keyring_backend(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def no_keyring() -> Iterator[KeyringBackend]:
    from keyring.backends import fail

    with keyring_backend(fail.Keyring()) as backend:
        yield backend


@pytest.fixture
def calendar_server() -> Iterator[CalendarServer]:
    server = CalendarServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def https_server(tls_files: tuple[Path, Path]) -> Iterator[CalendarServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    server = CalendarServer(context)
    yield server
    server.close()


@pytest.fixture
def source_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as store:
        yield store


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """One Radicale for the session with an account holding two calendars, Work and Home.

    Tests that change events use UIDs of their own, so they do not see each other's.
    """
    server = Radicale(tmp_path_factory.mktemp("radicale"), RADICALE_USER, RADICALE_PASSWORD)
    server.start()
    principal = server.client().principal()
    work = principal.make_calendar(name="Work", cal_id="work")
    principal.make_calendar(name="Home", cal_id="home")
    work.save_event(ics(("standing-1", "Team standup", tomorrow_at(9))).decode())
    yield server
    server.stop()


@pytest.fixture
def running_radicale(radicale: Radicale) -> Radicale:
    """The session's Radicale, started again if a test stopped it."""
    if radicale.process is None or radicale.process.poll() is not None:
        radicale.start()
    return radicale


# ---------------------------------------------------------------------------- SMTP


class SmtpServer:
    """aiosmtpd on 127.0.0.1: plain, STARTTLS (required) or implicit TLS, optionally with a
    login; every message it accepts is kept in ``messages`` as (envelope from, to, bytes)."""

    def __init__(
        self,
        security: str = "none",
        tls_files: tuple[Path, Path] | None = None,
        login: tuple[str, str] | None = None,
    ) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[str] = []
        owner = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                owner.messages.append(
                    (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
                )
                return "250 OK"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                          data: Any) -> Any:  # fmt: skip
            user = data.login.decode() if isinstance(data.login, bytes) else str(data.login)
            password = data.password.decode() if isinstance(data.password, bytes) else ""
            ok = login is not None and (user, password) == login
            if ok:
                owner.logins.append(user)
            return AuthResult(success=ok, handled=False)

        context = None
        if security != "none":
            assert tls_files is not None
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls_files)
        self.port = free_port()
        options: dict[str, Any] = {
            "authenticator": authenticator if login else None,
            "auth_required": login is not None,
            # aiosmtpd cannot tell an implicit-TLS session is encrypted, so only STARTTLS
            # can require it; plain mode is loopback-only anyway.
            "auth_require_tls": security == "starttls",
        }
        if security == "starttls":
            options.update(tls_context=context, require_starttls=True)
        elif security == "tls":
            options.update(ssl_context=context)
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.controller.stop()


# ---------------------------------------------------------------------------- Xandikos


class Xandikos:
    """Xandikos in a child process: a second real CalDAV server (git-backed), no login.

    ``--defaults`` makes the principal /user/ with a calendar at /user/calendars/calendar/.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.user: str | None = None
        self.password: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def calendar_url(self) -> str:
        return f"{self.url}user/calendars/calendar/"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xandikos", "serve", "--defaults",
             "-d", str(self.folder / "data"), "--state-dir", str(self.folder / "state"),
             "-l", "127.0.0.1", "-p", str(self.port), "--no-detect-systemd"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("Xandikos exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("Xandikos did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> Any:
        import caldav

        return caldav.DAVClient(url=self.url)


@pytest.fixture(scope="session")
def xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Xandikos]:
    server = Xandikos(tmp_path_factory.mktemp("xandikos"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def running_xandikos(xandikos: Xandikos) -> Xandikos:
    if xandikos.process is None or xandikos.process.poll() is not None:
        xandikos.start()
    return xandikos
