"""Importing a calendar file into the store, atomically, and saying what changed.

A failed or unreadable import changes nothing: the file is read and expanded first,
and only then is the source's old content replaced, in one transaction. The user's
own data is never written here except the display snapshot of meetings that carry
it, which keeps "no longer in your calendar" showing the meeting as last seen.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from daybrief.core.confirmation import identity
from daybrief.core.engine import guess_calendar_role, occurrences_between
from daybrief.core.errors import InvalidCalendar, ReadWarning
from daybrief.core.events import ParsedEvent, read_calendar
from daybrief.core.gcpause import collector_paused
from daybrief.core.ics_reader import (
    Block,
    block_uid,
    offsets_are_in,
    outside_blocks,
    split_blocks,
    with_lines,
)
from daybrief.core.keys import meeting_key
from daybrief.core.model import Occurrence, recurrence_key
from daybrief.core.recurrence import (
    SERIES_CUT,
    event_span,
    expand_calendar,
    merge_calendars,
)
from daybrief.core.roles import RoleGuess, with_role
from daybrief.services.queries import saved_identity
from daybrief.store.calendars import Calendars, Source
from daybrief.store.db import Store
from daybrief.store.meetings import Meetings

WINDOW_BACK = timedelta(days=30)
WINDOW_AHEAD = timedelta(days=180)


Checkpoint = Callable[[str], None]
"""Told each phase of an import; raising from it cancels the import with no change."""


def _no_checkpoint(phase: str) -> None:
    return None


def default_window(now: datetime) -> tuple[datetime, datetime]:
    """The rolling window occurrences are kept for (30 days back, 180 ahead)."""
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
    changed_events: int | None = None
    """For an incremental import: how many VEVENT blocks were new or changed, and gone."""
    gone_events: int = 0
    touched: list[Occurrence] = field(default_factory=list)
    """Occurrences new or changed in this import (all of them for a full read, none when
    unchanged): template rules only need to look at these."""
    role: str | None = None
    """The calendar's role after the import (core.roles)."""
    role_guess: RoleGuess | None = None
    """Set on the first import when the role was guessed, not given."""

    def role_line(self) -> str | None:
        """What to tell the user about the role: the guess and why, or the role given."""
        if self.role_guess is not None:
            guess = self.role_guess
            return f"{self.source}: role {guess.role.value} (guessed: {guess.reason})"
        if self.role is not None:
            return f"{self.source}: role {self.role}"
        return None

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.source}: unchanged since the last import"
        reread = (
            f" (re-read {self.changed_events} new or changed events, {self.gone_events} gone)"
            if self.changed_events is not None
            else ""
        )
        return (
            f"{self.source}: {self.occurrences} occurrences{reread}; {len(self.added)} added, "
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
    checkpoint: Checkpoint | None = None,
    role: str | None = None,
) -> ImportReport:
    """Import (or re-import) one ICS file as a source of the store.

    ``role`` (core.roles): the calendar's role, as the user chose it; None keeps the role
    it has, or guesses one on the first import.

    ``checkpoint`` is called between the phases; an exception it raises (the user pressed
    Cancel) ends the import before anything is written.

    Raises:
        InvalidCalendar: the file cannot be read or holds no calendar; the store is untouched.
    """
    location = str(Path(path).resolve())
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        failure = InvalidCalendar(path, f"cannot read file: {error.strerror or error}")
        source = Calendars(store).find_source("file", location)
        if source is not None:
            Calendars(store).record_failure(source.id, str(failure))
        raise failure from None
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
        checkpoint=checkpoint,
        role=role,
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
    checkpoint: Checkpoint | None = None,
    role: str | None = None,
    address: str | None = None,
) -> ImportReport:
    """Import calendar bytes for a source (file, URL, CalDAV); see :func:`import_file`.

    ``address``: where the bytes came from in full, when ``location`` is redacted: only
    for the first import's guess of the role (Google's holiday calendars are known by it).
    """
    with collector_paused():
        report = _import_bytes(
            store,
            data,
            kind=kind,
            location=location,
            label=label,
            user_zone=user_zone,
            zone_name=zone_name,
            now=now,
            name=name,
            window=window,
            checkpoint=checkpoint,
            guess_from=address,
            guess=role is None,
        )
    calendars = Calendars(store)
    source = calendars.find_source(kind, location)
    if source is not None:
        if role is not None and (role != source.role or not source.role_set):
            calendars.set_role(source.id, role, chosen=True)
        report.role = role or source.role
        # The rules look at what this import touched: as this calendar's role has it, so a
        # colleague's meeting in a team calendar gets no checklist.
        report.touched = with_role(report.touched, report.role)
    return report


