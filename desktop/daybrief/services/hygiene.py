"""The hygiene panel's memory: which double-bookings and unconfirmed meetings the user
marked "handled" or "ignore this one", so they stay out of the way.

Problem keys are in ``daybrief.core.hygiene`` (what an acknowledgement covers is
documented there); this module ties them to the engine's findings and to the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from daybrief.core.confirmation import Unconfirmed
from daybrief.core.conflicts import Conflict
from daybrief.core.hygiene import conflict_key, unconfirmed_key
from daybrief.core.keys import key_of as instance_key
from daybrief.store.acks import ProblemAcks
from daybrief.store.db import Store
from daybrief.store.models import AckState, ProblemAck


def conflict_problem_key(conflict: Conflict) -> str | None:
    """The key of a double-booking; None when a meeting has no UID (nothing stable to name)."""
    a, b = instance_key(conflict.a), instance_key(conflict.b)
    if a is None or b is None:
        return None
    return conflict_key(a, b, conflict.overlap_start, conflict.overlap_end)


def unconfirmed_problem_key(item: Unconfirmed) -> str | None:
    key = instance_key(item.occurrence)
    return None if key is None else unconfirmed_key(key, item.reason)


def acknowledge(store: Store, problem_key: str, state: AckState | str) -> ProblemAck:
    """Remember "handled" or "ignored" for the problem; committed at once."""
    return ProblemAcks(store).set(problem_key, state)


def unacknowledge(store: Store, problem_key: str) -> None:
    """Show the problem again (the undo of :func:`acknowledge`)."""
    ProblemAcks(store).clear(problem_key)


def acknowledged(store: Store) -> dict[str, AckState]:
    return ProblemAcks(store).states()


def open_problems(
    store: Store, conflicts: Sequence[Conflict], unconfirmed: Sequence[Unconfirmed]
) -> tuple[list[Conflict], list[Unconfirmed]]:
    """The problems the user has not acknowledged, in their given order."""
    states = acknowledged(store)
    return (
        [c for c in conflicts if conflict_problem_key(c) not in states],
        [u for u in unconfirmed if unconfirmed_problem_key(u) not in states],
    )


def problem_states(store: Store) -> dict[str, str]:
    """Every acknowledged problem key and its state (``handled`` or ``ignored``)."""
    return {key: state.value for key, state in acknowledged(store).items()}


def set_problem_state(store: Store, problem_key: str, state: str) -> None:
    """``handled``/``ignored``; an empty state reopens the problem."""
    if state:
        acknowledge(store, problem_key, AckState(state))
    else:
        unacknowledge(store, problem_key)
