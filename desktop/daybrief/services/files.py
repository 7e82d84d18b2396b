"""Checklist items that tick themselves when their file is there (issue 5).

An item with a file pattern (``~/Clients/Acme/*QBR*.pptx``) or folder
(``~/Clients/{client}/``) counts as done when a matching file was changed since the
previous meeting with the same client — work for the last meeting is not work for this
one — or, with no earlier meeting on record, in the last 30 days. Otherwise it reports
"deck missing". ``{client}`` becomes each of the meeting's client names in turn.

Ticks the user made or took back by hand are never changed (``done_by``); the app only
takes back its own ticks, and only for meetings not yet over: a finished meeting's
checklist is a record and stays as it was when the meeting ended.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from daybrief.core.checklists import (
    fresh_since,
    missing_label,
    needs_client,
    substitute_client,
)
from daybrief.core.confirmation import identity
from daybrief.core.keys import key_of
from daybrief.core.model import Occurrence
from daybrief.services.queries import saved_identity
from daybrief.services.rules import ClientNames
from daybrief.store.calendars import Calendars
from daybrief.store.checklists import Checklists
from daybrief.store.db import Store
from daybrief.store.models import ChecklistItem, DoneBy

HISTORY = timedelta(days=365)
"""How far back to look for the previous meeting with a client (as far as the store keeps)."""

FOLDER_SCAN_LIMIT = 10_000
"""Entries looked at under one folder pattern: a pattern at a home folder must not hang."""


@dataclass(frozen=True, slots=True)
class FoundFile:
    path: str
    modified: datetime
    """Aware, UTC."""


class FileSystem(Protocol):
    """What the check needs of the disk; tests give a home under ``tmp_path``."""

    def expand(self, pattern: str) -> str:
        """``~`` and relative patterns resolved against the user's home folder."""
        ...

    def matches(self, pattern: str) -> Iterator[FoundFile]:
        """Files matching an expanded pattern; a folder pattern means the files inside it.

        A folder or path that does not exist yields nothing; it is not an error.
        """
        ...


_MAGIC = frozenset("*?[")


class LocalFileSystem:
    """The real disk. ``home`` defaults to the user's home folder."""

    def __init__(self, home: Path | None = None, limit: int = FOLDER_SCAN_LIMIT) -> None:
        self.home = home if home is not None else Path.home()
        self.limit = limit

    def expand(self, pattern: str) -> str:
        if pattern == "~" or pattern.startswith(("~/", "~" + os.sep)):
            return str(self.home) + pattern[1:]
        path = Path(pattern).expanduser()  # ~otheruser/...
        return str(path if path.is_absolute() else self.home / path)

    def matches(self, pattern: str) -> Iterator[FoundFile]:
        seen = 0
        for hit in self._hits(Path(pattern)):
            for path in self._files(hit):
                seen += 1
                if seen > self.limit:
                    return
                found = _stat(path)
                if found is not None:
                    yield found

    @staticmethod
    def _hits(pattern: Path) -> Iterable[Path]:
        parts = pattern.parts
        # Path.glob takes a relative pattern: glob from the last folder with no wildcard.
        first = next((i for i, part in enumerate(parts) if _MAGIC & set(part)), len(parts))
        base = Path(*parts[:first]) if first else Path(pattern.anchor or ".")
        if first == len(parts):
            return [base] if base.exists() else []
        try:
            return list(base.glob(str(Path(*parts[first:]))))
        except OSError:  # an unreadable folder on the way: nothing found there
            return []

    @staticmethod
    def _files(hit: Path) -> Iterator[Path]:
        if not hit.is_dir():
            if not _is_noise(hit.name):
                yield hit
            return
        for path in hit.rglob("*"):
            inside = path.relative_to(hit).parts
            if not any(_is_noise(part) for part in inside) and not path.is_dir():
                yield path


_NOISE = frozenset({"thumbs.db", "desktop.ini"})


def _is_noise(name: str) -> bool:
    """Files the system or an editor writes on its own: opening a deck in PowerPoint makes
    ``~$deck.pptx``, browsing a folder in Finder touches ``.DS_Store``; neither is work done.
    """
    return name.startswith((".", "~$")) or name.casefold() in _NOISE


def _stat(path: Path) -> FoundFile | None:
    try:
        mtime = path.stat().st_mtime
    except OSError:  # vanished or unreadable between listing and looking: not there
        return None
    return FoundFile(str(path), datetime.fromtimestamp(mtime, UTC))


class FileState(StrEnum):
    FOUND = "found"
    """A fresh matching file exists (the item is ticked, unless the user unticked it)."""
    MISSING = "missing"
    """No matching file changed since ``since``."""
    NO_CLIENT = "no-client"
    """The pattern names ``{client}`` but the meeting has no client."""
    BY_HAND = "by-hand"
    """The user set this item by hand; the file no longer decides it."""


