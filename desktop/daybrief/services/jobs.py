"""Import jobs as the window runs them: several files, progress, cancel between phases.

A job opens its own connection to the store (it runs on a worker thread); SQLite's WAL
lets the window keep reading meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from daybrief.core.engine import suggest_identity_from
from daybrief.core.errors import InvalidCalendar, ReadWarning
from daybrief.core.events import read_file
from daybrief.services.credentials import CredentialStore, CredentialsUnavailable
from daybrief.services.demo import needs_identity
from daybrief.services.importer import ImportReport, import_file
from daybrief.services.preferences import zone_label
from daybrief.services.queries import save_identity
from daybrief.services.refresh import RefreshResult, refresh_all, refresh_source
from daybrief.services.rules import RulesSummary, apply_rules_ahead
from daybrief.services.sources import Subscription, subscribe
from daybrief.store.db import open_store
from daybrief.store.errors import StoreError

_PHASES = {"reading": 0, "expanding": 1, "saving": 2}

ProgressFn = Callable[[int, int, str], None]
"""(step, steps, message); it may raise to cancel — nothing of the current file is written."""


@dataclass
class ImportOutcome:
    reports: list[ImportReport] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    rules: RulesSummary | None = None
    identity: tuple[str, ...] = ()
    """Addresses saved as the user's from these calendars (only when none were known)."""

    @property
    def warnings(self) -> list[ReadWarning]:
        return [w for report in self.reports for w in report.warnings]

    def summaries(self) -> list[str]:
        lines = [report.summary() for report in self.reports]
        lines += [
            f"{line}; change it in Calendars"
            for report in self.reports
            if report.role_guess is not None and (line := report.role_line())
        ]
        if self.rules is not None and self.rules.items:
            lines.append(self.rules.text())
        if self.identity:
            lines.append(
                "Your addresses, as these calendars suggest: "
                + ", ".join(self.identity)
                + " (change them in Settings)"
            )
        return lines


def import_paths(
    store_file: Path,
    paths: Sequence[str],
    *,
    zone: tzinfo,
    now: datetime,
    progress: ProgressFn,
) -> ImportOutcome:
    """Import each file as a source; one unreadable file does not stop the others."""
    outcome = ImportOutcome()
    steps = len(paths) * 3
    imported: list[str] = []
    with open_store(store_file) as store:
        for number, path in enumerate(paths):
            name = Path(path).name

            def checkpoint(phase: str, number: int = number, name: str = name) -> None:
                progress(number * 3 + _PHASES.get(phase, 0), steps, f"{name}: {phase}…")

            try:
                report = import_file(
                    store,
                    path,
                    user_zone=zone,
                    zone_name=zone_label(zone),
                    now=now,
                    checkpoint=checkpoint,
                )
            except (InvalidCalendar, StoreError) as error:
                outcome.failures.append(str(error))
                continue
            outcome.reports.append(report)
            imported.append(path)
        if imported and needs_identity(store):
            # The user's own calendar arrived and nobody (or only the demo's Sam) is "me".
            progress(steps, steps, "working out your addresses…")
            calendars = []
            for path in imported:
                try:
                    calendars.append(read_file(path))
                except (InvalidCalendar, OSError):
                    continue
            suggested = suggest_identity_from(calendars)
            if suggested:
                save_identity(store, suggested)
                outcome.identity = tuple(suggested)
        if any(not report.unchanged for report in outcome.reports):
            progress(steps, steps, "applying templates…")
            outcome.rules = apply_rules_ahead(
                store, user_zone=zone, zone_name=zone_label(zone), now=now
            )
    progress(steps, steps, "done")
    return outcome


@dataclass
class RefreshOutcome:
    results: list[RefreshResult] = field(default_factory=list)
    rules: RulesSummary | None = None

    @property
    def failed(self) -> list[RefreshResult]:
        return [r for r in self.results if r.failed]


def refresh_and_apply(
    store_file: Path,
    *,
    credentials: CredentialStore,
    zone: tzinfo,
    now: datetime,
    progress: ProgressFn,
    only_due: bool = False,
) -> RefreshOutcome:
    """Every source read again (files, addresses, CalDAV), then the rules applied."""
    results = refresh_sources(
        store_file, credentials=credentials, now=now, progress=progress, only_due=only_due
    )
    outcome = RefreshOutcome(results)
    if any(r.report is not None and not r.report.unchanged for r in results):
        with open_store(store_file) as store:
            outcome.rules = apply_rules_ahead(
                store, user_zone=zone, zone_name=zone_label(zone), now=now
            )
    return outcome


@dataclass
class SubscribeOutcome:
    subscription: Subscription | None = None
    no_keyring: str = ""
    """Set when no keyring could keep the secret: the user chooses what to do."""
    rules: RulesSummary | None = None


def subscribe_and_apply(
    store_file: Path,
    values: dict[str, str | None],
    *,
    credentials: CredentialStore,
    zone: tzinfo,
    now: datetime,
    calendar: str | None = None,
) -> SubscribeOutcome:
    """Add an address (see :func:`daybrief.services.sources.subscribe`) on a worker."""
    with open_store(store_file) as store:
        try:
            subscription = subscribe(
                store,
                str(values["url"]),
                credentials=credentials,
                now=now,
                name=values.get("name"),
                username=values.get("username"),
                password=values.get("password"),
                calendar=calendar,
            )
        except CredentialsUnavailable as error:
            return SubscribeOutcome(no_keyring=str(error))
        outcome = SubscribeOutcome(subscription)
        if subscription.added:
            outcome.rules = apply_rules_ahead(
                store, user_zone=zone, zone_name=zone_label(zone), now=now
            )
        return outcome


def refresh_sources(
    store_file: Path,
    *,
    credentials: CredentialStore,
    now: datetime,
    progress: ProgressFn,
    source_id: int | None = None,
    only_due: bool = False,
) -> list[RefreshResult]:
    """Refresh one source, every source, or those due (the timer), on a worker thread.

    Failures come back as results (shown per source), never as exceptions; ``progress``
    may raise to cancel between phases, leaving the source being refreshed as it was.
    """
    with open_store(store_file) as store:
        if source_id is not None:
            result = refresh_source(
                store, source_id, now=now, credentials=credentials, progress=progress
            )
            progress(1, 1, "done")
            return [result]
        return refresh_all(
            store, now=now, credentials=credentials, only_due=only_due, progress=progress
        )
