"""CalDAV accounts through the ``caldav`` package: discover, list, fetch what changed.

``caldav`` (python-caldav) is the maintained CalDAV client for Python: it does principal
and calendar-home discovery, time-range REPORTs and RFC 6578 sync-collection, and copes
with many servers' quirks. Daybrief keeps the library at arm's length: everything it
returns is turned into plain data here, and every failure into a :class:`FetchError` whose
reason names the host only (the library's own messages quote whole addresses).

The fetched objects are combined into one calendar's bytes (:func:`combine`) so the usual
importer, with its incremental re-read, warnings and orphans, runs unchanged.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from daybrief.core.urls import UnusableAddress, may_send_credentials, normalise_url, redact_url
from daybrief.services.credentials import Secret
from daybrief.services.fetch import FetchError, Limits, bounded, too_big
from daybrief.store.source_sync import CalendarObject, SyncState

TIMEOUT_SECONDS = 30
FETCH_MARGIN = timedelta(days=30)
"""Fetched this far past the window's end, so the rolling window needs a full fetch only
about once a month rather than daily."""


@dataclass(frozen=True)
class RemoteCalendar:
    name: str
    url: str
    """The calendar's address; a secret like any other (kept in the keyring)."""

    def __repr__(self) -> str:
        return f"RemoteCalendar({self.name!r}, {redact_url(self.url)!r})"


@dataclass
class Changes:
    """What a fetch found, to import first and to store once the import has succeeded."""

    changed: list[CalendarObject] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    replace_all: bool = False
    sync_token: str | None = None
    fetched: tuple[datetime, datetime] | None = None


LIMITS = Limits(total_seconds=TIMEOUT_SECONDS)
"""Each CalDAV response is capped like an ICS download: size, and time for the whole
exchange (a REPORT that never ends, or one that trickles, is cut)."""


def _client(secret: Secret, url: str | None = None) -> Any:
    from caldav.davclient import DAVClient

    try:
        address = normalise_url(url or secret.url)
    except UnusableAddress as error:
        raise FetchError("address", str(error)) from None
    client = DAVClient(
        url=address,
        username=secret.username,
        password=secret.password,
        timeout=TIMEOUT_SECONDS,
        # The address was given in full; guessing others from a domain is not wanted here.
        enable_rfc6764=False,
    )
    client.session = _GuardedSession(client.session, address, LIMITS)  # type: ignore[assignment]
    return client