def _import_bytes(
    store: Store,
    data: bytes,
    *,
    kind: str,
    location: str,
    label: str,
    user_zone: tzinfo,
    zone_name: str,
    now: datetime,
    name: str | None,
    window: tuple[datetime, datetime] | None,
    checkpoint: Checkpoint | None,
    guess_from: str | None = None,
    guess: bool = True,
) -> ImportReport:
    check = checkpoint or _no_checkpoint
    check("reading")
    calendars = Calendars(store)
    window = window or default_window(now)
    digest = hashlib.sha256(data).hexdigest()
    source = calendars.find_source(kind, location)
    report = ImportReport(label)
    if source is not None and _still_current(source, digest, zone_name, window):
        report.unchanged = True
        report.warnings = calendars.warnings(source.id, label)
        return report
    if source is not None and _same_frame(source, zone_name, window):
        incremental = _import_changed_blocks(
            store, calendars, source, data, digest, label, name, user_zone, window, check
        )
        if incremental is not None:
            return incremental
    if source is not None and source.content_hash == digest and source.user_zone == zone_name:
        moved = _move_window(
            store, calendars, source, data, digest, label, name, user_zone, window, check
        )
        if moved is not None:
            return moved
    try:
        calendar = read_calendar(data, label, name)
        if calendar.truncated_at is not None:
            # A cut-off download must not replace the last good import.
            raise InvalidCalendar(
                label, "the file ends inside an event; it looks cut off", calendar.truncated_at
            )
    except InvalidCalendar as error:
        if source is not None:
            calendars.record_failure(source.id, str(error))
        raise
    check("expanding")
    expansion = occurrences_between([calendar], window[0], window[1], user_zone)
    check("saving")
    report.warnings = expansion.warnings
    report.occurrences = len(expansion.occurrences)
    report.touched = expansion.occurrences
    previous = calendars.occurrences_of(source.id) if source is not None else []
    compare(previous, expansion.occurrences, report)
    uid_by_digest = {e.digest: e.uid for e in calendar.events if e.digest is not None}
    span_by_digest = _spans(calendar.events)
    # Offsets of a file read after dropping a BOM (or from UTF-16) are not offsets in
    # ``data``: such content is kept whole.
    outside = outside_blocks(data, calendar.blocks) if offsets_are_in(data) else None
    role_guess = None
    if guess and (source is None or (source.content_hash is None and not source.role_set)):
        # The first import: whose calendar it is, guessed once; the user's word replaces it.
        hints = [location, *([guess_from] if guess_from else [])]
        role_guess = guess_calendar_role(calendar, hints, identity(saved_identity(store)))
        report.role_guess = role_guess
    with store.transaction():
        if source is None:
            source = calendars.add_source(kind, location, calendar.name or label)
        if role_guess is not None:
            calendars.set_role(
                source.id, role_guess.role.value, chosen=False, reason=role_guess.reason
            )
        calendars.replace_content(
            source,
            data=data,
            content_hash=digest,
            blocks=calendar.blocks,
            block_uids=uid_by_digest,
            block_spans=span_by_digest,
            frame_digest=(
                _digest_outside(outside[0])
                if outside is not None
                else frame_digest(data, calendar.blocks)
            ),
            outside=outside,
            occurrences=expansion.occurrences,
            warnings=expansion.warnings,
            window=window,
            user_zone=zone_name,
            name=name or calendar.name or label,
        )
        # Previous first: a meeting about to vanish keeps how it last looked.
        refresh_snapshots(store, previous)
        refresh_snapshots(store, expansion.occurrences, reappeared=True)
    return report


INCREMENTAL_SHARE = 0.2
"""Past this share of changed blocks a full import costs no more than picking them out."""


def frame_digest(data: bytes, blocks: list[Block]) -> bytes:
    """Digest of all bytes outside the VEVENT blocks (zones, calendar properties)."""
    outside = outside_blocks(data, blocks)
    if outside is not None:
        return _digest_outside(outside[0])
    digest = hashlib.blake2b(digest_size=16)
    position = 0
    for block in sorted(blocks, key=lambda b: b.start):
        digest.update(data[position : block.start])
        position = max(position, block.end)
    digest.update(data[position:])
    return digest.digest()


