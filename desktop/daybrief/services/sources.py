"""Managing calendar sources without ever losing what the user attached to their meetings."""

from __future__ import annotations

from daybrief.services.importer import refresh_snapshots
from daybrief.store.calendars import Calendars
from daybrief.store.db import Store


def remove_source(store: Store, source_id: int) -> None:
    """Forget a source; meetings with user data keep it and show as last seen (SPEC §3)."""
    calendars = Calendars(store)
    with store.transaction():
        refresh_snapshots(store, calendars.occurrences_of(source_id))
        calendars.remove_source(source_id)
