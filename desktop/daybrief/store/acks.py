"""What the user said about hygiene problems: "handled" or "ignore this one", by problem key."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from daybrief.store._rows import need, ts
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.models import AckState, ProblemAck


def _ack(row: sqlite3.Row) -> ProblemAck:
    return ProblemAck(
        problem_key=row["problem_key"],
        state=AckState(row["state"]),
        facts=_facts(row["facts"]),
        created_at=ts(row["created_at"]),
        updated_at=ts(row["updated_at"]),
    )


def _facts(text: str) -> frozenset[str]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


class ProblemAcks:
    """Keys come from ``daybrief.core.hygiene``; this repository does not read them."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def set(self, problem_key: str, state: AckState | str, facts: Iterable[str] = ()) -> ProblemAck:
        """Remember the state, and the facts the problem was about when it was set."""
        state = AckState(state)
        if not problem_key:
            raise StoreError("a problem acknowledgement needs a problem key")
        facts_text = json.dumps(sorted(set(facts)), ensure_ascii=False)
        with self._store.transaction():
            now = self._store.now()
            self._store.execute(
                "INSERT INTO problem_acks (problem_key, state, facts, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (problem_key) DO UPDATE SET"
                " state = excluded.state, facts = excluded.facts,"
                " updated_at = excluded.updated_at"
                " WHERE state <> excluded.state OR facts <> excluded.facts",
                (problem_key, state.value, facts_text, now, now),
            )
            return _ack(
                need(
                    self._store.query_one(
                        "SELECT * FROM problem_acks WHERE problem_key = ?", (problem_key,)
                    ),
                    f"acknowledgement {problem_key!r}",
                )
            )

    def clear(self, problem_key: str) -> None:
        """Forget the acknowledgement: the problem shows again (the undo of :meth:`set`)."""
        with self._store.transaction():
            self._store.execute("DELETE FROM problem_acks WHERE problem_key = ?", (problem_key,))

    def get(self, problem_key: str) -> ProblemAck | None:
        row = self._store.query_one(
            "SELECT * FROM problem_acks WHERE problem_key = ?", (problem_key,)
        )
        return None if row is None else _ack(row)

    def all(self) -> list[ProblemAck]:
        rows = self._store.query("SELECT * FROM problem_acks ORDER BY problem_key")
        return [_ack(row) for row in rows]

    def states(self, problem_keys: Iterable[str] | None = None) -> dict[str, AckState]:
        """State by key, for the keys given (all when None); keys never acked are absent."""
        if problem_keys is None:
            return {ack.problem_key: ack.state for ack in self.all()}
        found: dict[str, AckState] = {}
        for key in set(problem_keys):
            ack = self.get(key)
            if ack is not None:
                found[key] = ack.state
        return found
