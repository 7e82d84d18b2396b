"""Downloading an ICS subscription: conditional, capped, redirect by redirect.

Client: the standard library's ``urllib.request``. It streams, honours the system's proxy
settings and verifies TLS with the default context, and it adds no dependency; that matters
because ``caldav`` pulls in ``niquests``/``urllib3-future``, which replaces ``urllib3`` in
the environment. What Daybrief needs beyond it is policy, not protocol: redirects are
followed by hand so every hop is checked (count, scheme, no https→http), the total time and
the body size are capped while streaming, and gzip is decoded with the same cap.

The time cap covers the whole exchange, not each read: a server trickling one byte a
second into the status line, a header or a chunk-size line would otherwise keep every
per-read timeout happy for ever. :func:`bounded` watches the sockets a request opens (an
audit hook sees each ``connect``) and shuts them down when the time is up, which ends any
read in progress; the CalDAV client runs under the same watch.

Every message is built from :func:`~daybrief.core.urls.redact_url`, never from the address.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from daybrief import __version__
from daybrief.core.errors import DaybriefError
from daybrief.core.events import MAX_CALENDAR_BYTES
from daybrief.core.urls import UnusableAddress, next_hop, normalise_url, redact_url, same_origin

MB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_CALENDAR_BYTES
    total_seconds: float = 30.0
    max_redirects: int = 5


@dataclass(frozen=True)
class Validators:
    """What the server said last time, sent back so an unchanged calendar costs a 304."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    data: bytes | None
    """None when the server said the calendar has not changed (304)."""
    validators: Validators

    @property
    def unchanged(self) -> bool:
        return self.data is None


class FetchError(DaybriefError):
    """A download that gave no usable calendar. ``reason`` is short, human and redacted.

    ``kind`` is one of: address, dns, refused, tls, auth, not-found, server, http, timeout,
    too-big, truncated, not-calendar, redirect, network.
    """

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(reason)


Opener = Callable[[urllib.request.Request, float], Any]


# ------------------------------------------------------------------ one deadline per exchange

_watch = threading.local()
_hook_lock = threading.Lock()
_hook_installed = False


def _on_audit(event: str, args: tuple[Any, ...]) -> None:
    # Called for every audited event in the process: keep the common path to one compare.
    if event != "socket.connect":
        return
    watched: list[tuple[int, Any]] | None = getattr(_watch, "sockets", None)
    if watched is not None:
        with contextlib.suppress(Exception):
            # The descriptor, not the object: TLS wrapping detaches the object from it.
            watched.append((args[0].fileno(), args[1]))


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_on_audit)
            _hook_installed = True


def _cut(fd: int, peer: Any) -> None:
    """Shut a watched connection down (ends a blocked read), if the descriptor is still it."""
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return  # closed meanwhile, or no longer a socket
    try:
        here = sock.getpeername()
        if isinstance(peer, tuple) and isinstance(here, tuple) and here[:2] != peer[:2]:
            return  # the number was reused for another connection
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


@contextlib.contextmanager
def bounded(seconds: float) -> Iterator[Callable[[], bool]]:
    """Every connection this thread opens inside the block is cut after ``seconds``.

    Yields a function that says whether the time ran out (then whatever failed inside
    failed because of it, and should be reported as a timeout).
    """
    _install_hook()
    watched: list[tuple[int, Any]] = []
    outer = getattr(_watch, "sockets", None)
    _watch.sockets = watched
    expired = threading.Event()

    def _expire() -> None:
        expired.set()
        for fd, peer in list(watched):
            _cut(fd, peer)

    timer = threading.Timer(seconds, _expire)
    timer.daemon = True
    timer.start()
    try:
        yield expired.is_set
    finally:
        timer.cancel()
        _watch.sockets = outer
        if outer is not None:
            outer.extend(watched)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # Returning None makes urllib raise the 3xx as an HTTPError, which fetch() then follows
    # itself after checking the hop.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def make_opener(context: ssl.SSLContext | None = None) -> Opener:
    """An opener that never follows redirects; ``context`` lets tests trust their own CA."""
    director = urllib.request.build_opener(
        _NoRedirects(), urllib.request.HTTPSHandler(context=context or ssl.create_default_context())
    )

    def open_(request: urllib.request.Request, timeout: float) -> Any:
        return director.open(request, timeout=timeout)

    return open_


