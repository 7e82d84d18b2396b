"""Which meetings deserve a reminder (docs/semantics.md): the rule, apart from when and how
it is shown.

services.reminders plans and keeps the reminders; what qualifies is decided here, with the
same notion of "the user's meeting" as double-bookings and unconfirmed ones (core.roles):
a colleague's meeting in a team calendar, or a market-hours entry, never reminds.
"""

from __future__ import annotations

from collections.abc import Collection

from daybrief.core.confirmation import normalize_email
from daybrief.core.conflicts import is_busy
from daybrief.core.model import Occurrence


def remindable(occurrence: Occurrence, me: Collection[str] = ()) -> bool:
    """A timed meeting of the user's that takes their time: reminders may be about it."""
    return not occurrence.all_day and is_busy(occurrence, me)


def asks_for_follow_ups(occurrence: Occurrence, me: Collection[str] = ()) -> bool:
    """A remindable meeting with someone besides the user: "any follow-ups?" after it."""
    event = occurrence.event
    addresses = {normalize_email(a.email) for a in event.attendees}
    if event.organizer:
        addresses.add(normalize_email(event.organizer))
    addresses.discard("")
    return bool(addresses - set(me)) and remindable(occurrence, me)
