"""Small helpers the engine tests share: aware UTC times and picking occurrences by UID."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from daybrief.core.model import Occurrence


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def by_uid(occurrences: Iterable[Occurrence], uid: str) -> list[Occurrence]:
    return [o for o in occurrences if o.uid == uid]


def one(occurrences: Iterable[Occurrence], uid: str) -> Occurrence:
    found = by_uid(occurrences, uid)
    assert len(found) == 1, f"{uid}: {len(found)} occurrences"
    return found[0]
