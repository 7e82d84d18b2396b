"""Stable keys for hygiene problems, so "handled" and "ignore this one" are remembered.

A problem key names the meetings by their meeting keys (UID + RECURRENCE-ID, see
``daybrief.store.meetings.meeting_key``), so it survives re-imports and refreshes.

What an acknowledgement covers:

* a double-booking: that pair of meetings *at those times*. The key holds the overlap's
  start and end, so when either meeting moves and the overlap changes, the clash is a new
  problem and shows again — "I sorted the 10:00 clash" says nothing about the clash at 15:00.
  A move that leaves the overlap as it was keeps the acknowledgement.
* an unconfirmed meeting: that meeting for that reason (``needs-action``, ``tentative``,
  ``event-tentative``, ``waiting-on``). It survives the meeting moving (same identity);
  a different reason is a new problem.
"""

from __future__ import annotations

import json
from datetime import datetime

from daybrief.core.model import format_utc

CONFLICT = "conflict"
UNCONFIRMED = "unconfirmed"


def _key(*parts: str) -> str:
    # A JSON array: unambiguous whatever the parts hold, readable in a backup file.
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def conflict_key(a_key: str, b_key: str, overlap_start: datetime, overlap_end: datetime) -> str:
    """The key of a double-booking; the same whichever meeting is named first.

    Args:
        a_key: one meeting's key.
        b_key: the other's.
        overlap_start: aware; where the two begin to overlap.
        overlap_end: aware; where they stop.

    Warning:
        Pass aware datetimes: they are keyed in UTC, so the key does not change with the
        user's zone.
    """
    first, second = sorted((a_key, b_key))
    return _key(CONFLICT, first, second, format_utc(overlap_start), format_utc(overlap_end))


def unconfirmed_key(meeting_key: str, reason: str) -> str:
    """The key of an unconfirmed meeting, for one reason."""
    return _key(UNCONFIRMED, meeting_key, reason)


def problem_meetings(problem_key: str) -> tuple[str, ...]:
    """The meeting keys a problem key names (empty for a key this version cannot read)."""
    try:
        parts = json.loads(problem_key)
    except ValueError:
        return ()
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        return ()
    if parts[:1] == [CONFLICT] and len(parts) == 5:
        return (parts[1], parts[2])
    if parts[:1] == [UNCONFIRMED] and len(parts) == 3:
        return (parts[1],)
    return ()
