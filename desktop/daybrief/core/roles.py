"""Whose calendar it is (issue 17): the role of a calendar, and what it makes of its events.

* ``mine``: the user's own diary; every event in it is the user's.
* ``others``: another person's or a team's calendar; only meetings the user organises or
  is an attendee of (by the user's addresses) are the user's, the rest is context.
* ``info``: holidays, birthdays, rosters, market hours: all context.

Context is shown but is never busy, never a problem, never a reminder and never counted.
The role travels on each event (:attr:`EventInfo.role`), set when a calendar is read or
loaded from the store, so every rule in core (busy, unconfirmed, time off, reminders)
decides with it and no caller has to remember.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import unquote

from daybrief.core.model import EventInfo, Occurrence


class Role(StrEnum):
    MINE = "mine"
    OTHERS = "others"
    INFO = "info"

    @property
    def label(self) -> str:
        """How the window names it."""
        return ROLE_LABELS[self.value]


ROLES: tuple[str, ...] = tuple(role.value for role in Role)

# When one meeting is in several calendars, the copy in the calendar that gives the user
# the most claim on it decides: any copy in a "mine" calendar makes it the user's.
_STRENGTH = {Role.INFO.value: 0, Role.OTHERS.value: 1, Role.MINE.value: 2}

ROLE_LABELS = {
    Role.MINE.value: "Mine",
    Role.OTHERS.value: "Someone else's / team",
    Role.INFO.value: "Information",
}


def parse_role(text: str) -> Role:
    """``mine``, ``others`` or ``info`` (any case).

    Raises:
        ValueError: anything else, with a message naming the allowed values.
    """
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise ValueError(f"role {text!r} is not one of {', '.join(ROLES)}") from None


def stronger_role(a: str, b: str) -> str:
    """The role that gives the user more claim on a meeting found in both calendars."""
    return a if _STRENGTH.get(a, 2) >= _STRENGTH.get(b, 2) else b


def involves(event: EventInfo, me: Collection[str]) -> bool:
    """Whether the user organises the meeting or is one of its attendees."""
    if not me:
        return False
    if event.organizer and event.organizer in me:
        return True
    return any(attendee.email in me for attendee in event.attendees)


def is_mine(occurrence: Occurrence, me: Collection[str] = ()) -> bool:
    """Whether the occurrence is the user's meeting rather than context (see the module).

    ``me``: the user's addresses, normalised; without them nothing in another person's
    calendar can be told to be the user's.
    """
    role = occurrence.event.role
    if role == Role.MINE:
        return True
    if role == Role.OTHERS:
        return involves(occurrence.event, me)
    return False


def with_role(occurrences: Iterable[Occurrence], role: str) -> list[Occurrence]:
    """The occurrences as their calendar's ``role`` has them (one EventInfo per event)."""
    events: dict[int, EventInfo] = {}
    found = []
    for occurrence in occurrences:
        event = occurrence.event
        if event.role != role:
            event = events.setdefault(id(event), replace(event, role=role))
            occurrence = replace(occurrence, event=event)
        found.append(occurrence)
    return found


def is_context(occurrence: Occurrence, me: Collection[str] = ()) -> bool:
    """Shown (faded) for orientation, never counted: the opposite of :func:`is_mine`."""
    return not is_mine(occurrence, me)


# ---------------------------------------------------------------------------- the guess


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What the guess needs of one event."""

    timed: bool
    organizer: str | None
    attendees: tuple[str, ...]
    """Attendee addresses, normalised."""


@dataclass(frozen=True, slots=True)
class RoleGuess:
    role: Role
    reason: str
    """One sentence for the user: why this role was chosen."""


# Google's own calendars of holidays and of contacts' birthdays: their ids (in the address)
# and their usual names. Other providers' holiday feeds are all-day and caught by that rule.
_GOOGLE_IDS = (
    ("#holiday@group.v.calendar.google.com", "holidays"),
    ("#contacts@group.v.calendar.google.com", "birthdays"),
    ("@holiday.calendar.google.com", "holidays"),
)
_INFO_NAME = re.compile(
    r"(?:.*\s)?(?:holidays|birthdays)(?:\s+(?:in|of)\s.*)?"
    r"|\s*contacts'?\s+birthdays(?:\s+and\s+events)?\s*",
    re.IGNORECASE,
)
"""Names of calendars *of* holidays or birthdays ("Holidays in Germany", "US Holidays",
"Birthdays", Google's "Contacts' birthdays and events"), not of calendars that only mention
them ("Holiday planning")."""


def _google_kind(texts: Iterable[str]) -> str | None:
    for text in texts:
        plain = unquote(unquote(text)).lower()  # %2523 in a webcal link is "#" twice encoded
        for marker, kind in _GOOGLE_IDS:
            if marker in plain:
                return kind
    return None


def guess_role(
    name: str,
    addresses: Iterable[str],
    events: Iterable[EventFacts],
    me: Collection[str],
    within: str = "",
) -> RoleGuess:
    """The role a newly added calendar most likely has, with the reason to show.

    Args:
        name: the calendar's name (X-WR-CALNAME, else the file's).
        addresses: where it comes from (a path, an address): Google's holiday and birthday
            calendars are known by their ids there.
        events: every event of the calendar (each VEVENT, not each occurrence).
        me: the user's addresses, normalised; empty: another person's calendar cannot be
            told from the user's own, so it is not guessed.
        within: said after the counts of a "mine" reason when ``events`` give the people
            of only some meetings (see :func:`engine.guess_calendar_role`).
    """
    kind = _google_kind([name, *addresses])
    if kind is not None:
        return RoleGuess(Role.INFO, f"a Google {kind} calendar")
    if _INFO_NAME.fullmatch(name or ""):
        # The reason never quotes calendar text: it is printed to terminals and stored.
        return RoleGuess(Role.INFO, "its name says it is a calendar of holidays or birthdays")
    count = timed = with_people = with_me = 0
    for event in events:
        count += 1
        timed += event.timed
        if event.organizer and event.organizer in me:
            with_me += 1
            with_people += 1
        elif event.attendees:
            with_people += 1
            with_me += any(address in me for address in event.attendees)
    if not count:
        return RoleGuess(Role.MINE, "it has no events yet to tell by")
    if not timed:
        every = "its only event is" if count == 1 else f"all its {count} events are"
        return RoleGuess(Role.INFO, f"no timed event: {every} all-day")
    if not with_people:
        return RoleGuess(Role.MINE, "no meeting with attendees: blocks of your own time")
    if not me:
        return RoleGuess(
            Role.MINE, "your addresses are not set, so another person's calendar cannot be told"
        )
    if not with_me:
        which = (
            "its only meeting with attendees"
            if with_people == 1
            else f"any of its {with_people} meetings with attendees"
        )
        return RoleGuess(Role.OTHERS, f"you neither organise nor attend {which}")
    return RoleGuess(
        Role.MINE, f"you organise or attend {with_me} of its {_meetings(with_people)}{within}"
    )


def _meetings(n: int) -> str:
    return f"{n} meeting" + ("" if n == 1 else "s")
