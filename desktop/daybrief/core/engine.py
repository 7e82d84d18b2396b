"""The engine's front door: calendars in, one merged list of occurrences out."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, tzinfo

from daybrief.core.confirmation import suggest_identity
from daybrief.core.events import ParsedCalendar, ParsedEvent
from daybrief.core.gcpause import collector_paused
from daybrief.core.recurrence import Expansion, expand_calendar, merge_calendars
from daybrief.core.roles import EventFacts, RoleGuess, guess_role, involves


def occurrences_between(
    calendars: Iterable[ParsedCalendar], start: datetime, end: datetime, user_zone: tzinfo
) -> Expansion:
    """All meetings of all calendars overlapping ``[start, end)``, sorted, each meeting once.

    Warnings are those of reading and of expanding, calendar by calendar.
    """
    per_calendar = []
    result = Expansion()
    with collector_paused():
        for calendar in calendars:
            expansion = expand_calendar(calendar, start, end, user_zone)
            result.warnings.extend(calendar.warnings)
            result.warnings.extend(expansion.warnings)
            per_calendar.append(expansion.occurrences)
        result.occurrences = merge_calendars(per_calendar)
    return result


def suggest_identity_from(calendars: Iterable[ParsedCalendar]) -> list[str]:
    """The user's likely addresses, from who organises and attends the calendars' events.

    Only the user's own calendars (role ``mine``) are asked when there are any: the people
    of a team calendar are the team, not the user.
    """
    calendars = list(calendars)
    own = [calendar for calendar in calendars if calendar.role == "mine"]
    calendars = own or calendars
    people = [
        (event.info.organizer, [a.email for a in event.info.attendees])
        for calendar in calendars
        for event in calendar.events
    ]
    names = [calendar.name for calendar in calendars if calendar.name]
    return suggest_identity(people, names)


def guess_calendar_role(
    calendar: ParsedCalendar, addresses: Iterable[str], me: Collection[str]
) -> RoleGuess:
    """:func:`roles.guess_role` for a calendar as read (``addresses``: where it came from).

    After an expansion, the events it reached have their people read; when the user is
    among them the calendar is the user's, and the other events' details (years of them,
    in a big calendar) are not read only to count them.
    """

    def facts(event: ParsedEvent, people: bool = True) -> EventFacts:
        if not people:
            return EventFacts(timed=not event.start.is_date, organizer=None, attendees=())
        info = event.info
        attendees = tuple(a.email for a in info.attendees if a.email)
        return EventFacts(
            timed=not event.start.is_date, organizer=info.organizer, attendees=attendees
        )

    name = calendar.name or ""
    hints = [calendar.source, *addresses]
    events = calendar.events
    read = [event for event in events if event.info_read]
    if me and len(read) < len(events) and any(involves(event.info, me) for event in read):
        partial = [facts(event, event.info_read) for event in events]
        return guess_role(name, hints, partial, me, within=" in the weeks imported")
    return guess_role(name, hints, (facts(event) for event in events), me)
