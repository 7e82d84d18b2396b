"""Importing a calendar file into the store, atomically, and saying what changed.

A failed or unreadable import changes nothing: the file is read and expanded first,
and only then is the source's old content replaced, in one transaction. The user's
own data is never written here except the display snapshot of meetings that carry
it, which keeps "no longer in your calendar" showing the meeting as last seen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from daybrief.core.engine import occurrences_between
from daybrief.core.errors import InvalidCalendar, ReadWarning
from daybrief.core.events import read_calendar
from daybrief.core.model import Occurrence, recurrence_key
from daybrief.store.calendars import Calendars, Source
from daybrief.store.db import Store
from daybrief.store.meetings import KEY_SEPARATOR, Meetings

WINDOW_BACK = timedelta(days=30)
WINDOW_AHEAD = timedelta(days=180)


def default_window(now: datetime) -> tuple[datetime, datetime]:
    """The rolling window occurrences are kept for (SPEC: 30 days back, 180 ahead)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - WINDOW_BACK, day + WINDOW_AHEAD


@dataclass
class ImportReport:
    source: str
    unchanged: bool = False
    added: list[Occurrence] = field(default_factory=list)
    moved: list[tuple[Occurrence, Occurrence]] = field(default_factory=list)
    cancelled: list[Occurrence] = field(default_factory=list)
    removed: list[Occurrence] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)
    occurrences: int = 0

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.source}: unchanged since the last import"
        return (
            f"{self.source}: {self.occurrences} occurrences; {len(self.added)} added, "
            f"{len(self.moved)} moved, {len(self.cancelled)} cancelled, "
            f"{len(self.removed)} removed, {len(self.warnings)} skipped or guessed"
        )


def _identity(occurrence: Occurrence) -> tuple[str, str] | None:
    uid = occurrence.event.uid
    return (uid, recurrence_key(occurrence)) if uid else None


def compare(before: list[Occurrence], after: list[Occurrence], report: ImportReport) -> None:
    """Fill ``report`` with what changed between two materialisations of one source."""
    old = {key: o for o in before if (key := _identity(o)) is not None}
    new = {key: o for o in after if (key := _identity(o)) is not None}
    for key, occurrence in new.items():
        previous = old.get(key)
        if previous is None:
            report.added.append(occurrence)
            continue
        if occurrence.event.status == "CANCELLED" and previous.event.status != "CANCELLED":
            report.cancelled.append(occurrence)
        elif (previous.start, previous.end) != (occurrence.start, occurrence.end):
            report.moved.append((previous, occurrence))
    report.removed.extend(o for key, o in old.items() if key not in new)


def import_file(
    store: Store,
    path: str,
    *,
    user_zone: tzinfo,
    zone_name: str,
    now: datetime,
    name: str | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> ImportReport:
    """Import (or re-import) one ICS file as a source of the store.

    Raises:
        InvalidCalendar: the file cannot be read or holds no calendar; the store is untouched.
    """
    location = str(Path(path).resolve())
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InvalidCalendar(path, f"cannot read file: {error.strerror or error}") from None
    return import_bytes(
        store,
        data,
        kind="file",
        location=location,
        label=path,
        user_zone=user_zone,
        zone_name=zone_name,
        now=now,
        name=name,
        window=window,
    )


def import_bytes(
    store: Store,
    data: bytes,
    *,
    kind: str,
    location: str,
    label: str,
    user_zone: tzinfo,
    zone_name: str,
    now: datetime,
    name: str | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> ImportReport:
    """Import calendar bytes for a source (file, URL, CalDAV); see :func:`import_file`."""
    calendars = Calendars(store)
    window = window or default_window(now)
    digest = hashlib.blake2b(data, digest_size=20).hexdigest()
    source = calendars.find_source(kind, location)
    report = ImportReport(label)
    if source is not None and _still_current(source, digest, zone_name, window):
        report.unchanged = True
        report.warnings = calendars.warnings(source.id, label)
        return report
    calendar = read_calendar(data, label, name)  # may raise InvalidCalendar: nothing written yet
    expansion = occurrences_between([calendar], window[0], window[1], user_zone)
    report.warnings = expansion.warnings
    report.occurrences = len(expansion.occurrences)
    previous = calendars.occurrences_of(source.id) if source is not None else []
    compare(previous, expansion.occurrences, report)
    with store.transaction():
        if source is None:
            source = calendars.add_source(kind, location, calendar.name or label)
        calendars.replace_content(
            source,
            data=data,
            content_hash=digest,
            occurrences=expansion.occurrences,
            warnings=expansion.warnings,
            window=window,
            user_zone=zone_name,
            name=name or calendar.name or label,
        )
        # Previous first: a meeting about to vanish keeps how it last looked.
        _refresh_snapshots(store, previous)
        _refresh_snapshots(store, expansion.occurrences)
    return report


def _still_current(
    source: Source, digest: str, zone_name: str, window: tuple[datetime, datetime]
) -> bool:
    return (
        source.content_hash == digest
        and source.user_zone == zone_name
        and source.window_start is not None
        and source.window_end is not None
        and source.window_start <= window[0]
        and source.window_end >= window[1]
    )


def _refresh_snapshots(store: Store, occurrences: list[Occurrence]) -> None:
    """Keep how meetings with user data look, so they can be shown if they later vanish."""
    meetings = Meetings(store)
    wanted = {snapshot.meeting_key for snapshot in meetings.with_user_data()}
    if not wanted:
        return
    for occurrence in occurrences:
        uid = occurrence.event.uid
        if not uid:
            continue
        rid = recurrence_key(occurrence)
        for key in (f"{uid}{KEY_SEPARATOR}{rid}" if rid else uid, uid):
            if key in wanted:
                wanted.discard(key)
                meetings.remember(
                    key,
                    summary=occurrence.event.summary,
                    start_utc=occurrence.start,
                    calendar=occurrence.event.calendar,
                )
