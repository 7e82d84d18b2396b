"""Keeping sources current: on start, on demand and every N minutes, never losing data.

No Qt here: the window runs :func:`refresh_all` on its worker (each job with its own store
connection) and re-emits ``progress`` as signals; the command line calls it directly.

A failed refresh (network, server, password, a body that is no calendar) keeps the last
good data, records a short redacted reason, and schedules a retry with exponential
back-off; :func:`due_sources` tells the caller which sources to fetch at a given moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from daybrief.core import settings as declared
from daybrief.core.errors import InvalidCalendar
from daybrief.services.caldav_source import Changes, combine, fetch_changes
from daybrief.services.credentials import CredentialStore, CredentialsUnavailable, Secret
from daybrief.services.fetch import FetchError, Limits, Opener, Validators, fetch_ics
from daybrief.services.importer import ImportReport, default_window, import_bytes, import_file
from daybrief.services.preferences import load_preferences, zone_label
from daybrief.services.settings import read
from daybrief.store.calendars import Calendars, Source
from daybrief.store.db import Store
from daybrief.store.source_sync import SourceSync, SyncState, merged_objects

REFRESH_MINUTES_SETTING = declared.REFRESH_MINUTES.key
DEFAULT_REFRESH_MINUTES = declared.REFRESH_MINUTES.default
FIRST_RETRY = timedelta(minutes=2)
LONGEST_RETRY = timedelta(hours=6)

ProgressFn = Callable[[int, int, str], None]
"""(step, steps, message), as for imports; raising from it cancels with nothing written."""

_STEPS = ("fetching", "reading", "expanding", "saving")


@dataclass(frozen=True)
class RefreshResult:
    """How one source's refresh went; ``reason`` is redacted and fit to show as it is."""

    source_id: int
    name: str
    outcome: str
    """'updated', 'unchanged' or 'failed'."""
    report: ImportReport | None = None
    reason: str = ""
    kind: str = ""
    """For a failure: the :class:`FetchError` kind, 'calendar', or 'credentials'."""
    needs_credentials: bool = False
    """The keyring has no secret for it (or no keyring): ask the user again."""
    last_success_at: str | None = None
    next_retry_at: datetime | None = None

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"

    def summary(self) -> str:
        if not self.failed:
            if self.report is not None and not self.report.unchanged:
                return f"{self.name}: {self.report.summary().split(': ', 1)[-1]}"
            return f"{self.name}: unchanged"
        kept = (
            f"keeping the data from {self.last_success_at[:16].replace('T', ' ')} UTC"
            if self.last_success_at
            else "nothing imported yet"
        )
        retry = (
            f"; retrying after {self.next_retry_at:%Y-%m-%d %H:%M} UTC"
            if self.next_retry_at is not None
            else ""
        )
        return f"{self.name}: {self.reason} ({kept}{retry})"


def refresh_interval(store: Store) -> timedelta:
    return timedelta(minutes=read(store, declared.REFRESH_MINUTES))


def retry_delay(failures: int) -> timedelta:
    """2 min, 4, 8, … up to 6 h: a server that is down is not hammered, one that is back
    is noticed soon."""
    doublings = min(max(failures - 1, 0), 16)  # past the cap anyway; keeps timedelta in range
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def due_sources(store: Store, now: datetime) -> list[int]:
    """Enabled sources to refresh at ``now``: never tried, a retry that is due, or a last
    attempt older than the refresh interval. Local files are included: re-reading an
    unchanged file costs a hash."""
    interval = refresh_interval(store)
    states = SourceSync(store).states()
    due = []
    for source in Calendars(store).sources():
        if not source.enabled:
            continue
        state = states.get(source.id)
        if state is not None and state.next_retry_at is not None:
            if state.next_retry_at <= now:
                due.append(source.id)
            continue
        last = state.last_attempt_at if state is not None else None
        if last is None and source.last_success_at:
            last = datetime.fromisoformat(source.last_success_at.replace("Z", "+00:00"))
        if last is None or last + interval <= now:
            due.append(source.id)
    return due


def refresh_all(
    store: Store,
    *,
    now: datetime,
    credentials: CredentialStore,
    only_due: bool = False,
    progress: ProgressFn | None = None,
    zone: tzinfo | None = None,
    limits: Limits | None = None,
    opener: Opener | None = None,
) -> list[RefreshResult]:
    """Refresh every enabled source (or only those due); one failure never stops the rest."""
    if only_due:
        ids = due_sources(store, now)
    else:
        ids = [s.id for s in Calendars(store).sources() if s.enabled]
    results = []
    steps = len(ids) * len(_STEPS)
    for number, source_id in enumerate(ids):

        def step(done: int, _total: int, message: str, number: int = number) -> None:
            if progress is not None:
                progress(number * len(_STEPS) + done, steps, message)

        results.append(
            refresh_source(
                store,
                source_id,
                now=now,
                credentials=credentials,
                progress=step,
                zone=zone,
                limits=limits,
                opener=opener,
            )
        )
    if progress is not None:
        progress(steps, steps, "done")
    return results


