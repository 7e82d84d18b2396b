"""Reading meetings back out of the store for a window, in the user's zone."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, tzinfo

from daybrief.core import settings as declared
from daybrief.core.demo import DEMO_FILE, DEMO_USER
from daybrief.core.engine import occurrences_between
from daybrief.core.events import ParsedCalendar, read_calendar
from daybrief.core.model import Occurrence
from daybrief.core.recurrence import merge_calendars
from daybrief.store.calendars import Calendars
from daybrief.store.db import Store
from daybrief.store.models import MeetingSnapshot
from daybrief.store.orphans import Orphans
from daybrief.store.settings import Settings

IDENTITY_SETTING = declared.ADDRESSES.key


def occurrences_in_store(
    store: Store, start: datetime, end: datetime, user_zone: tzinfo, zone_name: str
) -> list[Occurrence]:
    """Every meeting of the enabled sources in ``[start, end)``, each meeting once.

    Inside the materialised window (and zone) this is one indexed query; outside it the
    sources' last good content is expanded again, so any window works.
    """
    calendars = Calendars(store)
    sources = [s for s in calendars.sources() if s.enabled]
    covered = all(
        s.window_start is not None
        and s.window_end is not None
        and s.window_start <= start
        and end <= s.window_end
        and s.user_zone == zone_name
        for s in sources
    )
    if covered:
        return merge_calendars([calendars.between(start, end)])
    return occurrences_between(stored_calendars(store), start, end, user_zone).occurrences


def materialised_until(store: Store, zone_name: str) -> datetime | None:
    """Until when every enabled source's meetings are stored for ``zone_name`` (reading
    beyond means expanding the calendars again); None when one is not stored at all."""
    sources = [s for s in Calendars(store).sources() if s.enabled]
    ends = [s.window_end for s in sources if s.user_zone == zone_name]
    if not sources or len(ends) < len(sources) or None in ends:
        return None
    return min(end for end in ends if end is not None)


def orphaned_meetings(store: Store) -> list[MeetingSnapshot]:
    """Meetings with user data that no enabled calendar has any more, not yet dismissed.

    They keep their data and show as "no longer in your calendar", as last seen
    (the snapshot), until the user dismisses them; one that reappears is no orphan again.
    """
    return Orphans(store).undismissed()


# The last read of the stored content, for days outside the materialised window: stepping
# through such days in the window would otherwise read every calendar again each time.
# Kept only for modest calendars (memory), and only while the content is the same.
_READ_CACHE_LIMIT = 40 * 2**20
_read_cache: tuple[tuple[object, ...], list[ParsedCalendar]] | None = None
_read_lock = threading.Lock()


def stored_calendars(store: Store) -> list[ParsedCalendar]:
    """The last good content of every enabled source, read again (or as last read)."""
    global _read_cache
    calendars = Calendars(store)
    sources = [s for s in calendars.sources() if s.enabled]
    key = (str(store.path), *((s.id, s.content_hash, s.name, s.location, s.role) for s in sources))
    with _read_lock:
        if _read_cache is not None and _read_cache[0] == key:
            return list(_read_cache[1])
    parsed = []
    size = 0
    for source in sources:
        data = calendars.content(source.id)
        if data is not None:
            size += len(data)
            parsed.append(read_calendar(data, source.location, source.name, role=source.role))
    if all(s.content_hash for s in sources):
        with _read_lock:
            _read_cache = (key, parsed) if size <= _READ_CACHE_LIMIT else None
    return list(parsed)


def calendar_colours(store: Store) -> dict[str, str]:
    """The colour the user chose for each calendar, by name (what occurrences carry)."""
    return {s.name: s.colour for s in Calendars(store).sources() if s.colour}


def calendars_token(store: Store) -> tuple[object, ...]:
    """Changes whenever what the calendars say may have changed (content, window, zone, and
    role: occurrences carry their calendar's role)."""
    return tuple(
        (s.id, s.enabled, s.content_hash, s.window_start, s.window_end, s.user_zone, s.name,
         s.role)
        for s in Calendars(store).sources()
    )  # fmt: skip


def has_calendars(store: Store) -> bool:
    return any(source.enabled for source in Calendars(store).sources())


def save_identity(store: Store, addresses: Sequence[str]) -> None:
    """Remember ``addresses`` as the user's own (the window's settings, ``whoami --save``)."""
    Settings(store).set(IDENTITY_SETTING, declared.ADDRESSES.dump(tuple(map(str, addresses))))


def own_identity(store: Store) -> list[str]:
    """The addresses the user saved as theirs, whatever is showing."""
    return list(declared.ADDRESSES.read(Settings(store).get(IDENTITY_SETTING)))


def saved_identity(store: Store) -> list[str]:
    """Whose answers count as "mine" in what is shown: the user's own addresses, or the
    demo's made-up user while the demo is showing (so typing your address never changes
    what the demo shows)."""
    return [DEMO_USER] if demo_showing(store) else own_identity(store)


DEMO_LOCATION = "demo/location"
"""Where the demo calendar file was written (set when it is loaded)."""


def demo_location(store: Store) -> str:
    """The demo calendar's source location in ``store`` (whether or not it is loaded)."""
    saved = Settings(store).get(DEMO_LOCATION)
    if isinstance(saved, str) and saved:
        return saved
    return str((store.path.parent / DEMO_FILE).resolve())


def demo_showing(store: Store) -> bool:
    """Whether the demo calendar is one of the store's calendars."""
    return Calendars(store).find_source("file", demo_location(store)) is not None
