"""A meeting's identity, as user data, problems and the briefing name it: one type, one text.

A meeting is its UID plus, for one instance of a recurring series, its RECURRENCE-ID in
the engine's text form (:func:`~daybrief.core.model.recurrence_key`). The text form is
``UID`` for a series or a one-off and ``UID + "\\x1f" + RECURRENCE-ID`` for an instance;
the store and backup files keep it, so it never changes. RFC 5545 forbids control
characters in TEXT values, so no UID holds the separator and the text splits back
unambiguously.
"""

from __future__ import annotations

from dataclasses import dataclass

from daybrief.core.errors import DaybriefError
from daybrief.core.model import Occurrence, format_utc, recurrence_key

KEY_SEPARATOR = "\x1f"


class InvalidMeetingKey(DaybriefError, ValueError):
    """A meeting identity that cannot carry user data (no UID, or a control character)."""


@dataclass(frozen=True, slots=True, order=True)
class MeetingKey:
    """UID and RECURRENCE-ID ('' for a series or a one-off) of one meeting."""

    uid: str
    recurrence_id: str = ""

    def __post_init__(self) -> None:
        if not self.uid:
            raise InvalidMeetingKey(
                "a meeting without a UID cannot carry user data (no stable identity)"
            )
        if KEY_SEPARATOR in self.uid or KEY_SEPARATOR in self.recurrence_id:
            raise InvalidMeetingKey(
                f"control character in a meeting identity: {self.uid!r} {self.recurrence_id!r}"
            )

    @property
    def text(self) -> str:
        """The stored form (see the module docstring)."""
        rid = self.recurrence_id
        return f"{self.uid}{KEY_SEPARATOR}{rid}" if rid else self.uid

    @property
    def series(self) -> MeetingKey:
        """The key of the whole series (data about every instance hangs here)."""
        return MeetingKey(self.uid)

    def __str__(self) -> str:
        return self.text

    @classmethod
    def parse(cls, text: str) -> MeetingKey:
        uid, _, rid = text.partition(KEY_SEPARATOR)
        if not uid:
            raise InvalidMeetingKey(f"not a meeting key: {text!r}")
        return cls(uid, rid)

    @classmethod
    def of(cls, occurrence: Occurrence) -> MeetingKey | None:
        """The key of this instance; None when it has no usable UID."""
        uid = occurrence.event.uid
        if not uid:
            return None
        try:
            return cls(uid, recurrence_key(occurrence))
        except InvalidMeetingKey:
            return None


def meeting_key(uid: str, recurrence_id: str = "") -> str:
    """The stored text of a meeting's key.

    Raises:
        InvalidMeetingKey: no UID, or a control character in it.
    """
    return MeetingKey(uid, recurrence_id).text


def split_meeting_key(text: str) -> tuple[str, str]:
    """(UID, RECURRENCE-ID or '') of a stored key."""
    key = MeetingKey.parse(text)
    return key.uid, key.recurrence_id


def key_of(occurrence: Occurrence) -> str | None:
    """The stored key of this meeting instance; None without a usable UID."""
    key = MeetingKey.of(occurrence)
    return None if key is None else key.text


def ref_of(occurrence: Occurrence) -> str:
    """A name for any occurrence: its key, or for a meeting without a UID one made of its
    calendar and start. That one starts with the separator, so it never equals a key."""
    key = key_of(occurrence)
    if key is not None:
        return key
    return f"{KEY_SEPARATOR}{occurrence.calendar}{KEY_SEPARATOR}{format_utc(occurrence.start)}"
