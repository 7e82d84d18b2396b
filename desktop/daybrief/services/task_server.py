"""A CalDAV task list over the wire: what changed, fetch, conditional write and delete.

The ``caldav`` package does discovery (principal, calendar home, MKCALENDAR); the sync's
own requests are plain WebDAV sent through the same client (same timeout, same redacted
errors as the calendar sources), so every write carries the precondition the sync needs:
``If-None-Match: *`` for a new task, ``If-Match: <etag>`` for a change or a deletion. A
server that answers 412 has a newer task than the one merged; the sync fetches it again.

Paths (hrefs) are kept decoded and without host; every response is capped in size like a
calendar source's download (:class:`daybrief.services.fetch.Limits`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from daybrief.core.urls import redact_url
from daybrief.services.caldav_source import caldav_errors, dav_client
from daybrief.services.credentials import Secret
from daybrief.services.fetch import MB, FetchError, Limits

DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"
MULTIGET_BATCH = 200
XML = {"Content-Type": 'application/xml; charset="utf-8"'}


class PreconditionFailed(Exception):
    """412: the task on the server is not the one the write was based on."""


class Gone(Exception):
    """404/410: no task at this path (any more)."""


@dataclass
class Listing:
    """What changed in the list since a token (or everything, ``complete``)."""

    etags: dict[str, str | None] = field(default_factory=dict)
    """Changed (or, when complete, all) tasks: path → ETag."""
    removed: set[str] = field(default_factory=set)
    token: str | None = None
    complete: bool = False


@dataclass(frozen=True)
class RemoteList:
    name: str
    url: str

    def __repr__(self) -> str:
        return f"RemoteList({self.name!r}, {redact_url(self.url)!r})"


class TaskServer:
    """One task list at ``secret.url``; ``requests`` counts HTTP requests sent."""

    def __init__(self, secret: Secret, limits: Limits | None = None) -> None:
        self.secret = secret
        self.limits = limits or Limits()
        self.requests = 0
        self.client = dav_client(secret)
        session = self.client.session
        send = session.request

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.requests += 1
            return send(*args, **kwargs)

        session.request = counted
        parts = urlsplit(self.client.url if isinstance(self.client.url, str) else str(secret.url))
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.path = unquote(urlsplit(secret.url).path or "/")
        if not self.path.endswith("/"):
            self.path += "/"

    # ------------------------------------------------------------------ plumbing

    def url(self, path: str) -> str:
        return self.origin + quote(path, safe="/@:+~!$&'()*,;=-._")

    def _send(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> Any:
        with caldav_errors(self.secret.url):
            response = self.client.request(self.url(path), method, body, headers or {})
        raw = getattr(response, "_raw", b"") or b""
        if len(raw) > self.limits.max_bytes:
            raise FetchError(
                "too-big",
                f"{redact_url(self.secret.url)} sent more than "
                f"{self.limits.max_bytes // MB or 1} MB in one answer; not read",
            )
        status = int(response.status)
        if status == 412:
            raise PreconditionFailed(path)
        if status in (404, 410):
            raise Gone(path)
        if status >= 500:
            raise FetchError(
                "server", f"{redact_url(self.secret.url)} had a server error ({status}); "
                "try again later"
            )  # fmt: skip
        if status >= 300:
            raise FetchError("http", f"{redact_url(self.secret.url)} answered {status} to {method}")
        return response

    @staticmethod
    def _body(response: Any) -> bytes:
        raw = getattr(response, "_raw", b"") or b""
        return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)

    def _multistatus(self, response: Any) -> ET.Element:
        body = self._body(response)
        try:
            return ET.fromstring(body) if body.strip() else ET.Element(f"{DAV}multistatus")
        except ET.ParseError:
            raise FetchError(
                "server", f"{redact_url(self.secret.url)} sent an unreadable WebDAV answer"
            ) from None

    def _href(self, element: ET.Element) -> str:
        text = (element.findtext(f"{DAV}href") or "").strip()
        return unquote(urlsplit(urljoin(self.origin + self.path, text)).path)

    # ------------------------------------------------------------------ reading

    def changes(self, token: str | None, known: Iterable[str]) -> Listing:
        """Changes since ``token`` by sync-collection (RFC 6578), else a full ETag listing.

        A forgotten token (or none) gives a complete listing; ``known`` paths missing from
        it are then reported removed.
        """
        listing = self._sync_collection(token or "")
        if listing is None and token:
            listing = self._sync_collection("")
        if listing is None:
            listing = self._propfind()
        if listing.complete:
            listing.removed = set(known) - set(listing.etags)
        return listing

    def _sync_collection(self, token: str) -> Listing | None:
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<D:sync-collection xmlns:D="DAV:">'
            f"<D:sync-token>{_xml_text(token)}</D:sync-token><D:sync-level>1</D:sync-level>"
            "<D:prop><D:getetag/></D:prop></D:sync-collection>"
        )
        try:
            response = self._send("REPORT", self.path, body, {**XML, "Depth": "0"})
        except (FetchError, Gone, PreconditionFailed) as error:
            if isinstance(error, FetchError) and error.kind not in ("http", "server"):
                raise  # offline, refused password, …: not a missing feature
            return None  # no sync-collection here, or the token was forgotten (403/409/412)
        tree = self._multistatus(response)
        new_token = (tree.findtext(f"{DAV}sync-token") or "").strip() or None
        if new_token is None:
            return None
        listing = Listing(token=new_token, complete=not token)
        for item in tree.findall(f"{DAV}response"):
            path = self._href(item)
            if path.rstrip("/") == self.path.rstrip("/"):
                continue
            status = item.findtext(f"{DAV}status") or ""
            if " 404 " in f"{status} " or " 410 " in f"{status} ":
                listing.removed.add(path)
                continue
            listing.etags[path] = _etag(item)
        return listing

    def _propfind(self) -> Listing:
        body = (
            '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
            "<D:prop><D:getetag/><D:resourcetype/></D:prop></D:propfind>"
        )
        tree = self._multistatus(self._send("PROPFIND", self.path, body, {**XML, "Depth": "1"}))
        listing = Listing(complete=True)
        found_itself = False
        for item in tree.findall(f"{DAV}response"):
            path = self._href(item)
            if path.rstrip("/") == self.path.rstrip("/"):
                found_itself = " 404 " not in f"{item.findtext(f'.//{DAV}status') or ''} "
                continue
            if item.find(f".//{DAV}resourcetype/{DAV}collection") is not None:
                continue
            listing.etags[path] = _etag(item)
        if not found_itself:
            # An existing collection always lists itself: it is gone (or never was).
            raise Gone(self.path)
        return listing

    def fetch(self, paths: Iterable[str]) -> dict[str, tuple[str | None, str]]:
        """path → (ETag, iCalendar text), by calendar-multiget; paths gone are left out."""
        wanted = sorted(set(paths))
        found: dict[str, tuple[str | None, str]] = {}
        for start in range(0, len(wanted), MULTIGET_BATCH):
            hrefs = "".join(
                f"<D:href>{_xml_text(quote(p, safe='/@:+~!$&()*,;=-._'))}</D:href>"
                for p in wanted[start : start + MULTIGET_BATCH]
            )
            body = (
                '<?xml version="1.0" encoding="utf-8"?>'
                '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
                f"<D:prop><D:getetag/><C:calendar-data/></D:prop>{hrefs}</C:calendar-multiget>"
            )
            tree = self._multistatus(self._send("REPORT", self.path, body, {**XML, "Depth": "1"}))
            for item in tree.findall(f"{DAV}response"):
                data = item.findtext(f".//{CALDAV}calendar-data")
                if data:
                    found[self._href(item)] = (_etag(item), data)
        return found

    def get(self, path: str) -> tuple[str | None, str]:
        """(ETag, text) of one task. Raises Gone."""
        response = self._send("GET", path)
        return _header_etag(response), self._body(response).decode("utf-8", errors="replace")

    # ------------------------------------------------------------------ writing

    def put(self, path: str, data: str, etag: str | None) -> str | None:
        """Write a task: a change of the one with ``etag``, or (None) a new one.

        Raises PreconditionFailed when the server's task is not that one (or, for a new
        one, when the path is taken). Returns the new ETag when the server says it.
        """
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        headers.update({"If-Match": etag} if etag else {"If-None-Match": "*"})
        return _header_etag(self._send("PUT", path, data, headers))

    def delete(self, path: str, etag: str | None) -> None:
        """Delete the task, only if it is still the one with ``etag``; gone already is fine."""
        try:
            self._send("DELETE", path, "", {"If-Match": etag} if etag else {})
        except Gone:
            return

    def new_path(self, uid: str) -> str:
        name = re.sub(r"[^A-Za-z0-9._@-]", "_", uid)[:120] or "task"
        return f"{self.path}{name}.ics"

    # ------------------------------------------------------------------ lists

    def describe_self(self) -> RemoteList | None:
        """This address as a task list, if it is a calendar collection that takes VTODOs."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>'
            "<D:resourcetype/><D:displayname/><C:supported-calendar-component-set/>"
            "</D:prop></D:propfind>"
        )
        try:
            tree = self._multistatus(self._send("PROPFIND", self.path, body, {**XML, "Depth": "0"}))
        except (Gone, FetchError, PreconditionFailed) as error:
            if isinstance(error, FetchError) and error.kind not in ("http", "server"):
                raise
            return None
        for item in tree.findall(f"{DAV}response"):
            if item.find(f".//{DAV}resourcetype/{CALDAV}calendar") is None:
                continue
            components = {(c.get("name") or "").upper() for c in item.iter(f"{CALDAV}comp")}
            if components and "VTODO" not in components:
                return None
            name = (item.findtext(f".//{DAV}displayname") or "").strip()
            return RemoteList(name or _last_segment(self.path), self.secret.url)
        return None


