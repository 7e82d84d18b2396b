"""Double-bookings: busy occurrences of different meetings that overlap (docs/semantics.md).

A sweep over occurrences sorted by start keeps only the meetings still running,
so the cost is O(n log n + k) for k conflicts, not O(n²).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from daybrief.core.confirmation import user_partstat
from daybrief.core.model import Occurrence
from daybrief.core.roles import is_mine

MAX_CONFLICTS = 250_000
"""Two absurd series (FREQ=SECONDLY, hour-long instances) overlap tens of millions of
times; no real calendar has this many double-bookings, so the search stops here."""


def is_busy(occurrence: Occurrence, me: Collection[str] = ()) -> bool:
    """Timed, opaque, not cancelled, not declined by the user, not marked free (Busy in
    docs/semantics.md), and the user's own: context from another person's or an information
    calendar never is (core.roles)."""
    event = occurrence.event
    if occurrence.all_day or event.transp == "TRANSPARENT" or event.status == "CANCELLED":
        return False
    if event.ms_busystatus == "FREE" or not is_mine(occurrence, me):
        return False
    return not (me and user_partstat(occurrence, me) == "DECLINED")


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two meetings that overlap; ``a`` starts no later than ``b``."""

    a: Occurrence
    b: Occurrence

    @property
    def overlap_start(self) -> datetime:
        return max(self.a.start, self.b.start)

    @property
    def overlap_end(self) -> datetime:
        return min(self.a.end, self.b.end)

    @property
    def overlap_minutes(self) -> int:
        return round((self.overlap_end - self.overlap_start).total_seconds() / 60)

    @property
    def same_uid(self) -> bool:
        return self.a.event.uid is not None and self.a.event.uid == self.b.event.uid


def find_double_bookings(
    occurrences: Iterable[Occurrence],
    me: Collection[str] = (),
    include_same_uid: bool = False,
    busy: Callable[[Occurrence, Collection[str]], bool] = is_busy,
    limit: int = MAX_CONFLICTS,
) -> list[Conflict]:
    """Every overlapping pair of busy occurrences, ordered by the later one's start.

    Args:
        occurrences: from any number of calendars, already merged (one meeting in two
            calendars must appear once; see :func:`recurrence.merge_calendars`).
        me: the user's addresses, so meetings the user declined are not busy.
        include_same_uid: also pair instances of one series that overlap each other.
            Off by default: a series overlapping itself is a data oddity, not a
            double-booking of two meetings.
        limit: stop after this many pairs (the result then has exactly ``limit`` items).
    """
    # A series shares one EventInfo across its instances: decide "busy" once per event,
    # or an event with thousands of attendees costs instances × attendees.
    verdicts: dict[tuple[int, bool], bool] = {}

    def busy_once(occurrence: Occurrence) -> bool:
        if busy is not is_busy:
            return busy(occurrence, me)
        key = (id(occurrence.event), occurrence.all_day)
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = busy(occurrence, me)
        return verdict

    candidates = sorted(
        (occ for occ in occurrences if busy_once(occ)), key=lambda o: (o.start, o.end)
    )
    # Meetings still running, for expiry by end time, and grouped by UID so a series that
    # overlaps itself thousands of times costs nothing when same-UID pairs are not wanted.
    running: list[tuple[datetime, int, Occurrence]] = []
    by_uid: dict[str | None, dict[int, Occurrence]] = {}
    found: list[Conflict] = []
    for order, occurrence in enumerate(candidates):
        while running and running[0][0] <= occurrence.start:
            _, gone, ended = heapq.heappop(running)
            group = by_uid[ended.event.uid]
            del group[gone]
            if not group:
                del by_uid[ended.event.uid]
        uid = occurrence.event.uid
        pairs = []
        for other_uid, group in by_uid.items():
            if other_uid == uid and uid is not None and not include_same_uid:
                continue
            for earlier_order, earlier in group.items():
                if earlier.start < occurrence.end:  # zero-length at the same start: touching
                    pairs.append((earlier_order, earlier))
        pairs.sort(key=lambda item: (item[1].start, item[0]))
        found.extend(Conflict(earlier, occurrence) for _, earlier in pairs)
        if len(found) >= limit:
            del found[limit:]
            break
        heapq.heappush(running, (occurrence.end, order, occurrence))
        by_uid.setdefault(uid, {})[order] = occurrence
    return found


def clusters(conflicts: Iterable[Conflict]) -> list[list[Occurrence]]:
    """Groups of meetings linked by overlaps (three meetings A–B, B–C form one cluster).

    Each cluster is sorted by start; clusters are sorted by their first start.
    """
    parent: dict[int, int] = {}
    members: dict[int, Occurrence] = {}

    def find(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for conflict in conflicts:
        keys = []
        for occurrence in (conflict.a, conflict.b):
            key = id(occurrence)
            if key not in parent:
                parent[key] = key
                members[key] = occurrence
            keys.append(find(key))
        if keys[0] != keys[1]:
            parent[keys[1]] = keys[0]
    groups: dict[int, list[Occurrence]] = {}
    for key, occurrence in members.items():
        groups.setdefault(find(key), []).append(occurrence)
    result = [sorted(group, key=lambda o: (o.start, o.end)) for group in groups.values()]
    result.sort(key=lambda group: group[0].start)
    return result


@dataclass(frozen=True, slots=True)
class TimeOffClash:
    """A meeting during the user's time off (a hygiene warning: docs/semantics.md)."""

    time_off: Occurrence
    meeting: Occurrence


def is_time_off(occurrence: Occurrence, me: Collection[str] = ()) -> bool:
    """Out of office as the user's own calendar says it (Outlook's BUSYSTATUS OOF).

    A colleague's absence in a team calendar, or an entry of an information calendar, is
    not the user's time off; the user can still say that one is (by its UID, as
    ``find_time_off_clashes``'s callers do for all-day entries).
    """
    event = occurrence.event
    return event.ms_busystatus == "OOF" and event.status != "CANCELLED" and is_mine(occurrence, me)


def find_time_off_clashes(
    occurrences: Iterable[Occurrence],
    me: Collection[str] = (),
    time_off: Callable[[Occurrence], bool] = is_time_off,
) -> list[TimeOffClash]:
    """Busy meetings overlapping an occurrence ``time_off`` accepts (OOF by default)."""
    items = list(occurrences)
    absences = sorted((o for o in items if time_off(o)), key=lambda o: o.start)
    if not absences:
        return []
    found = []
    for meeting in items:
        if not is_busy(meeting, me) or time_off(meeting):
            continue
        for absence in absences:
            if absence.start >= meeting.end:
                break
            if meeting.start < absence.end and absence.start < meeting.end:
                found.append(TimeOffClash(absence, meeting))
    return found