class _GuardedSession:
    """The HTTP session under ``caldav``, with Daybrief's policy on every request.

    - Credentials go only where :func:`may_send_credentials` allows: a calendar home or
      principal on another site gets the request without them.
    - The response is read here, streamed, within :data:`LIMITS` (size and total time),
      and handed to ``caldav`` already read.
    """

    def __init__(self, session: Any, given: str, limits: Limits) -> None:
        self._session = session
        self._given = given
        self._limits = limits

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        if not may_send_credentials(self._given, str(url)):
            kwargs["auth"] = None
            headers = kwargs.get("headers")
            if headers is not None:
                kwargs["headers"] = {
                    k: v for k, v in dict(headers).items() if k.lower() != "authorization"
                }
        kwargs["stream"] = True
        with bounded(self._limits.total_seconds) as expired:
            try:
                response = self._session.request(method, url, **kwargs)
                body = self._read(response)
            except FetchError:
                raise
            except Exception:
                if expired():
                    raise _timeout(url) from None
                raise
            if expired():
                raise _timeout(url)
        response._content = body
        response._content_consumed = True
        return response

    def _read(self, response: Any) -> bytes:
        cap = self._limits.max_bytes
        declared = str(response.headers.get("Content-Length") or "")
        if declared.isdigit() and int(declared) > cap:
            response.close()
            raise too_big(self._limits)
        parts: list[bytes] = []
        size = 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > cap:
                response.close()
                raise too_big(self._limits)
            parts.append(chunk)
        return b"".join(parts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def _timeout(url: str) -> FetchError:
    return FetchError(
        "timeout",
        f"{redact_url(str(url))} took longer than {TIMEOUT_SECONDS:g} s to answer; try again later",
    )


def discover_calendars(secret: Secret) -> list[RemoteCalendar]:
    """The calendars of the account at ``secret.url`` (principal → calendar home → list).

    Raises:
        FetchError: cannot connect, wrong password, not a CalDAV server, ….
    """
    with _translated(secret.url):
        client = _client(secret)
        principal = client.principal()
        found = []
        for calendar in principal.calendars():
            name = calendar.get_display_name() or _last_segment(str(calendar.url))
            found.append(RemoteCalendar(str(name), str(calendar.url)))
    return found


def pick_calendar(
    calendars: list[RemoteCalendar], wanted: str | None, given_url: str
) -> list[RemoteCalendar] | None:
    """The calendars to add: by name (``all`` for every one), the one at the address
    given, or the only one. None: the user must choose."""
    if wanted is not None:
        if wanted.strip().lower() == "all":
            return calendars
        chosen = [c for c in calendars if c.name.casefold() == wanted.strip().casefold()]
        return chosen or []
    try:
        given = normalise_url(given_url).rstrip("/")
    except UnusableAddress:
        given = given_url
    exact = [c for c in calendars if c.url.rstrip("/") == given]
    if exact:
        return exact
    return calendars if len(calendars) == 1 else None


def fetch_changes(
    secret: Secret,
    state: SyncState,
    window: tuple[datetime, datetime],
) -> Changes:
    """Objects changed since ``state`` (sync-token), or all in the window (time-range REPORT).

    A full fetch happens the first time, when the server has no sync support or forgot
    the token, and when the window has moved past what was fetched.

    Raises:
        FetchError: the server cannot be reached or refuses; nothing is changed.
    """
    with _translated(secret.url):
        client = _client(secret)
        calendar = client.calendar(url=secret.url)
        covered = (
            state.fetched_start is not None
            and state.fetched_end is not None
            and state.fetched_start <= window[0]
            and state.fetched_end >= window[1]
        )
        if state.sync_token and covered:
            changes = _sync(calendar, state.sync_token)
            if changes is not None:
                changes.fetched = (state.fetched_start, state.fetched_end)  # type: ignore[assignment]
                return changes
        return _full(calendar, (window[0], window[1] + FETCH_MARGIN))


def _sync(calendar: Any, token: str) -> Changes | None:
    from caldav.lib import error as dav_error

    try:
        collection = calendar.get_objects_by_sync_token(
            sync_token=token, load_objects=True, disable_fallback=True
        )
    except dav_error.AuthorizationError as refused:
        if "{DAV:}valid-sync-token" in (refused.preconditions or []):
            return None  # the server forgot the token: start again
        raise
    except dav_error.DAVError:
        return None  # no sync-collection support after all
    removed = {_path(str(url)) for url in collection.deleted_urls}
    changed = []
    for item in collection:
        path = _path(str(item.url))
        if path in removed:
            continue
        data = _data(item)
        if data is None:
            removed.add(path)
        else:
            changed.append(CalendarObject(path, item.etag, data))
    return Changes(changed, sorted(removed), False, _real_token(collection.sync_token))


def _full(calendar: Any, span: tuple[datetime, datetime]) -> Changes:
    from caldav.lib import error as dav_error

    token = None
    try:
        # The token first: what changes during the search is then fetched again next time.
        token = _real_token(
            calendar.get_objects_by_sync_token(load_objects=False, disable_fallback=True).sync_token
        )
    except dav_error.AuthorizationError as refused:
        if refused.status in (401, 403) and not refused.preconditions:
            raise
    except dav_error.DAVError:
        token = None
    found = calendar.search(start=span[0], end=span[1], event=True, expand=False)
    objects = []
    for item in found:
        data = _data(item)
        if data is not None:
            objects.append(CalendarObject(_path(str(item.url)), item.etag, data))
    return Changes(objects, [], True, token, span)


def _real_token(token: Any) -> str | None:
    # caldav invents "fake-" tokens when it falls back to a full listing; they mean nothing
    # to the server.
    text = str(token) if token else None
    return None if text is None or text.startswith("fake-") else text


def _data(item: Any) -> bytes | None:
    data = item.data
    if not data:
        return None
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _path(url: str) -> str:
    return urlsplit(url).path or url


def _last_segment(url: str) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[-1] if parts else "Calendar"


# ---------------------------------------------------------------------------- combining


def combine(objects: Iterable[bytes], name: str) -> bytes:
    """One VCALENDAR of every object's VEVENTs and VTIMEZONEs (each TZID once).

    Objects are taken in the order given; callers sort them (by href) so the same set of
    objects always gives the same bytes and an unchanged calendar imports as unchanged.
    """
    zones: dict[str, list[str]] = {}
    events: list[list[str]] = []
    for data in objects:
        text = data.decode("utf-8", errors="replace")
        for kind, lines in _components(text):
            if kind == "VTIMEZONE":
                tzid = next((ln[5:].strip() for ln in lines if ln.upper().startswith("TZID:")), "")
                zones.setdefault(tzid, lines)
            elif kind == "VEVENT":
                events.append(lines)
    out = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Daybrief//CalDAV//EN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for tzid in sorted(zones):
        out.extend(zones[tzid])
    for lines in events:
        out.extend(lines)
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _components(text: str) -> Iterator[tuple[str, list[str]]]:
    """Top-level components inside VCALENDAR, as their physical lines (folding kept)."""
    depth = 0
    kind = ""
    current: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            depth += 1
            if depth == 2:
                kind = upper[6:].strip()
                current = []
        if depth >= 2:
            current.append(line)
        if upper.startswith("END:"):
            if depth == 2 and upper[4:].strip() == kind:
                yield kind, current
            depth = max(depth - 1, 0)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


# ---------------------------------------------------------------------------- errors


@contextlib.contextmanager
def _translated(url: str) -> Iterator[None]:
    """Turns whatever the CalDAV stack raises into a redacted :class:`FetchError`."""
    try:
        yield
    except (FetchError, Conflict):
        raise
    except Exception as error:
        raise _reason(error, redact_url(url)) from None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)
        todo.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))