def discover_lists(secret: Secret) -> tuple[list[RemoteList], Any]:
    """The account's task lists (calendars that take VTODOs) and its principal."""
    with caldav_errors(secret.url):
        principal = dav_client(secret).principal()
        lists = []
        for calendar in principal.calendars():
            try:
                components = {c.upper() for c in calendar.get_supported_components()}
            except Exception:  # a server that does not say takes anything
                components = set()
            if components and "VTODO" not in components:
                continue
            name = calendar.get_display_name() or _last_segment(str(calendar.url))
            lists.append(RemoteList(str(name), str(calendar.url)))
    return lists, principal


def create_list(secret: Secret, principal: Any, name: str) -> RemoteList:
    """A new task list (MKCALENDAR for VTODO) named ``name``."""
    with caldav_errors(secret.url):
        calendar = principal.make_calendar(name=name, supported_calendar_component_set=["VTODO"])
    return RemoteList(name, str(calendar.url))


def _etag(item: ET.Element) -> str | None:
    text = item.findtext(f".//{DAV}getetag")
    return text.strip() if text and text.strip() else None


def _header_etag(response: Any) -> str | None:
    value = response.headers.get("ETag") if response.headers is not None else None
    return str(value) if value else None


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _last_segment(path: str) -> str:
    parts = [p for p in urlsplit(path).path.split("/") if p]
    return unquote(parts[-1]) if parts else "Tasks"
