"""The application layer: one entry per use case that changes the user's calendars.

The window's background jobs (services/jobs.py, on a worker with their own connection)
and the command line (cli/) call these same functions, so both do the same things in the
same order: import, then put the demo away when a real calendar arrived, then work out
whose calendar it is when nobody is known yet, then apply the template rules to the
meetings that are new or changed. Each surface only words the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from daybrief.core.confirmation import suggest_identity
from daybrief.core.engine import suggest_identity_from
from daybrief.core.errors import InvalidCalendar, ReadWarning
from daybrief.core.model import Occurrence
from daybrief.services.credentials import CredentialStore, Secret
from daybrief.services.demo import Purged, needs_identity, remove_demo
from daybrief.services.importer import ImportReport, default_window, import_file
from daybrief.services.preferences import zone_label
from daybrief.services.queries import (
    demo_location,
    save_identity,
    saved_identity,
    stored_calendars,
)
from daybrief.services.refresh import RefreshResult, refresh_all, refresh_source
from daybrief.services.rules import (
    RulesSummary,
    apply_rules,
    apply_rules_ahead,
    seed_first_run_templates,
)
from daybrief.services.sources import Subscription, subscribe
from daybrief.store.db import Store
from daybrief.store.errors import StoreError

ProgressFn = Callable[[int, int, str], None]
"""(step, steps, message); it may raise to cancel — nothing of the current file is written."""

DEMO_REMOVED = (
    "The demo calendar was removed, with everything made for it (its checklists, "
    "follow-ups, goals and clients): your own calendar is here now."
)

_PHASES = {"reading": 0, "expanding": 1, "saving": 2}


def _no_progress(_step: int, _steps: int, _message: str) -> None:
    return None


@dataclass
class ImportOutcome:
    reports: list[ImportReport] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """One line per file that could not be imported (nothing of it was)."""
    rules: RulesSummary | None = None
    """None when nothing was new or changed, so no rule had anything to look at."""
    identity: tuple[str, ...] = ()
    """Addresses saved as the user's from these calendars (only when none were known)."""
    demo_removed: Purged | None = None
    """Set when a real calendar arrived and the demo (with all its data) was removed."""

    @property
    def warnings(self) -> list[ReadWarning]:
        return [w for report in self.reports for w in report.warnings]

    def summaries(self, change_identity: str = "change them in Settings") -> list[str]:
        """What happened, a line each; ``change_identity`` says where addresses are changed."""
        lines = [report.summary() for report in self.reports]
        lines += [
            f"{line}; change it in Calendars"
            for report in self.reports
            if report.role_guess is not None and (line := report.role_line())
        ]
        if self.rules is not None and self.rules.items:
            lines.append(self.rules.text())
        if self.demo_removed is not None:
            lines.append(DEMO_REMOVED)
        if self.identity:
            lines.append(
                f"Your addresses, as these calendars suggest: {', '.join(self.identity)}"
                f" ({change_identity})"
            )
        return lines


@dataclass
class RefreshOutcome:
    results: list[RefreshResult] = field(default_factory=list)
    rules: RulesSummary | None = None

    @property
    def failed(self) -> list[RefreshResult]:
        return [r for r in self.results if r.failed]


@dataclass
class SubscribeOutcome:
    subscription: Subscription | None = None
    no_keyring: str = ""
    """Set (by the window's job) when no keyring could keep the secret."""
    rules: RulesSummary | None = None
    identity: tuple[str, ...] = ()
    demo_removed: Purged | None = None


# ------------------------------------------------------------------------ importing


def import_calendars(
    store: Store,
    paths: Sequence[str],
    *,
    zone: tzinfo,
    now: datetime,
    name: str | None = None,
    progress: ProgressFn | None = None,
    role: str | None = None,
) -> ImportOutcome:
    """Import each file as a source; one unreadable file does not stop the others.

    ``role``: the calendars' role as the user chose it (core.roles); None keeps each
    calendar's role, or guesses one on its first import.

    Then, if any file was imported: the demo goes (:func:`remove_demo`), the user's
    addresses are suggested from these files and saved when none are known, and the rules
    are applied to the meetings that are new or changed.
    """
    tell = progress or _no_progress
    outcome = ImportOutcome()
    steps = len(paths) * 3
    imported: list[str] = []
    demo = demo_location(store)
    for number, path in enumerate(paths):
        label = Path(path).name

        def checkpoint(phase: str, number: int = number, label: str = label) -> None:
            tell(number * 3 + _PHASES.get(phase, 0), steps, f"{label}: {phase}…")

        try:
            report = import_file(
                store,
                path,
                user_zone=zone,
                zone_name=zone_label(zone),
                now=now,
                name=name,
                checkpoint=checkpoint,
                role=role,
            )
        except (InvalidCalendar, StoreError) as error:
            outcome.failures.append(str(error))
            continue
        outcome.reports.append(report)
        imported.append(path)
    real = [path for path in imported if str(Path(path).resolve()) != demo]
    if real:
        outcome.demo_removed = remove_demo(store)
        fresh = [r for r, path in zip(outcome.reports, imported, strict=True) if path in real]
        outcome.identity = _suggest_identity(store, _touched(fresh), tell, steps)
    outcome.rules = _rules_for(store, _touched(outcome.reports), zone, now, tell, steps)
    tell(steps, steps, "done")
    return outcome


