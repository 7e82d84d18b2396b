"""Reading meetings back out of the store for a window, in the user's zone."""

from __future__ import annotations

import threading
from datetime import datetime, tzinfo

from daybrief.core.engine import occurrences_between
from daybrief.core.events import ParsedCalendar, read_calendar
from daybrief.core.model import Occurrence
from daybrief.core.recurrence import merge_calendars
from daybrief.store.calendars import Calendars
from daybrief.store.db import Store
from daybrief.store.models import MeetingSnapshot
from daybrief.store.orphans import Orphans
from daybrief.store.settings import Settings

IDENTITY_SETTING = "identity"


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


def orphaned_meetings(store: Store) -> list[MeetingSnapshot]:
    """Meetings with user data that no enabled calendar has any more, not yet dismissed.

    SPEC §3: they keep their data and show as "no longer in your calendar", as last seen
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
    key = (str(store.path), *((s.id, s.content_hash, s.name, s.location) for s in sources))
    with _read_lock:
        if _read_cache is not None and _read_cache[0] == key:
            return list(_read_cache[1])
    parsed = []
    size = 0
    for source in sources:
        data = calendars.content(source.id)
        if data is not None:
            size += len(data)
            parsed.append(read_calendar(data, source.location, source.name))
    if all(s.content_hash for s in sources):
        with _read_lock:
            _read_cache = (key, parsed) if size <= _READ_CACHE_LIMIT else None
    return list(parsed)


def calendars_token(store: Store) -> tuple[object, ...]:
    """Changes whenever what the calendars say may have changed (content, window, zone)."""
    return tuple(
        (s.id, s.enabled, s.content_hash, s.window_start, s.window_end, s.user_zone, s.name)
        for s in Calendars(store).sources()
    )


def has_calendars(store: Store) -> bool:
    return any(source.enabled for source in Calendars(store).sources())


def save_identity(store: Store, addresses: list[str]) -> None:
    Settings(store).set(IDENTITY_SETTING, [str(address) for address in addresses])


def saved_identity(store: Store) -> list[str]:
    value = Settings(store).get(IDENTITY_SETTING, [])
    return [str(v) for v in value] if isinstance(value, list) else []
