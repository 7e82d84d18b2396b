"""Briefing looks: the day's meetings as last shown, replaced on each look, pruned with age."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from daybrief.core.briefing import SeenMeeting
from daybrief.store import Store, export_user_data
from daybrief.store.briefings import KEEP_DAYS, BriefingLooks

DAY = date(2026, 11, 24)
AT = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def seen(ref: str, hour: int, *, unconfirmed: bool = False) -> SeenMeeting:
    start = datetime(2026, 11, 24, hour, tzinfo=UTC)
    return SeenMeeting(ref, f"Meeting {ref}", start, start + timedelta(hours=1), unconfirmed)


def test_a_day_never_looked_at_has_no_last_look(store: Store) -> None:
    assert BriefingLooks(store).last(DAY) is None


def test_an_empty_day_looked_at_is_not_never_looked_at(store: Store) -> None:
    BriefingLooks(store).remember(DAY, AT, [])
    look = BriefingLooks(store).last(DAY)
    assert look is not None and look.meetings == () and look.seen_at == AT


def test_each_look_replaces_the_last(store: Store) -> None:
    looks = BriefingLooks(store)
    looks.remember(DAY, AT, [seen("a", 9), seen("b", 10, unconfirmed=True)])
    later = AT + timedelta(hours=14)
    looks.remember(DAY, later, [seen("b", 11)])
    look = looks.last(DAY)
    assert look is not None
    assert look.seen_at == later
    assert look.meetings == (seen("b", 11),)


def test_old_days_are_pruned_and_looks_are_not_user_data(store: Store) -> None:
    looks = BriefingLooks(store)
    old = DAY - timedelta(days=KEEP_DAYS + 1)
    looks.remember(old, AT, [seen("a", 9)])
    before = export_user_data(store)
    looks.remember(DAY, AT, [seen("a", 9)])
    assert looks.last(old) is None
    assert looks.last(DAY) is not None
    assert export_user_data(store) == before