def _digest_outside(outside: bytes) -> bytes:
    return hashlib.blake2b(outside, digest_size=16).digest()


def _same_frame(source: Source, zone_name: str, window: tuple[datetime, datetime]) -> bool:
    return (
        source.user_zone == zone_name
        and source.window_start is not None
        and source.window_end is not None
        and source.window_start <= window[0]
        and source.window_end >= window[1]
    )


def _import_changed_blocks(
    store: Store,
    calendars: Calendars,
    source: Source,
    data: bytes,
    digest: str,
    label: str,
    name: str | None,
    user_zone: tzinfo,
    window: tuple[datetime, datetime],
    check: Checkpoint,
) -> ImportReport | None:
    """Parse only the VEVENT blocks that changed, and the series they belong to.

    Returns None when a full import is the right thing (no block list yet, the frame
    changed, too much changed, or a changed block has no UID to tie it to).
    """
    stored = calendars.block_digests(source.id)
    previous_frame = calendars.frame_digest(source.id)
    if not stored or previous_frame is None:
        return None
    blocks = split_blocks(data)
    outside = outside_blocks(data, blocks) if blocks is not None else None
    if blocks is None or outside is None or _digest_outside(outside[0]) != previous_frame:
        return None
    new_blocks, removed = _block_changes(blocks, stored)
    if len(new_blocks) + len(removed) > INCREMENTAL_SHARE * max(len(blocks), 1):
        return None
    affected: set[str] = set()
    uid_of = calendars.block_uids(source.id, removed)
    for block_digest in removed:
        uid = uid_of.get(block_digest)
        if uid is None:
            return None
        affected.add(uid)
    for block in new_blocks:
        uid = block_uid(data, block)
        if uid is None:
            return None
        affected.add(uid)
    new_digests = {b.digest for b in new_blocks}
    # The unchanged blocks of an affected series are read again with the changed ones.
    series_digests = calendars.digests_of_uids(source.id, affected)
    spans = with_lines(
        data, [b for b in blocks if b.digest in new_digests or b.digest in series_digests]
    )
    calendar = read_calendar(data, label, name, spans=spans)
    events = list(calendar.events)
    warnings = list(calendar.warnings)
    changed = replace(calendar, events=events, warnings=warnings)
    expansion = occurrences_between([changed], window[0], window[1], user_zone)
    uids = sorted(affected)
    previous = calendars.occurrences_of_uids(source.id, uids)
    report = ImportReport(label, changed_events=len(new_blocks), gone_events=len(removed))
    report.warnings = expansion.warnings
    report.touched = expansion.occurrences
    compare(previous, expansion.occurrences, report)
    check("saving")
    with store.transaction():
        calendars.replace_series(
            source,
            uids=uids,
            occurrences=expansion.occurrences,
            data=data,
            content_hash=digest,
            blocks=blocks,
            outside=outside,
            removed=removed,
            added=new_blocks,
            block_uids={e.digest: e.uid for e in calendar.events if e.digest in new_digests},
            block_spans=_spans(e for e in calendar.events if e.digest in new_digests),
            warnings=expansion.warnings,
        )
        refresh_snapshots(store, previous)
        refresh_snapshots(store, expansion.occurrences, reappeared=True)
        report.occurrences = calendars.count_occurrences(source.id)
    return report


def _block_changes(blocks: list[Block], stored: list[bytes]) -> tuple[list[Block], list[bytes]]:
    """The blocks not among the stored digests, and the stored digests not among the
    blocks, as multisets (a block may be in a file twice)."""
    if len(blocks) == len(stored):
        # Edits in place (the usual change) leave every other block where it was: only
        # the positions that differ need counting. Equal positions cancel out anyway.
        differ = [
            i
            for i, (block, digest) in enumerate(zip(blocks, stored, strict=True))
            if block.digest != digest
        ]
        candidates = [blocks[i] for i in differ]
        remaining = Counter(stored[i] for i in differ)
    else:
        candidates = blocks
        remaining = Counter(stored)
    new_blocks: list[Block] = []
    for block in candidates:
        if remaining[block.digest] > 0:
            remaining[block.digest] -= 1
        else:
            new_blocks.append(block)
    return new_blocks, [d for d, left in remaining.items() for _ in range(left)]


