"""Plain values the store hands out and takes: no Qt, no sqlite3 rows, frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

# A settings value: anything JSON can hold.
JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True, slots=True)
class MeetingSnapshot:
    """A meeting the user attached data to, as last seen in a calendar."""

    meeting_key: str
    uid: str
    recurrence_id: str
    """'' for a one-off or a whole series; else the RECURRENCE-ID as the engine formats it."""
    summary: str
    start_utc: datetime | None
    calendar: str
    created_at: datetime
    updated_at: datetime


class DoneBy(StrEnum):
    USER = "user"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: int
    meeting_key: str
    text: str
    required: bool
    done: bool
    position: int
    template_item_id: int | None
    """The template item it was made from; None when typed by hand (or that item is gone)."""
    created_at: datetime
    updated_at: datetime
    file_pattern: str | None = None
    """A file or folder whose fresh presence ticks the item (``~/Clients/{client}/*.pptx``)."""
    done_by: DoneBy | None = None
    """Who last set ``done``; None: nobody yet (or before Daybrief recorded it: the user)."""

    @property
    def auto_done(self) -> bool:
        """Ticked by a matching file, not by the user: only such ticks are ever taken back."""
        return self.done and self.done_by is DoneBy.FILE


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: int
    text: str
    due_date: date | None
    client_id: int | None
    meeting_key: str | None
    done: bool
    done_at: datetime | None
    created_at: datetime
    updated_at: datetime
    due_before: str | None = None
    """A meeting's key: due on that meeting's day, and following it when it moves."""
    ical_uid: str | None = None
    """The UID of the task (VTODO) it was imported from, if any."""
    notes: str = ""
    """More than the one line of ``text`` (a task's DESCRIPTION)."""


@dataclass(frozen=True, slots=True)
class Note:
    meeting_key: str
    text: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Goal:
    id: int
    day: date
    text: str
    done: bool
    position: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TemplateItem:
    id: int
    template_id: int
    text: str
    required: bool
    position: int
    created_at: datetime
    updated_at: datetime
    file_pattern: str | None = None
    """Copied to the checklist items made from this one."""


@dataclass(frozen=True, slots=True)
class Template:
    id: int
    name: str
    items: tuple[TemplateItem, ...]
    created_at: datetime
    updated_at: datetime


class RuleKind(StrEnum):
    TITLE_KEYWORD = "title_keyword"
    CLIENT = "client"
    EXTERNAL_ATTENDEES = "external_attendees"
    RECURRING_SERIES = "recurring_series"


@dataclass(frozen=True, slots=True)
class Rule:
    """Apply ``template_id`` to meetings matching ``kind``/``value``.

    ``value`` by kind: title_keyword → keywords, comma-separated, any of which matches
    (``"QBR, quarterly business review"``); client → the client's id as text;
    external_attendees → ''; recurring_series → a series UID, '' for every recurring meeting.
    Matching is ``daybrief.core.checklists.rule_matches``.
    """

    id: int
    kind: RuleKind
    value: str
    template_id: int
    enabled: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    name: str
    domains: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderState:
    reminder_key: str
    shown_at: datetime | None
    snoozed_until: datetime | None


class AckState(StrEnum):
    HANDLED = "handled"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class ProblemAck:
    """The user's word on one problem, by its id (``daybrief.core.review``)."""

    problem_key: str
    state: AckState
    created_at: datetime
    updated_at: datetime
    facts: frozenset[str] = frozenset()
    """What the problem was about when the state was set; something new reopens it."""
