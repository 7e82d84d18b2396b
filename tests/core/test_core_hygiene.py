"""Problem keys: stable, order-free, and new when a clash moves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from daybrief.core.hygiene import conflict_key, problem_meetings, unconfirmed_key

A = "qbr@acme.example"
B = "standup@agency.example\x1f2026-11-24T08:00:00Z"
T = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
H = timedelta(minutes=30)


def test_conflict_key_ignores_the_order_of_the_meetings() -> None:
    assert conflict_key(A, B, T, T + H) == conflict_key(B, A, T, T + H)


def test_conflict_key_is_in_utc_whatever_the_zone() -> None:
    berlin_summer = timezone(timedelta(hours=2))
    assert conflict_key(A, B, T.astimezone(berlin_summer), T + H) == conflict_key(A, B, T, T + H)


def test_a_moved_clash_is_a_new_problem() -> None:
    assert conflict_key(A, B, T, T + H) != conflict_key(A, B, T + H, T + 2 * H)
    assert conflict_key(A, B, T, T + H) != conflict_key(A, B, T, T + 2 * H)


def test_unconfirmed_key_is_per_reason() -> None:
    assert unconfirmed_key(A, "needs-action") == unconfirmed_key(A, "needs-action")
    assert unconfirmed_key(A, "needs-action") != unconfirmed_key(A, "tentative")
    assert unconfirmed_key(A, "needs-action") != unconfirmed_key(B, "needs-action")


def test_keys_are_readable_json_naming_their_meetings() -> None:
    key = conflict_key(A, B, T, T + H)
    assert json.loads(key) == ["conflict", A, B, "2026-11-24T09:00:00Z", "2026-11-24T09:30:00Z"]
    assert problem_meetings(key) == (A, B)
    assert problem_meetings(unconfirmed_key(B, "waiting-on")) == (B,)
    assert problem_meetings("not json") == ()
    assert problem_meetings('["something", "newer"]') == ()