def _spans(events: Iterable[ParsedEvent]) -> dict[bytes, tuple[str, str] | None]:
    """Per block digest: naive UTC bounds of its event's occurrences (see event_span)."""
    spans: dict[bytes, tuple[str, str] | None] = {}
    for event in events:
        if event.digest is not None:
            span = event_span(event)
            spans[event.digest] = (
                (span[0].isoformat(), span[1].isoformat()) if span is not None else None
            )
    return spans


def _move_window(
    store: Store,
    calendars: Calendars,
    source: Source,
    data: bytes,
    digest: str,
    label: str,
    name: str | None,
    user_zone: tzinfo,
    window: tuple[datetime, datetime],
    check: Checkpoint,
) -> ImportReport | None:
    """Unchanged content, the window moved on (a new day): read only the events that can
    have occurrences in the time it gained, and drop the occurrences that left it.

    Returns None when a full import is the right thing (the window moved back or jumped
    past the old one, the content is not kept block by block, a series was cut short,
    an event to re-read has no UID, or expanding the gained time warns).
    """
    old_start, old_end = source.window_start, source.window_end
    if old_start is None or old_end is None:
        return None
    if not (old_start <= window[0] < old_end < window[1]):
        return None
    digests = calendars.block_digests(source.id)
    if digests is None:
        return None
    stored_warnings = calendars.warnings(source.id, label)
    if any(w.message.startswith(SERIES_CUT) for w in stored_warnings):
        return None  # where a cut series stops depends on where the window starts
    gained = calendars.blocks_reaching(
        source.id, _naive_text(old_end - WINDOW_MARGIN), _naive_text(window[1] + WINDOW_MARGIN)
    )
    affected: set[str] = set()
    for _, uid in gained:
        if uid is None:
            return None
        affected.add(uid)
    blocks = split_blocks(data, digests)  # the same bytes as stored: no need to hash
    outside = outside_blocks(data, blocks) if blocks is not None else None
    if blocks is None or outside is None:
        return None
    if _digest_outside(outside[0]) != calendars.frame_digest(source.id):
        return None  # not split as the full read split it: trust neither
    series_digests = calendars.digests_of_uids(source.id, affected)
    spans = with_lines(data, [b for b in blocks if b.digest in series_digests])
    calendar = read_calendar(data, label, name, spans=spans)
    # Only the time gained is expanded: an occurrence of the new window either overlapped
    # the old one (and is stored) or overlaps the gained time. The file is unchanged, so
    # its read warnings are those stored; expansion warnings may depend on the window.
    expansion = expand_calendar(calendar, old_end, window[1], user_zone)
    if expansion.warnings:
        return None
    stored = calendars.identities_from(source.id, old_end)
    gained_occurrences = [
        o
        for o in merge_calendars([expansion.occurrences])
        if (o.event.uid or "", recurrence_key(o)) not in stored
    ]
    leaving = calendars.occurrences_leaving(source.id, window)
    report = ImportReport(label, changed_events=0, gone_events=0)
    report.warnings = stored_warnings
    report.added = gained_occurrences
    report.touched = gained_occurrences
    report.removed = leaving
    check("saving")
    with store.transaction():
        calendars.move_window(source, window, gained_occurrences)
        refresh_snapshots(store, leaving)
        refresh_snapshots(store, gained_occurrences, reappeared=True)
        report.occurrences = calendars.count_occurrences(source.id)
    return report


WINDOW_MARGIN = timedelta(days=1)
"""Beyond event_span's own margin: the gained time is compared as naive UTC text."""


def _naive_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def _still_current(
    source: Source, digest: str, zone_name: str, window: tuple[datetime, datetime]
) -> bool:
    return source.content_hash == digest and _same_frame(source, zone_name, window)


def refresh_snapshots(
    store: Store, occurrences: list[Occurrence], *, reappeared: bool = False
) -> None:
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
        for key in (meeting_key(uid, rid), uid):
            if key in wanted:
                wanted.discard(key)
                meetings.remember(
                    key,
                    summary=occurrence.event.summary,
                    start_utc=occurrence.start,
                    calendar=occurrence.event.calendar,
                )
                if reappeared:
                    # Back in a calendar: should it vanish again, it is news again.
                    meetings.undismiss(key)