# ------------------------------------------------------------------------ refreshing


def refresh_calendars(
    store: Store,
    *,
    credentials: CredentialStore,
    zone: tzinfo,
    now: datetime,
    source_id: int | None = None,
    only_due: bool = False,
    secret: Secret | None = None,
    progress: ProgressFn | None = None,
) -> RefreshOutcome:
    """Read one source, every source, or those due (the timer) again, then apply the
    rules to what is new or changed. Failures come back as results, never as exceptions.

    Raises:
        KeyError: ``source_id`` names no source.
    """
    if source_id is not None:
        results = [
            refresh_source(
                store,
                source_id,
                now=now,
                credentials=credentials,
                progress=progress,
                zone=zone,
                secret=secret,
            )
        ]
    else:
        results = refresh_all(
            store,
            now=now,
            credentials=credentials,
            only_due=only_due,
            progress=progress,
            zone=zone,
        )
    reports = [r.report for r in results if r.report is not None]
    tell = progress or _no_progress
    outcome = RefreshOutcome(results, _rules_for(store, _touched(reports), zone, now, tell, 1))
    tell(1, 1, "done")
    return outcome


# ------------------------------------------------------------------------ subscribing


def subscribe_calendar(
    store: Store,
    url: str,
    *,
    credentials: CredentialStore,
    zone: tzinfo,
    now: datetime,
    name: str | None = None,
    username: str | None = None,
    password: str | None = None,
    calendar: str | None = None,
    role: str | None = None,
) -> SubscribeOutcome:
    """Add an address (an ICS file or a CalDAV account's calendars) and import it now;
    then, as for an import, the demo goes, the identity is suggested, the rules run.
    ``role``: the calendars' role as the user chose it; None guesses it (core.roles).

    Raises:
        as :func:`daybrief.services.sources.subscribe`; then nothing was added.
    """
    subscription = subscribe(
        store, url, credentials=credentials, now=now, name=name,
        username=username, password=password, calendar=calendar, role=role,
    )  # fmt: skip
    outcome = SubscribeOutcome(subscription)
    added = [result for result in subscription.added if not result.failed]
    if added:
        outcome.demo_removed = remove_demo(store)
    reports = [r.report for r in added if r.report is not None]
    if added:
        outcome.identity = _suggest_identity(store, _touched(reports), _no_progress, 1)
    outcome.rules = _rules_for(store, _touched(reports), zone, now, _no_progress, 1)
    return outcome


# ------------------------------------------------------------------------ rules, identity


def apply_template_rules(store: Store, *, zone: tzinfo, now: datetime) -> RulesSummary:
    """Apply every rule to every meeting from now on: after the rules or templates changed
    (a new rule also picks the meetings already there)."""
    return apply_rules_ahead(store, user_zone=zone, zone_name=zone_label(zone), now=now)


def set_identity(store: Store, addresses: Iterable[str]) -> tuple[str, ...]:
    """Save ``addresses`` as the user's own; returns them as saved (trimmed, no repeats).

    Raises:
        ValueError: one of them is not an email address (nothing is saved).
    """
    cleaned = tuple(
        dict.fromkeys(a.strip().removeprefix("mailto:") for a in addresses if a.strip())
    )
    bad = [a for a in cleaned if "@" not in a or any(c.isspace() for c in a)]
    if bad:
        raise ValueError(f"not an email address: {bad[0]!r}")
    save_identity(store, list(cleaned))
    return cleaned


def suggested_identity(store: Store) -> list[str]:
    """The addresses the stored calendars suggest are the user's (most likely first)."""
    return suggest_identity_from(stored_calendars(store))


def _suggest_identity(
    store: Store, occurrences: Iterable[Occurrence], tell: ProgressFn, steps: int
) -> tuple[str, ...]:
    """Save the addresses the new meetings suggest, when no address is known as the user's.

    From the meetings the import just read (each event once), not by reading the files
    again: on a big calendar that doubled the first import's time.
    """
    if not needs_identity(store):
        return ()
    tell(steps, steps, "working out your addresses…")
    events = {id(o.event): o.event for o in occurrences}.values()
    people = [(event.organizer, [a.email for a in event.attendees]) for event in events]
    names = {event.calendar for event in events if event.calendar}
    suggested = suggest_identity(people, sorted(names))
    if suggested:
        save_identity(store, suggested)
    return tuple(suggested)


def _touched(reports: Iterable[ImportReport]) -> list[Occurrence]:
    return [o for report in reports for o in report.touched]


def _rules_for(
    store: Store,
    occurrences: list[Occurrence],
    zone: tzinfo,
    now: datetime,
    tell: ProgressFn,
    steps: int,
) -> RulesSummary | None:
    """The rules applied to the meetings an import found new or changed, from now on.

    Only those: an unchanged calendar costs nothing here (it used to re-check every
    meeting ahead). A meeting that was there before already had its rules applied.
    """
    seed_first_run_templates(store)  # once per store: the first import offers them
    end = default_window(now)[1]
    ahead = [o for o in occurrences if o.end > now and o.start < end]
    if not ahead:
        return None
    tell(steps, steps, "applying templates…")
    return apply_rules(store, ahead, saved_identity(store))
