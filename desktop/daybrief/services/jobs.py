"""The use cases of services/commands.py as the window runs them: on a worker thread.

A job opens its own connection to the store (SQLite's WAL lets the window keep reading
meanwhile) and calls the same entry the command line calls, so the window and
``daybrief import``/``sources`` behave alike. Only the wording is the window's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from daybrief.services.commands import (
    ImportOutcome,
    ProgressFn,
    RefreshOutcome,
    SubscribeOutcome,
    import_calendars,
    refresh_calendars,
    subscribe_calendar,
)
from daybrief.services.credentials import CredentialStore, CredentialsUnavailable
from daybrief.services.refresh import RefreshResult
from daybrief.store.db import open_store

__all__ = [
    "ImportOutcome",
    "ProgressFn",
    "RefreshOutcome",
    "SubscribeOutcome",
    "import_paths",
    "refresh_and_apply",
    "refresh_sources",
    "subscribe_and_apply",
]


def import_paths(
    store_file: Path,
    paths: Sequence[str],
    *,
    zone: tzinfo,
    now: datetime,
    progress: ProgressFn,
) -> ImportOutcome:
    """:func:`~daybrief.services.commands.import_calendars` on a worker."""
    with open_store(store_file) as store:
        return import_calendars(store, paths, zone=zone, now=now, progress=progress)


def refresh_and_apply(
    store_file: Path,
    *,
    credentials: CredentialStore,
    zone: tzinfo,
    now: datetime,
    progress: ProgressFn,
    only_due: bool = False,
) -> RefreshOutcome:
    """:func:`~daybrief.services.commands.refresh_calendars` (every source) on a worker."""
    with open_store(store_file) as store:
        return refresh_calendars(
            store, credentials=credentials, zone=zone, now=now, only_due=only_due,
            progress=progress,
        )  # fmt: skip


def subscribe_and_apply(
    store_file: Path,
    values: dict[str, str | None],
    *,
    credentials: CredentialStore,
    zone: tzinfo,
    now: datetime,
    calendar: str | None = None,
) -> SubscribeOutcome:
    """:func:`~daybrief.services.commands.subscribe_calendar` on a worker; no keyring
    comes back as ``no_keyring`` for the window to ask about."""
    with open_store(store_file) as store:
        try:
            return subscribe_calendar(
                store,
                str(values["url"]),
                credentials=credentials,
                zone=zone,
                now=now,
                name=values.get("name"),
                username=values.get("username"),
                password=values.get("password"),
                calendar=calendar,
            )
        except CredentialsUnavailable as error:
            return SubscribeOutcome(no_keyring=str(error))


def refresh_sources(
    store_file: Path,
    *,
    credentials: CredentialStore,
    now: datetime,
    progress: ProgressFn,
    zone: tzinfo | None = None,
    source_id: int | None = None,
    only_due: bool = False,
) -> list[RefreshResult]:
    """Refresh one source, every source, or those due, on a worker, rules applied.

    Failures come back as results (shown per source), never as exceptions; ``progress``
    may raise to cancel between phases, leaving the source being refreshed as it was.
    """
    with open_store(store_file) as store:
        if zone is None:
            from daybrief.services.preferences import load_preferences

            zone = load_preferences(store).zone()
        return refresh_calendars(
            store, credentials=credentials, zone=zone, now=now, source_id=source_id,
            only_due=only_due, progress=progress,
        ).results  # fmt: skip