def refresh_source(
    store: Store,
    source_id: int,
    *,
    now: datetime,
    credentials: CredentialStore,
    progress: ProgressFn | None = None,
    zone: tzinfo | None = None,
    limits: Limits | None = None,
    opener: Opener | None = None,
    secret: Secret | None = None,
) -> RefreshResult:
    """Fetch one source again and import what changed; a failure is recorded, not raised.

    ``secret`` overrides the keyring (a password typed for this refresh only).

    Raises:
        KeyError: no such source.
        StoreError: the store itself failed (not a source problem).
    """
    calendars = Calendars(store)
    source = next((s for s in calendars.sources() if s.id == source_id), None)
    if source is None:
        raise KeyError(source_id)
    zone = zone or load_preferences(store).zone()

    def tell(phase: str) -> None:
        if progress is not None and phase in _STEPS:
            progress(_STEPS.index(phase), len(_STEPS), f"{source.name}: {phase}…")

    sync = SourceSync(store)
    state = sync.state(source_id)
    report: ImportReport | None
    try:
        tell("fetching")
        if source.kind == "file":
            report = import_file(
                store,
                source.location,
                user_zone=zone,
                zone_name=zone_label(zone),
                now=now,
                name=source.name,
                checkpoint=tell,
            )
        elif state is None:
            # Only a crash between importing and recording a new source leaves this.
            return _fail(
                store,
                source,
                now,
                "its address was never stored: remove it and add it again",
                "credentials",
                needs_credentials=True,
            )
        else:
            secret = secret or credentials.get(state.secret_ref)
            if secret is None:
                return _fail(
                    store,
                    source,
                    now,
                    "its address and password are not in the keyring (added for one session, "
                    "or the keyring was reset): enter them again",
                    "credentials",
                    needs_credentials=True,
                )
            if source.kind == "url":
                report = _refresh_url(store, source, state, secret, now, zone, tell, limits, opener)
            else:
                report = _refresh_caldav(store, source, state, secret, now, zone, tell)
    except FetchError as error:
        return _fail(store, source, now, error.reason, error.kind)
    except InvalidCalendar as error:
        return _fail(store, source, now, error.reason, "calendar")
    except CredentialsUnavailable as error:
        return _fail(store, source, now, str(error), "credentials", needs_credentials=True)
    calendars.record_success(source_id)
    if state is not None:
        sync.record_success(source_id, now)
    refreshed = next(s for s in calendars.sources() if s.id == source_id)
    return RefreshResult(
        source_id,
        refreshed.name,
        "unchanged" if report is None or report.unchanged else "updated",
        report=report,
        last_success_at=refreshed.last_success_at,
    )


def _fail(
    store: Store,
    source: Source,
    now: datetime,
    reason: str,
    kind: str,
    *,
    needs_credentials: bool = False,
) -> RefreshResult:
    Calendars(store).record_failure(source.id, reason)
    sync = SourceSync(store)
    state = sync.state(source.id)
    next_retry = None
    if state is not None:
        next_retry = now + retry_delay(state.failures + 1)
        sync.record_failure(source.id, now, next_retry)
    return RefreshResult(
        source.id,
        source.name,
        "failed",
        reason=reason,
        kind=kind,
        needs_credentials=needs_credentials,
        last_success_at=source.last_success_at,
        next_retry_at=next_retry,
    )


def _refresh_url(
    store: Store,
    source: Source,
    state: SyncState,
    secret: Secret,
    now: datetime,
    zone: tzinfo,
    tell: Callable[[str], None],
    limits: Limits | None,
    opener: Opener | None,
) -> ImportReport | None:
    # Validators only when the stored content is there to fall back on.
    has_content = Calendars(store).content(source.id) is not None
    fetched = fetch_ics(
        secret.url,
        validators=Validators(state.etag, state.last_modified) if has_content else None,
        username=secret.username,
        password=secret.password,
        limits=limits,
        opener=opener,
    )
    if fetched.data is None:
        return None
    report = import_url_bytes(store, source.location, state.display_url, fetched.data, now, zone,
                              name=source.name, checkpoint=tell)  # fmt: skip
    # Saved after the import: a calendar that failed to import is fetched in full next time.
    SourceSync(store).set_validators(
        source.id, fetched.validators.etag, fetched.validators.last_modified
    )
    return report


def import_url_bytes(
    store: Store,
    location: str,
    display: str,
    data: bytes,
    now: datetime,
    zone: tzinfo,
    *,
    name: str | None,
    checkpoint: Callable[[str], None] | None = None,
    kind: str = "url",
    role: str | None = None,
    address: str | None = None,
) -> ImportReport:
    return import_bytes(
        store,
        data,
        kind=kind,
        location=location,
        label=display,
        user_zone=zone,
        zone_name=zone_label(zone),
        now=now,
        name=name,
        window=default_window(now),
        checkpoint=checkpoint,
        role=role,
        address=address,
    )


def _refresh_caldav(
    store: Store,
    source: Source,
    state: SyncState,
    secret: Secret,
    now: datetime,
    zone: tzinfo,
    tell: Callable[[str], None],
) -> ImportReport:
    changes = fetch_changes(secret, state, default_window(now))
    return import_caldav_changes(store, source, state, changes, now, zone, tell)


def import_caldav_changes(
    store: Store,
    source: Source,
    state: SyncState,
    changes: Changes,
    now: datetime,
    zone: tzinfo,
    tell: Callable[[str], None] | None = None,
    *,
    role: str | None = None,
    address: str | None = None,
) -> ImportReport:
    """Import the objects after ``changes``; the sync state moves on only if that worked.

    ``role`` and ``address``: as for :func:`~daybrief.services.importer.import_bytes`.
    """
    sync = SourceSync(store)
    if changes.replace_all:
        objects = {o.href: o for o in changes.changed}
    else:
        objects = merged_objects(sync.objects(source.id), changes.changed, changes.removed)
    data = combine(
        [objects[href].data for href in sorted(objects)], state.calendar_name or source.name
    )
    report = import_url_bytes(store, source.location, state.display_url, data, now, zone,
                              name=source.name, checkpoint=tell, kind="caldav",
                              role=role, address=address)  # fmt: skip
    sync.save_objects(
        source.id,
        changed=changes.changed,
        removed=changes.removed,
        replace_all=changes.replace_all,
        sync_token=changes.sync_token,
        fetched=changes.fetched,
    )
    return report
