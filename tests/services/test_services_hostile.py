"""Issue 19: hostile servers on loopback against downloads and CalDAV."""

from __future__ import annotations

import base64
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from tests.network import Reply, ics, tomorrow_at

from daybrief.services.fetch import FetchError, Limits, Validators, fetch_ics

CALENDAR = ics(("a-1", "Acme QBR", tomorrow_at(10)))


class Hang(BaseException):  # not caught by code under test that catches Exception
    pass


@contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    """Stops a runaway block; a guard against hangs, not a timing assertion."""

    def _alarm(signum: int, frame: object) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Trickler:
    """Answers every connection with ``head`` at once, then one byte of ``drip`` at a time."""

    def __init__(self, head: bytes, drip: bytes, interval: float = 0.1) -> None:
        self.head, self.drip, self.interval = head, drip, interval
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(self.head)
                for byte in self.drip * 10_000:
                    if self.stopped.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.interval)
            except OSError:
                return

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.mark.parametrize(
    ("head", "drip"),
    [
        (b"", b"HTTP/1.1 200 OK"),
        (b"HTTP/1.1 200 OK\r\n", b"X-Slow: aaaaaaaaaaaaaaaaaaaa"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"0000000000000000000",
        ),
    ],
    ids=["status-line", "headers", "chunk-size"],
)
def test_a_server_trickling_bytes_cannot_stretch_a_download_past_its_time_cap(head, drip):
    server = Trickler(head, drip)
    try:
        with hang_guard(20), pytest.raises(FetchError) as caught:
            fetch_ics(f"http://127.0.0.1:{server.port}/cal.ics", limits=Limits(total_seconds=1.0))
    finally:
        server.close()
    assert caught.value.kind == "timeout"
    assert "1 s" in caught.value.reason


def test_a_304_to_a_request_without_validators_is_a_failure_not_a_crash(calendar_server):
    calendar_server.serve("/cal.ics", b"", status=304)
    with pytest.raises(FetchError) as caught:
        fetch_ics(calendar_server.url("/cal.ics"))
    assert caught.value.kind == "http" and "304" in caught.value.reason
    # With validators it still means "unchanged".
    fetched = fetch_ics(calendar_server.url("/cal.ics"), validators=Validators(etag='"v1"'))
    assert fetched.unchanged


def test_user_and_password_in_the_address_are_sent_as_credentials(calendar_server):
    expected = "Basic " + base64.b64encode(b"me@example.com:s3cret").decode()

    def route(handler):
        if handler.headers.get("Authorization") != expected:
            return Reply(401, b"who are you")
        return Reply(body=CALENDAR)

    calendar_server.routes["/cal.ics"] = route
    url = calendar_server.url("/cal.ics").replace("http://", "http://me%40example.com:s3cret@")
    fetched = fetch_ics(url)
    assert fetched.data == CALENDAR


# --- CalDAV: caps and where the password goes ---------------------------------------------------

MULTISTATUS = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
    "<d:response><d:href>{href}</d:href><d:propstat><d:prop>{props}</d:prop>"
    "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>"
)