def _reason(error: Exception, host: str) -> FetchError:
    from caldav.lib import error as dav_error

    if isinstance(error, dav_error.AuthorizationError):
        return FetchError(
            "auth", f"{host} refused the user name or password; check them and try again"
        )
    if isinstance(error, dav_error.NotFoundError):
        return FetchError("not-found", f"{host} has no calendar at this address any more")
    if isinstance(error, dav_error.DAVError):
        status = getattr(error, "status", None)
        if status in (401, 403):
            return FetchError("auth", f"{host} refused access ({status})")
        if isinstance(status, int) and status >= 500:
            return FetchError("server", f"{host} had a server error ({status}); try again later")
        return FetchError(
            "server", f"{host} did not answer as a CalDAV server ({type(error).__name__})"
        )
    # The text is only searched, never shown: it quotes the address.
    text = " ".join(str(e) for e in _chain(error)).lower()
    kinds = tuple(type(e) for e in _chain(error))
    names = " ".join(k.__name__ for k in kinds).lower()
    if any(issubclass(k, ssl.SSLCertVerificationError) for k in kinds) or (
        "certificate_verify_failed" in text
    ):
        return FetchError("tls", f"{host}: the server's certificate is not valid")
    if any(issubclass(k, ssl.SSLError) for k in kinds) or "sslerror" in names:
        return FetchError("tls", f"{host}: the secure connection failed")
    if any(issubclass(k, TimeoutError | socket.timeout) for k in kinds) or "timeout" in names:
        return FetchError("timeout", f"{host} took too long to answer; try again later")
    if any(issubclass(k, socket.gaierror) for k in kinds) or any(
        s in text for s in ("name or service not known", "getaddrinfo", "nodename nor servname")
    ):
        return FetchError("dns", f"cannot find the server {host} (no such name, or offline)")
    if any(issubclass(k, ConnectionRefusedError) for k in kinds) or "connection refused" in text:
        return FetchError("refused", f"{host} refused the connection")
    if "connection" in names or any(issubclass(k, ConnectionError) for k in kinds):
        return FetchError("network", f"{host}: the connection failed; try again later")
    return FetchError("network", f"{host}: CalDAV request failed ({type(error).__name__})")


# ---------------------------------------------------------------------------- writing back


class Conflict(Exception):
    """The object changed on the server since it was fetched (412): fetch it again."""


def object_url(secret: Secret, href: str) -> str:
    from urllib.parse import urljoin

    return urljoin(secret.url, href)


def get_object(secret: Secret, href: str) -> CalendarObject:
    """One calendar object as the server has it now, with its ETag.

    Raises:
        FetchError: unreachable, refused, or no such object.
    """
    with _translated(secret.url):
        client = _client(secret)
        response = client.request(object_url(secret, href), "GET")
        if response.status == 404:
            raise FetchError("not-found", f"{redact_url(secret.url)} no longer has this meeting")
        if response.status >= 300:
            raise FetchError("server", f"{redact_url(secret.url)} answered {response.status}")
        etag = response.headers.get("ETag")
        data = response.raw
        body = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return CalendarObject(href, etag, body)


def put_object(secret: Secret, item: CalendarObject) -> str | None:
    """Write ``item`` back only if the server still has ``item.etag`` (``If-Match``).

    Returns the new ETag when the server gives one.

    Raises:
        Conflict: someone changed the object meanwhile (412): fetch and apply again.
        FetchError: unreachable or refused; nothing was written.
    """
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    if item.etag:
        headers["If-Match"] = item.etag
    with _translated(secret.url):
        client = _client(secret)
        response = client.request(
            object_url(secret, item.href), "PUT", item.data.decode("utf-8"), headers
        )
        if response.status == 412:
            raise Conflict(item.href)
        if response.status >= 300:
            raise FetchError(
                "server", f"{redact_url(secret.url)} refused the change ({response.status})"
            )
        etag = response.headers.get("ETag")
        return str(etag) if etag else None


# Shared with the task-list sync (services/task_sync.py): the same client settings
# (timeout, no DNS guessing) and the same redacted reasons.
dav_client = _client
caldav_errors = _translated
