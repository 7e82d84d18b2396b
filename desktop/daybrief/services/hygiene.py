"""What the user said about a hygiene problem: handled, or ignore this one (remembered)."""

from __future__ import annotations

from daybrief.store.db import Store
from daybrief.store.settings import Settings

_STATES = "hygiene_states"
STATES = ("handled", "ignored")


def problem_states(store: Store) -> dict[str, str]:
    value = Settings(store).get(_STATES, {})
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if v in STATES}


def set_problem_state(store: Store, problem_key: str, state: str) -> None:
    """``handled``/``ignored``; an empty state reopens the problem."""
    if state and state not in STATES:
        raise ValueError(f"unknown problem state {state!r}")
    with store.transaction():
        states: dict[str, object] = dict(problem_states(store))
        if state:
            states[problem_key] = state
        else:
            states.pop(problem_key, None)
        Settings(store).set(_STATES, states)  # type: ignore[arg-type]