class DavServer:
    """A loopback WebDAV server whose answers each test writes; it records every request."""

    def __init__(self, answer) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[tuple[str, str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                return None

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner.requests.append((self.command, self.path, dict(self.headers.items())))
                answer(self)
                self.close_connection = True

            do_PROPFIND = do_REPORT = do_GET = do_OPTIONS = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _send(handler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Type", "application/xml; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body)


def test_an_endless_caldav_report_is_cut_at_the_size_cap(monkeypatch):
    from daybrief.services import caldav_source
    from daybrief.services.credentials import Secret
    from daybrief.store.source_sync import SyncState

    def endless(handler) -> None:
        handler.send_response(207)
        handler.send_header("Content-Type", "application/xml; charset=utf-8")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        head = b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">'
        filler = b"<d:response><d:href>/x</d:href></d:response>" * 1000
        try:
            handler.wfile.write(f"{len(head):x}\r\n".encode() + head + b"\r\n")
            for _ in range(5000):  # ~220 MB if nobody stops reading
                handler.wfile.write(f"{len(filler):x}\r\n".encode() + filler + b"\r\n")
        except OSError:
            return

    server = DavServer(endless)
    monkeypatch.setattr(caldav_source, "LIMITS", Limits(max_bytes=2 * 1024 * 1024))
    blank = SyncState(0, "", "", "Work", None, None, None, None, None, 0, None, None)
    window = (tomorrow_at(0), tomorrow_at(23))
    try:
        with hang_guard(60), pytest.raises(FetchError) as caught:
            caldav_source.fetch_changes(
                Secret(f"http://127.0.0.1:{server.port}/cal/", "alice", "pw"), blank, window
            )
    finally:
        server.close()
    assert caught.value.kind == "too-big"


def test_the_password_goes_to_the_host_typed_never_to_a_calendar_home_elsewhere():
    from daybrief.services.caldav_source import discover_calendars
    from daybrief.services.credentials import Secret

    def elsewhere(handler) -> None:  # another site: answers anyone, and remembers
        props = "<d:resourcetype><d:collection/></d:resourcetype>"
        _send(handler, 207, MULTISTATUS.format(href=handler.path, props=props).encode())

    other = DavServer(elsewhere)
    home = f"http://localhost:{other.port}/home/"

    def account(handler) -> None:
        if "Authorization" not in handler.headers:
            _send(handler, 401, b"", {"WWW-Authenticate": 'Basic realm="cal"'})
            return
        props = (
            "<d:current-user-principal><d:href>/principal/</d:href></d:current-user-principal>"
            f"<c:calendar-home-set><d:href>{home}</d:href></c:calendar-home-set>"
        )
        _send(handler, 207, MULTISTATUS.format(href=handler.path, props=props).encode())

    typed = DavServer(account)
    try:
        discover_calendars(Secret(f"http://127.0.0.1:{typed.port}/", "alice", "s3cret"))
    except FetchError:
        pass  # what the other site answers does not matter here
    finally:
        typed.close()
        other.close()
    assert any("Authorization" in headers for _, _, headers in typed.requests)
    assert other.requests, "the calendar home on the other site was never asked"
    assert not any("Authorization" in headers for _, _, headers in other.requests)


@pytest.mark.parametrize(
    ("given", "target", "allowed"),
    [
        ("https://caldav.icloud.com/", "https://p07-caldav.icloud.com/123/calendars/", True),
        ("https://cal.example.com/dav/", "https://cal.example.com:8443/home/", True),
        ("https://cal.example.co.uk/", "https://dav.example.co.uk/", True),
        ("https://cal.example.co.uk/", "https://evil.co.uk/", False),
        ("https://cal.example.com/", "https://example.com.evil.net/", False),
        ("https://cal.example.com/", "http://cal.example.com/", False),
        ("https://127.0.0.1/", "https://127.0.0.2/", False),
        ("https://caldav.fastmail.com/", "https://attacker.example/", False),
    ],
)
def test_which_hosts_may_get_the_password(given, target, allowed):
    from daybrief.core.urls import may_send_credentials

    assert may_send_credentials(given, target) is allowed


# --- 9: client folders that cannot be looked into ----------------------------------------------


def test_a_folder_name_longer_than_the_system_allows_finds_nothing(tmp_path):
    from daybrief.services.files import LocalFileSystem

    (tmp_path / "Clients").mkdir()  # the folder exists; the name in it is too long
    fs = LocalFileSystem(tmp_path)
    name = "A very long client name " * 12  # > 255 bytes: ENAMETOOLONG
    assert list(fs.matches(fs.expand(f"~/Clients/{name}"))) == []
    assert list(fs.matches(fs.expand(f"~/Clients/{name}/*.pptx"))) == []


@pytest.mark.skipif(os.getuid() == 0, reason="root enters any folder")
def test_a_pattern_through_a_folder_the_user_cannot_enter_finds_nothing(tmp_path):
    from daybrief.services.files import LocalFileSystem

    locked = tmp_path / "locked"
    (locked / "inside").mkdir(parents=True)
    locked.chmod(0)
    try:
        fs = LocalFileSystem(tmp_path)
        assert list(fs.matches(fs.expand("~/locked/inside"))) == []
        assert list(fs.matches(fs.expand("~/locked/inside/*.docx"))) == []
    finally:
        locked.chmod(0o700)


def test_a_folder_that_refuses_to_be_looked_at_finds_nothing(tmp_path, monkeypatch):
    # What a folder the user may not enter does to Path.exists() and is_dir() (as root, the
    # test above cannot make one).
    from pathlib import Path

    from daybrief.services.files import LocalFileSystem

    def refused(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", refused)
    monkeypatch.setattr(Path, "is_dir", refused)
    fs = LocalFileSystem(tmp_path)
    assert list(fs.matches(fs.expand("~/locked/inside"))) == []
