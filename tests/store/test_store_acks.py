"""Problem acknowledgements: set, change, clear, list; every call commits."""

from __future__ import annotations

from pathlib import Path

import pytest

from daybrief.core.review import ProblemKind, problem_id
from daybrief.store import StoreError, UserData, open_store
from daybrief.store.models import AckState

KEY = problem_id(ProblemKind.UNCONFIRMED, ["qbr@acme.example"])
OTHER = problem_id(ProblemKind.UNCONFIRMED, ["lunch@globex.example"])


def test_set_change_and_clear(ud: UserData) -> None:
    first = ud.acks.set(KEY, AckState.HANDLED)
    assert first.state is AckState.HANDLED
    assert ud.acks.set(KEY, "handled") == first  # the same again changes nothing
    changed = ud.acks.set(KEY, "ignored")
    assert changed.state is AckState.IGNORED
    assert changed.created_at == first.created_at
    assert changed.updated_at > first.updated_at
    ud.acks.set(OTHER, AckState.IGNORED)
    assert ud.acks.states() == {KEY: AckState.IGNORED, OTHER: AckState.IGNORED}
    assert ud.acks.states([KEY, "never"]) == {KEY: AckState.IGNORED}
    ud.acks.clear(KEY)
    ud.acks.clear(KEY)  # clearing twice is fine
    assert ud.acks.get(KEY) is None
    assert [a.problem_key for a in ud.acks.all()] == [OTHER]


def test_facts_are_kept_and_changing_them_updates_the_row(ud: UserData) -> None:
    first = ud.acks.set(KEY, AckState.HANDLED, ["b", "a", "a"])
    assert first.facts == frozenset({"a", "b"})
    again = ud.acks.set(KEY, AckState.HANDLED, ["a", "b"])
    assert again == first
    moved = ud.acks.set(KEY, AckState.HANDLED, ["a", "c"])
    assert moved.facts == frozenset({"a", "c"}) and moved.updated_at > first.updated_at


def test_bad_state_or_key_is_refused(ud: UserData) -> None:
    with pytest.raises(ValueError):
        ud.acks.set(KEY, "snoozed")
    with pytest.raises(StoreError):
        ud.acks.set("", AckState.HANDLED)


def test_acks_are_committed_when_set(ud: UserData, store_file: Path) -> None:
    ud.acks.set(KEY, AckState.HANDLED)
    with open_store(store_file) as other:
        assert UserData.of(other).acks.states() == {KEY: AckState.HANDLED}