@dataclass(frozen=True, slots=True)
class FileItemStatus:
    item: ChecklistItem
    """The item as it is after the check."""
    state: FileState
    since: datetime
    """Files changed from this moment on count."""
    found: FoundFile | None = None
    """The newest fresh match, when there is one."""
    changed: bool = False
    """This check ticked or unticked the item."""
    patterns: tuple[str, ...] = ()
    """The patterns looked at, expanded (one per client for a ``{client}`` pattern)."""

    @property
    def label(self) -> str:
        """What the window shows next to the item: "deck missing", "found QBR.pptx", …"""
        if self.state is FileState.MISSING:
            return missing_label(self.item.text)
        if self.state is FileState.NO_CLIENT:
            return "no client for this meeting"
        if self.found is not None:
            return f"found {Path(self.found.path).name}"
        return ""


class _ClientHistory:
    """When each client's earlier meetings ended, to find "the previous meeting"."""

    def __init__(self, occurrences: Iterable[Occurrence], names: ClientNames) -> None:
        spans: dict[str, list[tuple[datetime, datetime, str]]] = {}
        for occurrence in occurrences:
            key = key_of(occurrence)
            if key is None or occurrence.event.status == "CANCELLED":
                continue
            for client in names.of(occurrence):
                spans.setdefault(client, []).append((occurrence.start, occurrence.end, key))
        self._spans = {client: sorted(set(found)) for client, found in spans.items()}

    def previous_end(self, clients: Collection[str], before: Occurrence) -> datetime | None:
        """The end of the latest meeting with any of ``clients`` that began before this one."""
        me = key_of(before)
        latest: datetime | None = None
        for client in clients:
            spans = self._spans.get(client, [])
            index = bisect_left(spans, (before.start,))
            for start, end, key in reversed(spans[:index]):
                if key != me and start < before.start:
                    if latest is None or end > latest:
                        latest = end
                    break
        return latest


def check_file_items(
    store: Store,
    occurrences: Sequence[Occurrence],
    clock: Callable[[], datetime],
    *,
    fs: FileSystem | None = None,
    me: Collection[str] | None = None,
) -> list[FileItemStatus]:
    """Tick the file-pattern items of these meetings whose files are there; say which are not.

    Args:
        store: the open store.
        occurrences: the meetings to check (e.g. the day or the window on screen).
        clock: the current time (aware).
        fs: the file system; default the real one.
        me: the user's addresses (default: those saved), to tell clients from colleagues.

    Returns:
        One status per file-pattern item of these meetings, in meeting then item order.
        All changes are written in one transaction.
    """
    fs = fs if fs is not None else LocalFileSystem()
    now = clock()
    by_key: dict[str, Occurrence] = {}
    for occurrence in occurrences:
        key = key_of(occurrence)
        if key is not None:
            by_key.setdefault(key, occurrence)
    checklists = Checklists(store)
    items = [item for item in checklists.with_file_patterns() if item.meeting_key in by_key]
    if not items:
        return []
    names = ClientNames(store, identity(saved_identity(store) if me is None else me))
    starts = [by_key[item.meeting_key].start for item in items]
    history = _ClientHistory(
        [*Calendars(store).between(min(starts) - HISTORY, max(starts)), *by_key.values()], names
    )
    statuses: list[FileItemStatus] = []
    with store.transaction():
        for item in items:
            occurrence = by_key[item.meeting_key]
            clients = sorted(names.of(occurrence))
            since = fresh_since(history.previous_end(clients, occurrence), now)
            statuses.append(_check(checklists, fs, item, occurrence, clients, since, now))
    return statuses


def _check(
    checklists: Checklists,
    fs: FileSystem,
    item: ChecklistItem,
    occurrence: Occurrence,
    clients: list[str],
    since: datetime,
    now: datetime,
) -> FileItemStatus:
    pattern = item.file_pattern or ""
    if item.done_by is DoneBy.USER or (item.done and item.done_by is None):
        return FileItemStatus(item, FileState.BY_HAND, since)
    if needs_client(pattern):
        if not clients:
            return FileItemStatus(item, FileState.NO_CLIENT, since)
        patterns = tuple(fs.expand(substitute_client(pattern, client)) for client in clients)
    else:
        patterns = (fs.expand(pattern),)
    newest: FoundFile | None = None
    for expanded in patterns:
        for found in fs.matches(expanded):
            if found.modified >= since and (newest is None or found.modified > newest.modified):
                newest = found
    changed = False
    # A finished meeting's checklist is a record: the file no longer changes it.
    if occurrence.end > now:
        changed = checklists.set_done_by_file(item.id, newest is not None)
        if changed:
            item = checklists.get(item.id)
    state = FileState.FOUND if newest is not None else FileState.MISSING
    return FileItemStatus(item, state, since, newest, changed, patterns)
