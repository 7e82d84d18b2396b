"""Meetings whose user data no longer has a meeting in any calendar (docs/semantics.md).

Read-only: an orphan keeps every item the user wrote; only dismissing hides it
(``Meetings.dismiss``), and it stops being an orphan by itself when it reappears.
"""

from __future__ import annotations

from daybrief.store.db import Store
from daybrief.store.meetings import _HAS_USER_DATA, _snapshot
from daybrief.store.models import MeetingSnapshot

# A series (or one-off) key is its UID alone and matches any occurrence of that UID; an
# instance key matches that UID + RECURRENCE-ID only. Sources drive the inner loop so the
# (source_id, uid, recurrence_id) index answers each probe (CROSS JOIN pins that order;
# left to itself SQLite scans the whole index per meeting). Disabled sources do not count.
# Outside the window the occurrences say nothing, so a meeting whose UID is still among the
# source's VEVENT blocks (schema 0003) is still in the calendar: a past meeting with notes
# must not turn into "no longer in your calendar" just by growing old.
_IN_A_CALENDAR = """
    (EXISTS (
        SELECT 1 FROM sources s CROSS JOIN occurrences o ON o.source_id = s.id
        WHERE s.enabled = 1 AND o.uid = m.uid
          AND (m.recurrence_id = '' OR o.recurrence_id = m.recurrence_id)
    ) OR EXISTS (
        SELECT 1 FROM sources s CROSS JOIN source_blocks b ON b.source_id = s.id
        WHERE s.enabled = 1 AND b.uid = m.uid
          AND (m.recurrence_id = '' OR m.recurrence_id < s.window_start
               OR m.recurrence_id >= s.window_end)
          AND (m.start_utc IS NULL OR m.start_utc < s.window_start
               OR m.start_utc >= s.window_end)
    ))
"""


class Orphans:
    """Which meetings carrying user data are "no longer in your calendar"."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def undismissed(self) -> list[MeetingSnapshot]:
        """Meetings with user data, not dismissed, matching no materialised occurrence.

        Inside the materialised window the occurrences decide; outside it, whether the
        meeting's UID is still in one of the source's VEVENT blocks.
        """
        rows = self._store.query(
            f"SELECT * FROM meetings m WHERE ({_HAS_USER_DATA})"
            " AND NOT EXISTS (SELECT 1 FROM dismissed_orphans d"
            " WHERE d.meeting_key = m.meeting_key)"
            f" AND NOT {_IN_A_CALENDAR}"
            " ORDER BY start_utc IS NULL, start_utc, meeting_key"
        )
        return [_snapshot(row) for row in rows]
