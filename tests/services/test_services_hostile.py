"""Issue 19: hostile servers on loopback against downloads and CalDAV."""

from __future__ import annotations

import base64
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
