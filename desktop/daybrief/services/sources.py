"""Managing calendar sources without ever losing what the user attached to their meetings.

Network sources (an ICS address, a CalDAV calendar) keep their secrets in the keyring
(:mod:`daybrief.services.credentials`); the store holds a redacted address for display and
the keyring reference. Adding a source fetches it first: an address that gives no calendar
is refused and nothing is stored.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, tzinfo

from daybrief.core.errors import DaybriefError
from daybrief.core.roles import ROLE_LABELS as ROLE_LABELS
from daybrief.core.roles import Role, parse_role
from daybrief.core.urls import UnusableAddress, normalise_url, redact_url
from daybrief.services.caldav_source import (
    RemoteCalendar,
    discover_calendars,
    fetch_changes,
    pick_calendar,
)
from daybrief.services.credentials import CredentialStore, CredentialsUnavailable, Secret
from daybrief.services.fetch import FetchError, Limits, Opener, fetch_ics
from daybrief.services.importer import default_window, refresh_snapshots
from daybrief.services.preferences import load_preferences
from daybrief.services.refresh import (
    RefreshResult,
    import_caldav_changes,
    import_url_bytes,
)
from daybrief.store.calendars import Calendars, Source
from daybrief.store.db import Store
from daybrief.store.source_sync import SourceSync, SyncState


class SourceExists(DaybriefError):
    """The address (and calendar) is already a source."""


def rename_source(store: Store, source_id: int, name: str) -> None:
    """Give a calendar the name the user chose (kept across refreshes)."""
    Calendars(store).rename(source_id, name)


def remove_source(store: Store, source_id: int, credentials: CredentialStore | None = None) -> None:
    """Forget a source; meetings with user data keep it and show as last seen (docs/semantics.md).

    With ``credentials``, its keyring entry goes too; a keyring that cannot be reached
    does not stop the removal.
    """
    calendars = Calendars(store)
    state = SourceSync(store).state(source_id)
    with store.transaction():
        refresh_snapshots(store, calendars.occurrences_of(source_id))
        calendars.remove_source(source_id)
    if state is not None and credentials is not None:
        # The entry is left behind then, holding nothing the store still points at.
        with contextlib.suppress(CredentialsUnavailable):
            credentials.delete(state.secret_ref)


@dataclass(frozen=True)
class SourceStatus:
    """A source as the Calendars dialog lists it."""

    source: Source
    occurrences: int
    sync: SyncState | None = None

    @property
    def problem(self) -> str:
        source = self.source
        if source.last_error and (source.last_success_at or "") < (source.last_error_at or ""):
            return source.last_error
        return ""

    @property
    def address(self) -> str:
        """What to show for where it comes from: a path, or a redacted address."""
        if self.sync is not None:
            calendar = f" ({self.sync.calendar_name})" if self.sync.calendar_name else ""
            return self.sync.display_url + calendar
        return self.source.location

    @property
    def next_retry_at(self) -> datetime | None:
        return self.sync.next_retry_at if self.sync is not None else None

    def to_dict(self) -> dict[str, object]:
        source = self.source
        return {
            "id": source.id,
            "name": source.name,
            "kind": source.kind,
            "address": self.address,
            "enabled": source.enabled,
            "occurrences": self.occurrences,
            "last_success_at": source.last_success_at,
            "problem": self.problem or None,
            "problem_at": source.last_error_at if self.problem else None,
            "failures": self.sync.failures if self.sync is not None else 0,
            "next_retry_at": (
                self.next_retry_at.strftime("%Y-%m-%dT%H:%M:%SZ") if self.next_retry_at else None
            ),
            "role": source.role,
            "role_how": self.role_how,
            "role_reason": source.role_reason,
            "colour": source.colour,
        }

    @property
    def role_how(self) -> str:
        """``set`` (the user chose it) or ``guessed`` (on the first import)."""
        return "set" if self.source.role_set else "guessed"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.source.role, self.source.role)


def list_sources(store: Store) -> list[SourceStatus]:
    calendars = Calendars(store)
    states = SourceSync(store).states()
    return [
        SourceStatus(s, calendars.count_occurrences(s.id), states.get(s.id))
        for s in calendars.sources()
    ]


def find_sources(store: Store, id_or_name: str) -> list[Source]:
    """Sources by id (a number) or by name (case-insensitive)."""
    sources = Calendars(store).sources()
    text = id_or_name.strip()
    if text.isdigit():
        return [s for s in sources if s.id == int(text)]
    return [s for s in sources if s.name.casefold() == text.casefold()]


_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def parse_colour(text: str) -> str:
    """A calendar colour as ``#rrggbb`` (lower case).

    Raises:
        ValueError: not of the form #RRGGBB, with a message saying so.
    """
    value = text.strip()
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"colour {text!r} is not of the form #RRGGBB (e.g. #3b82f6)")
    return value.lower()


def set_source_role(store: Store, source_id: int, role: str | Role) -> None:
    """The user's choice of role (core.roles). It takes effect at once: occurrences take
    their calendar's role when read, so nothing is fetched or imported again, and the
    user's own data (checklists, notes, follow-ups) is not touched.

    Raises:
        ValueError: not a role.
        KeyError: no such source.
    """
    chosen = parse_role(str(role))
    calendars = Calendars(store)
    if not any(s.id == source_id for s in calendars.sources()):
        raise KeyError(source_id)
    calendars.set_role(source_id, chosen.value, chosen=True)


def set_source_colour(store: Store, source_id: int, colour: str | None) -> None:
    """The calendar's colour in the window (#RRGGBB), or None for the default.

    Raises:
        ValueError: not a colour.
        KeyError: no such source.
    """
    value = parse_colour(colour) if colour is not None else None
    calendars = Calendars(store)
    if not any(s.id == source_id for s in calendars.sources()):
        raise KeyError(source_id)
    calendars.set_colour(source_id, value)


def file_locations(store: Store) -> list[str]:
    """The local files behind file sources, to import again."""
    return [s.location for s in Calendars(store).sources() if s.kind == "file"]


# ---------------------------------------------------------------------------- adding


def _new_ref(store: Store) -> str:
    sync = SourceSync(store)
    while True:
        ref = secrets.token_hex(6)
        if not sync.ref_in_use(ref):
            return ref


def _check_not_added(
    store: Store, credentials: CredentialStore, url: str, display: str, calendar: str | None
) -> None:
    """Refuse the same address twice; only sources shown with the same host are looked up."""
    names = {s.id: s.name for s in Calendars(store).sources()}
    for state in SourceSync(store).states().values():
        if state.display_url != display or state.calendar_name != calendar:
            continue
        try:
            known = credentials.get(state.secret_ref)
        except CredentialsUnavailable:
            return
        if known is not None and known.url.rstrip("/") == url.rstrip("/"):
            raise SourceExists(
                f"already added as {names.get(state.source_id, '?')!r} "
                f"(id {state.source_id}); refresh it instead"
            )


def add_url_source(
    store: Store,
    url: str,
    *,
    credentials: CredentialStore,
    now: datetime,
    name: str | None = None,
    username: str | None = None,
    password: str | None = None,
    zone: tzinfo | None = None,
    limits: Limits | None = None,
    opener: Opener | None = None,
    role: str | None = None,
) -> RefreshResult:
    """Subscribe to an ICS address (https, http or webcal) and import it now.

    Raises:
        FetchError: the address gives no calendar (nothing is stored).
        InvalidCalendar: it gives a broken one (nothing is stored).
        CredentialsUnavailable: no keyring to keep the address in (nothing is stored);
            offer to install one, or to call again with :class:`SessionCredentials`.
        SourceExists: it is already a source.
    """
    try:
        address = normalise_url(url)
    except UnusableAddress as error:
        raise FetchError("address", str(error)) from None
    display = redact_url(address)
    zone = zone or load_preferences(store).zone()
    _check_not_added(store, credentials, address, display, None)
    fetched = fetch_ics(address, username=username, password=password, limits=limits, opener=opener)
    assert fetched.data is not None  # no validators were sent, so no 304
    ref = _new_ref(store)
    location = f"{display} [{ref}]"
    credentials.set(ref, Secret(address, username, password))
    try:
        with store.transaction():
            report = import_url_bytes(
                store, location, display, fetched.data, now, zone, name=name, role=role,
                address=address,
            )  # fmt: skip
            source = Calendars(store).find_source("url", location)
            assert source is not None
            sync = SourceSync(store)
            sync.create(source.id, secret_ref=ref, display_url=display)
            sync.set_validators(
                source.id, fetched.validators.etag, fetched.validators.last_modified
            )
            sync.record_success(source.id, now)
    except BaseException:
        credentials.delete(ref)
        raise
    return RefreshResult(
        source.id, source.name if name is None else name, "updated", report=report,
        last_success_at=store.now(),
    )  # fmt: skip


def add_caldav_source(
    store: Store,
    calendar: RemoteCalendar,
    *,
    username: str | None,
    password: str | None,
    credentials: CredentialStore,
    now: datetime,
    name: str | None = None,
    zone: tzinfo | None = None,
    role: str | None = None,
) -> RefreshResult:
    """Add one calendar of a CalDAV account (from :func:`discover_calendars`) and import it.

    Raises:
        FetchError, InvalidCalendar, CredentialsUnavailable, SourceExists: as for
            :func:`add_url_source`; nothing is stored.
    """
    display = redact_url(calendar.url)
    zone = zone or load_preferences(store).zone()
    secret = Secret(calendar.url, username, password)
    _check_not_added(store, credentials, calendar.url, display, calendar.name)
    blank = SyncState(
        0, "", display, calendar.name, None, None, None, None, None, 0, None, None
    )  # fmt: skip
    changes = fetch_changes(secret, blank, default_window(now))
    ref = _new_ref(store)
    location = f"{display} {calendar.name} [{ref}]"
    credentials.set(ref, secret)
    try:
        with store.transaction():
            calendars = Calendars(store)
            source = calendars.add_source("caldav", location, name or calendar.name)
            sync = SourceSync(store)
            sync.create(source.id, secret_ref=ref, display_url=display, calendar_name=calendar.name)
            state = sync.state(source.id)
            assert state is not None
            report = import_caldav_changes(
                store, source, state, changes, now, zone, role=role, address=calendar.url
            )
            sync.record_success(source.id, now)
    except BaseException:
        credentials.delete(ref)
        raise
    return RefreshResult(
        source.id, name or calendar.name, "updated", report=report, last_success_at=store.now()
    )


def set_source_secret(
    store: Store,
    source_id: int,
    credentials: CredentialStore,
    *,
    url: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> None:
    """Enter a source's address or password again (changed password, reset keyring).

    The address must lead to the same host as before (what the user sees does not change
    behind their back); ``url`` None keeps the stored one.

    Raises:
        KeyError: not a network source.
        FetchError: the address is unusable or on another host.
        CredentialsUnavailable: no keyring.
    """
    state = SourceSync(store).state(source_id)
    if state is None:
        raise KeyError(source_id)
    current = credentials.get(state.secret_ref)
    if url is None:
        if current is None:
            raise FetchError("address", "the address is not stored any more: give it again")
        address = current.url
    else:
        try:
            address = normalise_url(url)
        except UnusableAddress as error:
            raise FetchError("address", str(error)) from None
        if redact_url(address) != state.display_url:
            raise FetchError(
                "address",
                f"that address is on {redact_url(address)}, this calendar is on "
                f"{state.display_url}: add it as a new calendar instead",
            )
    credentials.set(state.secret_ref, Secret(address, username, password))


def secret_with_password(
    store: Store, source_id: int, credentials: CredentialStore, password: str
) -> Secret:
    """The stored address and user with ``password`` instead, for one refresh (not stored).

    Raises:
        KeyError: not a network source.
        FetchError: the address itself is not stored (added without a keyring).
        CredentialsUnavailable: no keyring.
    """
    state = SourceSync(store).state(source_id)
    if state is None:
        raise KeyError(source_id)
    stored = credentials.get(state.secret_ref)
    if stored is None:
        raise FetchError(
            "address",
            "its address is not stored (no keyring when it was added): remove it and add it again",
        )
    return Secret(stored.url, stored.username, password)


@dataclass(frozen=True)
class Subscription:
    """What adding an address came to: sources added, or CalDAV calendars to choose from."""

    added: tuple[RefreshResult, ...] = ()
    choices: tuple[RemoteCalendar, ...] = ()
    """Set when a CalDAV account has several calendars and none was named."""


def subscribe(
    store: Store,
    url: str,
    *,
    credentials: CredentialStore,
    now: datetime,
    name: str | None = None,
    username: str | None = None,
    password: str | None = None,
    calendar: str | None = None,
    role: str | None = None,
) -> Subscription:
    """Add any address: an ICS file (webcal/https/http), else a CalDAV account's calendars.

    ``calendar``: a CalDAV calendar's name, or ``all``; None tries the address as an ICS
    file first and, when it is not one, as a CalDAV account. ``role`` (core.roles): whose
    calendar it is; None guesses it from the first import (the report says why).

    Raises:
        FetchError: neither worked (the first reason, unless the password was refused).
        InvalidCalendar, CredentialsUnavailable, SourceExists: nothing was added.
        LookupError: ``calendar`` names no calendar of the account.
    """
    if calendar is None:
        try:
            result = add_url_source(
                store, url, credentials=credentials, now=now, name=name,
                username=username, password=password, role=role,
            )  # fmt: skip
            return Subscription(added=(result,))
        except FetchError as error:
            if error.kind not in ("not-calendar", "auth", "not-found", "http"):
                raise
            # Not an ICS file: perhaps a CalDAV account. If it is not one either, the first
            # reason is the one to show.
            try:
                calendars = discover_calendars(Secret(url, username, password))
            except FetchError as second:
                raise (second if second.kind == "auth" else error) from None
    else:
        calendars = discover_calendars(Secret(url, username, password))
    if not calendars:
        raise LookupError("the CalDAV account has no calendars")
    chosen = pick_calendar(calendars, calendar, url)
    if chosen is None:
        return Subscription(choices=tuple(calendars))
    if not chosen:
        names = ", ".join(repr(c.name) for c in calendars)
        raise LookupError(f"no calendar named {calendar!r}; the account has {names}")
    added = tuple(
        add_caldav_source(
            store,
            remote,
            username=username,
            password=password,
            credentials=credentials,
            now=now,
            name=name if len(chosen) == 1 else None,
            role=role,
        )
        for remote in chosen
    )
    return Subscription(added=added)
