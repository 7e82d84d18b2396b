"""Plain data of the engine: events as read, and the occurrences they expand to.

All instants leaving the engine are aware datetimes in UTC; all-day occurrences
also keep their calendar date, because "all day on the 3rd" is a date, not an
instant, and shifts with the user's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum


class PartStat(StrEnum):
    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"
    DELEGATED = "DELEGATED"


@dataclass(frozen=True, slots=True)
class Attendee:
    email: str
    """Lower case, ``mailto:`` stripped; may be empty for a malformed CAL-ADDRESS."""
    cn: str | None = None
    partstat: str = PartStat.NEEDS_ACTION.value
    """Upper case. RFC 5545 3.2.12: a missing PARTSTAT means NEEDS-ACTION."""
    explicit: bool = False
    """Whether PARTSTAT was written in the file (False: defaulted)."""
    role: str = "REQ-PARTICIPANT"
    cutype: str = "INDIVIDUAL"
    """ROOM and RESOURCE attendees are places and things, never people to wait on."""


@dataclass(frozen=True, slots=True)
class EventInfo:
    """What one VEVENT says about a meeting, shared by all occurrences it produces."""

    uid: str | None
    summary: str = ""
    location: str = ""
    description: str = ""
    conference_url: str | None = None
    status: str | None = None
    transp: str = "OPAQUE"
    ms_busystatus: str | None = None
    organizer: str | None = None
    organizer_cn: str | None = None
    attendees: tuple[Attendee, ...] = ()
    sequence: int = 0
    calendar: str = ""
    """The name of the calendar (source) the event came from."""
    line: int | None = None
    """Line of BEGIN:VEVENT, for messages."""
    categories: tuple[str, ...] = ()
    role: str = "mine"
    """The role of the calendar it came from (core.roles): ``mine``, ``others`` or ``info``;
    set when the calendar is read or loaded, never stored with the event."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One meeting instance in time."""

    event: EventInfo
    start: datetime
    """Aware, UTC."""
    end: datetime
    """Aware, UTC; equal to start for a zero-length event."""
    all_day: bool = False
    start_date: date | None = None
    """The calendar date, for all-day occurrences only."""
    end_date: date | None = None
    """Exclusive end date, for all-day occurrences only."""
    recurrence_id: datetime | date | None = None
    """Original start of a recurring instance (UTC, or a date for all-day); None for one-offs."""
    tz: str = "utc"
    """How the start's zone was resolved: utc, vtimezone, iana:<zone>, windows:<zone>, floating…"""
    zone: tzinfo | None = None
    """The zone the event was written in (None: floating or all-day): the organiser's time."""
    orphan: str | None = None
    """For an override no series instance matches: ``no-master`` or ``rid-not-in-series``."""
    range: str | None = None
    """``THISANDFUTURE`` on instances moved by such an override."""
    calendars: tuple[str, ...] = field(default=())
    """Every calendar this same meeting (UID + RECURRENCE-ID) appears in, when more than one."""

    @property
    def uid(self) -> str | None:
        return self.event.uid

    @property
    def summary(self) -> str:
        return self.event.summary

    @property
    def status(self) -> str | None:
        return self.event.status

    @property
    def calendar(self) -> str:
        return self.event.calendar

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def identity(self) -> tuple[str | None, str]:
        """(UID, RECURRENCE-ID or start) — the same meeting wherever it appears."""
        return self.event.uid, recurrence_key(self)


def recurrence_key(occ: Occurrence) -> str:
    """The instance part of a meeting's identity: RECURRENCE-ID as text, "" for a one-off."""
    rid = occ.recurrence_id
    if isinstance(rid, datetime):
        return format_utc(rid)
    if isinstance(rid, date):
        return rid.isoformat()
    return ""


def format_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if moment.year < 1000:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # unpadded years, as it always was
    # Formatted by hand: strftime is the slow part of storing 100,000 occurrences.
    return (
        f"{moment.year}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )
