"""Downloading an ICS subscription: conditional, capped, redirect by redirect.

Client: the standard library's ``urllib.request``. It streams, honours the system's proxy
settings and verifies TLS with the default context, and it adds no dependency; that matters
because ``caldav`` pulls in ``niquests``/``urllib3-future``, which replaces ``urllib3`` in
the environment. What Daybrief needs beyond it is policy, not protocol: redirects are
followed by hand so every hop is checked (count, scheme, no https→http), the total time and
the body size are capped while streaming, and gzip is decoded with the same cap.

Every message is built from :func:`~daybrief.core.urls.redact_url`, never from the address.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any

from daybrief import __version__
from daybrief.core.errors import DaybriefError
from daybrief.core.urls import UnusableAddress, next_hop, normalise_url, redact_url, same_origin

MB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB
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


def _too_big(limits: Limits) -> FetchError:
    return FetchError(
        "too-big", f"the calendar is larger than {limits.max_bytes // MB or 1} MB; not imported"
    )


def _read_body(
    response: Any, deadline: float, limits: Limits, clock: Callable[[], float], url: str
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_big(limits)
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
                    raise _too_big(limits)
            size += len(chunk)
            if size > limits.max_bytes:
                raise _too_big(limits)
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