def fetch_ics(
    url: str,
    *,
    validators: Validators | None = None,
    username: str | None = None,
    password: str | None = None,
    limits: Limits | None = None,
    opener: Opener | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Fetched:
    """Fetch an ICS calendar, or say in a few words why not.

    Raises:
        FetchError: anything that is not a complete calendar (or a 304).
    """
    limits = limits or Limits()
    open_ = opener or make_opener()
    try:
        current = normalise_url(url)
    except UnusableAddress as error:
        raise FetchError("address", str(error)) from None
    current, username, password = _split_user_info(current, username, password)
    with bounded(limits.total_seconds) as expired:
        try:
            return _fetch(current, validators, username, password, limits, open_, clock)
        except FetchError:
            if expired():
                raise _timeout(limits) from None
            raise
        except Exception as error:
            if expired():
                raise _timeout(limits) from None
            # Nothing else is expected; still one redacted line, never the address.
            raise FetchError(
                "network", f"{redact_url(current)}: download failed ({type(error).__name__})"
            ) from None


def _split_user_info(
    url: str, username: str | None, password: str | None
) -> tuple[str, str | None, str | None]:
    """``https://user:pass@host/…`` as an address without them plus the credentials.

    urllib would take ``user:pass@host`` for the host name ("cannot find the server").
    Credentials given separately win over those in the address.
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, username, password
    host = parts.netloc.rsplit("@", 1)[1]
    if username is None and parts.username:
        username = unquote(parts.username)
        password = unquote(parts.password) if parts.password is not None else password
    return urlunsplit((parts.scheme, host, parts.path, parts.query, "")), username, password


def _fetch(
    current: str,
    validators: Validators | None,
    username: str | None,
    password: str | None,
    limits: Limits,
    open_: Opener,
    clock: Callable[[], float],
) -> Fetched:
    origin = current
    deadline = clock() + limits.total_seconds
    hops = 0
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            raise _timeout(limits)
        request = urllib.request.Request(current, headers=_headers(validators))
        if username is not None and same_origin(origin, current):
            # Only ever to the origin the user gave: a redirect elsewhere gets no password.
            token = base64.b64encode(f"{username}:{password or ''}".encode()).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
        try:
            response = open_(request, remaining)
        except urllib.error.HTTPError as error:
            status, headers = error.code, error.headers
            error.close()
            if status in (301, 302, 303, 307, 308):
                try:
                    current = next_hop(current, headers.get("Location"), hops, limits.max_redirects)
                except UnusableAddress as refused:
                    raise FetchError("redirect", str(refused)) from None
                hops += 1
                continue
            if status == 304:
                if validators is None or not (validators.etag or validators.last_modified):
                    # "Not modified" since nothing: there is no earlier copy to keep.
                    raise FetchError(
                        "http",
                        f"{redact_url(current)} answered 304 (not modified) without being "
                        "asked to compare; no calendar was sent",
                    ) from None
                return Fetched(None, _validators(headers, validators))
            raise _status_error(status, current) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            raise _network_error(error, current, limits) from None
        with response:
            body = _read_body(response, deadline, limits, clock, current)
            headers = response.headers
        _check_calendar(body, headers)
        return Fetched(body, _validators(headers, None))


def _headers(validators: Validators | None) -> dict[str, str]:
    headers = {
        "User-Agent": f"Daybrief/{__version__}",
        "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
        "Accept-Encoding": "gzip",
    }
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


def _validators(headers: Message | None, previous: Validators | None) -> Validators:
    if headers is None:
        return previous or Validators()
    etag = headers.get("ETag")
    modified = headers.get("Last-Modified")
    if previous is not None:
        # A 304 may leave them out; they still hold.
        etag = etag or previous.etag
        modified = modified or previous.last_modified
    return Validators(etag, modified)


def _timeout(limits: Limits) -> FetchError:
    return FetchError(
        "timeout", f"the server took longer than {limits.total_seconds:g} s; try again later"
    )


def too_big(limits: Limits) -> FetchError:
    return FetchError(
        "too-big", f"the calendar is larger than {limits.max_bytes // MB or 1} MB; not imported"
    )


def _read_body(
    response: Any, deadline: float, limits: Limits, clock: Callable[[], float], url: str
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_big(limits)
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError("http", f"the server sent an encoding Daybrief cannot read ({encoding})")
    # wbits 16+MAX: gzip framing; a member that never ends is a cut-off download.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    parts: list[bytes] = []
    size = 0
    try:
        while True:
            if clock() > deadline:
                raise _timeout(limits)
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            if inflater is not None:
                # max_length keeps a small bomb from expanding past the cap in memory.
                chunk = inflater.decompress(chunk, limits.max_bytes + 1 - size)
                if inflater.unconsumed_tail:
                    raise too_big(limits)
            size += len(chunk)
            if size > limits.max_bytes:
                raise too_big(limits)
            parts.append(chunk)
    except TimeoutError:
        raise _timeout(limits) from None
    except http.client.IncompleteRead:
        raise _truncated() from None
    except zlib.error:
        raise FetchError("truncated", "the compressed download is damaged") from None
    except (OSError, http.client.HTTPException) as error:
        raise _network_error(error, url, limits) from None
    if getattr(response, "length", None):
        raise _truncated()
    if inflater is not None and not inflater.eof:
        raise _truncated()
    return b"".join(parts)


def _truncated() -> FetchError:
    return FetchError("truncated", "the download was cut off before the end; try again later")


def _check_calendar(body: bytes, headers: Message) -> None:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        kind = (headers.get_content_type() if headers else "") or "an unknown type"
        start = head[:20].decode("utf-8", errors="replace")
        start = "".join(c if c.isprintable() else " " for c in start).strip()
        shown = f" starting with {start}" if start else " (empty)"
        raise FetchError("not-calendar", f"not a calendar: got {kind}{shown}")
    if b"END:VCALENDAR" not in body[-4096:].upper():
        raise _truncated()


def _status_error(status: int, url: str) -> FetchError:
    host = redact_url(url)
    if status in (401, 403):
        return FetchError(
            "auth",
            f"{host} refused access ({status}): check the user name and password, or "
            "whether the address was reset",
        )
    if status in (404, 410):
        return FetchError(
            "not-found", f"{host} has no calendar at this address any more ({status})"
        )
    if 500 <= status < 600:
        return FetchError("server", f"{host} had a server error ({status}); try again later")
    return FetchError("http", f"{host} answered {status}")


def _network_error(error: BaseException, url: str, limits: Limits) -> FetchError:
    reason: object = error.reason if isinstance(error, urllib.error.URLError) else error
    host = redact_url(url)
    if isinstance(reason, TimeoutError | socket.timeout):
        return _timeout(limits)
    if isinstance(reason, socket.gaierror):
        return FetchError("dns", f"cannot find the server {host} (no such name, or offline)")
    if isinstance(reason, ConnectionRefusedError):
        return FetchError("refused", f"{host} refused the connection")
    if isinstance(reason, ssl.SSLCertVerificationError):
        why = reason.verify_message or "not trusted"
        return FetchError("tls", f"{host}: the server's certificate is not valid ({why})")
    if isinstance(reason, ssl.SSLError):
        return FetchError("tls", f"{host}: the secure connection failed")
    if isinstance(reason, http.client.IncompleteRead):
        return _truncated()
    if isinstance(reason, ConnectionResetError | http.client.RemoteDisconnected):
        return FetchError("network", f"{host} closed the connection; try again later")
    # Exception text may quote the address; only its type is safe to show.
    return FetchError("network", f"{host}: network error ({type(reason).__name__})")
