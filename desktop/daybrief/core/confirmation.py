"""Unconfirmed meetings (docs/semantics.md) and the user's identity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from daybrief.core.model import Occurrence, recurrence_key
from daybrief.core.roles import is_mine

Answered = Mapping[tuple[str, str], str]
"""Answers the user gave that the calendar does not show yet: (UID, instance) → PARTSTAT.
The instance is ``recurrence_key`` text, '' for a whole series or a one-off."""

_WAITING = frozenset({"NEEDS-ACTION", "TENTATIVE"})
_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})


def normalize_email(address: str) -> str:
    """Case-insensitive, ``mailto:`` stripped (docs/semantics.md, You)."""
    address = address.strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    return address.strip().lower()


def identity(addresses: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_email(a) for a in addresses if a.strip())


def user_partstat(occurrence: Occurrence, me: Collection[str]) -> str | None:
    """The user's answer to the meeting, or None when the user is not an attendee."""
    answer = None
    for attendee in occurrence.event.attendees:
        # Several entries for the user (two addresses): an explicit answer beats a default.
        if attendee.email in me and (
            answer is None or (attendee.explicit and answer == "NEEDS-ACTION")
        ):
            answer = attendee.partstat
    return answer


@dataclass(frozen=True, slots=True)
class Unconfirmed:
    occurrence: Occurrence
    reason: str
    """``needs-action``, ``tentative``, ``event-tentative`` or ``waiting-on``."""
    waiting_on: tuple[str, ...] = ()
    required: int = 0
    """For ``waiting-on``: how many required attendees there are besides the user."""

    @property
    def description(self) -> str:
        if self.reason == "needs-action":
            return "you have not answered"
        if self.reason == "tentative":
            return "you answered tentatively"
        if self.reason == "event-tentative":
            return "the meeting itself is tentative"
        return f"waiting on {len(self.waiting_on)} of {self.required}: " + ", ".join(
            self.waiting_on
        )


def answered_partstat(occurrence: Occurrence, answered: Answered | None) -> str | None:
    """The user's answer waiting for the calendar: the instance's own, else the series'."""
    if not answered or occurrence.event.uid is None:
        return None
    uid = occurrence.event.uid
    return answered.get((uid, recurrence_key(occurrence))) or answered.get((uid, ""))


def unconfirmed_reason(
    occurrence: Occurrence, me: Collection[str], answered: Answered | None = None
) -> Unconfirmed | None:
    """Why the meeting is not confirmed, or None when it is (or is cancelled).

    ``answered``: answers given but not yet shown by the calendar; a meeting the user
    answered (accept, tentative or decline) is not unconfirmed for want of their answer
    while the calendar catches up.

    In order: the user's own answer (NEEDS-ACTION or TENTATIVE, also on a meeting the
    user organises: some servers list the organiser unanswered, and then it is not
    settled), the event's own STATUS:TENTATIVE, then, for the organiser, required
    attendees who have not answered. Context (core.roles: another person's meeting in their
    calendar, an information calendar's entry) is never unconfirmed: it is not the user's.
    """
    event = occurrence.event
    if event.status == "CANCELLED" or not is_mine(occurrence, me):
        return None
    mine = user_partstat(occurrence, me) if me else None
    if mine is not None and answered_partstat(occurrence, answered) is not None:
        # Answered from Daybrief: no longer the user's problem while the calendar catches
        # up; only the organiser's side (the event's own status, invitees) can still be.
        mine = "DECLINED" if answered_partstat(occurrence, answered) == "DECLINED" else "ANSWERED"
    if mine == "NEEDS-ACTION":
        return Unconfirmed(occurrence, "needs-action")
    if mine == "TENTATIVE":
        return Unconfirmed(occurrence, "tentative")
    if event.status == "TENTATIVE":
        return Unconfirmed(occurrence, "event-tentative")
    if me and event.organizer in me and mine != "DECLINED":
        required = [
            a
            for a in event.attendees
            if a.email not in me
            and a.role == "REQ-PARTICIPANT"
            and a.cutype not in _NOT_PEOPLE
            and a.email
        ]
        waiting = tuple(a.email for a in required if a.partstat in _WAITING)
        if waiting:
            return Unconfirmed(occurrence, "waiting-on", waiting, len(required))
    return None


def find_unconfirmed(
    occurrences: Iterable[Occurrence], me: Collection[str], answered: Answered | None = None
) -> list[Unconfirmed]:
    """Every occurrence that is not confirmed, in the given order.

    Args:
        occurrences: usually one window, already merged across calendars.
        me: the user's addresses, normalised (see :func:`identity`). Empty: only
            events that are STATUS:TENTATIVE themselves are found.
        answered: answers waiting for the calendar (:data:`Answered`).
    """
    found = []
    # Instances of a series share one EventInfo: judge each event once, not per instance
    # (an event with thousands of attendees would otherwise cost instances × attendees).
    verdicts: dict[int, Unconfirmed | None] = {}
    # Answers to single instances make instances of one event differ: judged one by one.
    per_instance = {uid for uid, instance in answered or () if instance}
    for occurrence in occurrences:
        if occurrence.event.uid in per_instance:
            verdict = unconfirmed_reason(occurrence, me, answered)
            if verdict is not None:
                found.append(verdict)
            continue
        key = id(occurrence.event)
        if key not in verdicts:
            verdicts[key] = unconfirmed_reason(occurrence, me, answered)
        verdict = verdicts[key]
        if verdict is not None:
            found.append(
                verdict
                if verdict.occurrence is occurrence
                else Unconfirmed(occurrence, verdict.reason, verdict.waiting_on, verdict.required)
            )
    return found


def suggest_identity(
    events: Iterable[tuple[str | None, Collection[str]]],
    calendar_names: Iterable[str] = (),
    limit: int = 3,
) -> list[str]:
    """Addresses that are probably the user's, best first.

    A calendar is its owner's: the owner is the organiser or an attendee of most
    meetings that have people, and Google names a calendar after its owner's address.

    Args:
        events: (organizer, attendee emails) per event, addresses normalised.
        calendar_names: X-WR-CALNAME values.
        limit: how many to return at most.
    """
    named = [normalize_email(n) for n in calendar_names if "@" in n and " " not in n.strip()]
    counts: Counter[str] = Counter()
    with_people = 0
    for organizer, attendees in events:
        people = set(attendees)
        if organizer:
            people.add(organizer)
        people.discard("")
        if not people:
            continue
        with_people += 1
        counts.update(people)
    suggestions = list(dict.fromkeys(named))
    if with_people:
        # The owner is in nearly every meeting with people; a close colleague in many, not all.
        top = counts.most_common(1)[0][1]
        threshold = max(2, with_people * 0.5, top * 0.8)
        for address, count in counts.most_common():
            if count < threshold:
                break
            if address not in suggestions and "@" in address:
                suggestions.append(address)
    return suggestions[:limit]
