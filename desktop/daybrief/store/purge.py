"""Deleting user data on purpose, in one transaction: what the demo left behind.

Nothing else in the store deletes meetings (user data points at them); this is for data
that was never the user's. The caller says which meetings and clients; this module only
knows the tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass

from daybrief.store.db import Store


@dataclass(frozen=True, slots=True)
class Purged:
    meetings: int = 0
    checklist_items: int = 0
    follow_ups: int = 0
    goals: int = 0
    clients: int = 0
    acknowledgements: int = 0


def _count(store: Store, sql: str, values: tuple[object, ...]) -> int:
    return int(store.execute(sql, values).rowcount)


def purge(
    store: Store,
    *,
    meeting: Callable[[str], bool],
    client_domains: Collection[str],
    follow_up_texts: Collection[str],
    goal_texts: Collection[str],
) -> Purged:
    """Delete the meetings whose UID ``meeting`` picks and everything on them (checklist
    items, notes, follow-ups, template applications, dismissals, acknowledgements naming
    them), the clients whose domains are all among ``client_domains`` with their
    follow-ups and rules, and the follow-ups and goals with exactly these texts."""
    with store.transaction():
        keys = [
            str(row["meeting_key"])
            for row in store.query("SELECT meeting_key, uid FROM meetings")
            if meeting(str(row["uid"]))
        ]
        items = follow_ups = goals = clients = acks = 0
        for key in keys:
            items += _count(store, "DELETE FROM checklist_items WHERE meeting_key = ?", (key,))
            follow_ups += _count(
                store, "DELETE FROM follow_ups WHERE meeting_key = ? OR due_before = ?", (key, key)
            )
            for table in ("notes", "template_applications", "dismissed_orphans"):
                store.execute(f"DELETE FROM {table} WHERE meeting_key = ?", (key,))
            store.execute("DELETE FROM briefing_seen WHERE meeting_ref = ?", (key,))
            store.execute("DELETE FROM meetings WHERE meeting_key = ?", (key,))
        gone = set(keys)
        for row in store.query("SELECT problem_key, facts FROM problem_acks"):
            if _names_any(str(row["problem_key"]), gone) or _about_any(str(row["facts"]), gone):
                acks += _count(
                    store, "DELETE FROM problem_acks WHERE problem_key = ?", (row["problem_key"],)
                )
        for client_id in _clients_within(store, {d.lower() for d in client_domains}):
            follow_ups += _count(store, "DELETE FROM follow_ups WHERE client_id = ?", (client_id,))
            store.execute(
                "DELETE FROM rules WHERE kind = 'client' AND value = ?", (str(client_id),)
            )
            store.execute("DELETE FROM client_domains WHERE client_id = ?", (client_id,))
            clients += _count(store, "DELETE FROM clients WHERE id = ?", (client_id,))
        for text in follow_up_texts:
            follow_ups += _count(store, "DELETE FROM follow_ups WHERE text = ?", (text,))
        for text in goal_texts:
            goals += _count(store, "DELETE FROM goals WHERE text = ?", (text,))
    return Purged(len(keys), items, follow_ups, goals, clients, acks)


def _names_any(problem_key: str, keys: set[str]) -> bool:
    """Whether an acknowledgement's key (a JSON array of parts) names one of ``keys``."""
    try:
        parts = json.loads(problem_key)
    except ValueError:
        return problem_key in keys
    return isinstance(parts, list) and any(part in keys for part in parts if isinstance(part, str))


def _about_any(facts: str, keys: set[str]) -> bool:
    """Whether a problem state's facts (JSON list; a meeting's fact is ``key@start/end``)
    are about one of ``keys``."""
    try:
        values = json.loads(facts)
    except ValueError:
        return False
    if not isinstance(values, list):
        return False
    return any(isinstance(fact, str) and fact.rpartition("@")[0] in keys for fact in values)


def _clients_within(store: Store, domains: set[str]) -> list[int]:
    by_client: dict[int, set[str]] = {}
    for row in store.query("SELECT client_id, domain FROM client_domains"):
        by_client.setdefault(int(row["client_id"]), set()).add(str(row["domain"]))
    return sorted(cid for cid, owned in by_client.items() if owned and owned <= domains)
