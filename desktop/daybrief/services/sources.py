"""Managing calendar sources without ever losing what the user attached to their meetings."""

from __future__ import annotations

from dataclasses import dataclass

from daybrief.services.importer import refresh_snapshots
from daybrief.store.calendars import Calendars, Source
from daybrief.store.db import Store


def remove_source(store: Store, source_id: int) -> None:
    """Forget a source; meetings with user data keep it and show as last seen (SPEC §3)."""
    calendars = Calendars(store)
    with store.transaction():
        refresh_snapshots(store, calendars.occurrences_of(source_id))
        calendars.remove_source(source_id)


@dataclass(frozen=True)
class SourceStatus:
    """A source as the Calendars dialog lists it."""

    source: Source
    occurrences: int

    @property
    def problem(self) -> str:
        source = self.source
        if source.last_error and (source.last_success_at or "") < (source.last_error_at or ""):
            return source.last_error
        return ""


def list_sources(store: Store) -> list[SourceStatus]:
    calendars = Calendars(store)
    return [SourceStatus(s, calendars.count_occurrences(s.id)) for s in calendars.sources()]


def file_locations(store: Store) -> list[str]:
    """The local files behind file sources, to import again."""
    return [s.location for s in Calendars(store).sources() if s.kind == "file"]
