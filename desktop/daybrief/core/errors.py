"""Errors and warnings that carry their evidence (file, line, reason)."""

from __future__ import annotations

from dataclasses import dataclass


class DaybriefError(Exception):
    """Base of every error Daybrief raises on purpose."""


class InvalidCalendar(DaybriefError, ValueError):
    """A calendar that cannot be used at all (unreadable, or not iCalendar).

    A calendar with some broken events is *not* invalid: those events become
    :class:`ReadWarning` entries and the rest is kept.
    """

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class ReadWarning:
    """Something in a calendar that was skipped or guessed, as data rather than log noise."""

    source: str
    line: int | None
    uid: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        uid = f" [UID {self.uid}]" if self.uid else ""
        return f"{where}: {self.message}{uid}"
