"""Client names by email domain, renamed and merged by the user (acme.com + acme.co.uk)."""

from __future__ import annotations

import sqlite3

from daybrief.store._rows import need, ts
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.models import Client, RuleKind


def normalise_domain(domain: str) -> str:
    cleaned = domain.strip().lower().removeprefix("@").rstrip(".")
    if not cleaned or "@" in cleaned or " " in cleaned:
        raise StoreError(f"not an email domain: {domain!r}")
    return cleaned


class Clients:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, client_id: int) -> Client:
        row = need(
            self._store.query_one("SELECT * FROM clients WHERE id = ?", (client_id,)),
            f"client {client_id}",
        )
        return self._client(row)

    def all(self) -> list[Client]:
        rows = self._store.query("SELECT * FROM clients ORDER BY name COLLATE NOCASE, id")
        return [self._client(row) for row in rows]

    def for_domain(self, domain: str) -> Client | None:
        row = self._store.query_one(
            "SELECT client_id FROM client_domains WHERE domain = ?", (normalise_domain(domain),)
        )
        return None if row is None else self.get(row[0])

    def create(self, name: str, domains: tuple[str, ...] | list[str] = ()) -> Client:
        """A client with these domains (taken from any client that had them)."""
        with self._store.transaction():
            now = self._store.now()
            cursor = self._store.execute(
                "INSERT INTO clients (name, created_at, updated_at) VALUES (?, ?, ?)",
                (self._name(name), now, now),
            )
            client_id = int(cursor.lastrowid or 0)
            for domain in domains:
                self._assign(domain, client_id)
            return self.get(client_id)

    def ensure_for_domain(self, domain: str, name: str | None = None) -> Client:
        """The domain's client, creating one named ``name`` (default: the domain) if none."""
        with self._store.transaction():
            existing = self.for_domain(domain)
            if existing is not None:
                return existing
            return self.create(name or normalise_domain(domain), [domain])

    def rename(self, client_id: int, name: str) -> Client:
        with self._store.transaction():
            if self.get(client_id).name != name:
                self._store.execute(
                    "UPDATE clients SET name = ?, updated_at = ? WHERE id = ?",
                    (self._name(name), self._store.now(), client_id),
                )
            return self.get(client_id)

    def assign_domain(self, domain: str, client_id: int) -> Client:
        """Attach a domain to a client, moving it from another client if it had it."""
        with self._store.transaction():
            self.get(client_id)
            self._assign(domain, client_id)
            return self.get(client_id)

    def remove_domain(self, domain: str) -> None:
        with self._store.transaction():
            self._store.execute(
                "DELETE FROM client_domains WHERE domain = ?", (normalise_domain(domain),)
            )

    def merge(self, source_id: int, into_id: int) -> Client:
        """Fold ``source`` into ``into``: its domains, follow-ups and rules move; it goes."""
        if source_id == into_id:
            return self.get(into_id)
        with self._store.transaction():
            self.get(source_id)
            self.get(into_id)
            now = self._store.now()
            self._store.execute(
                "UPDATE client_domains SET client_id = ?, updated_at = ? WHERE client_id = ?",
                (into_id, now, source_id),
            )
            self._store.execute(
                "UPDATE follow_ups SET client_id = ?, updated_at = ? WHERE client_id = ?",
                (into_id, now, source_id),
            )
            self._store.execute(
                "UPDATE rules SET value = ?, updated_at = ? WHERE kind = ? AND value = ?",
                (str(into_id), now, RuleKind.CLIENT.value, str(source_id)),
            )
            self._store.execute("DELETE FROM clients WHERE id = ?", (source_id,))
            self._store.execute("UPDATE clients SET updated_at = ? WHERE id = ?", (now, into_id))
            return self.get(into_id)

    def delete(self, client_id: int) -> None:
        """Delete a client nothing refers to any more; otherwise refuse (merge it instead)."""
        with self._store.transaction():
            uses = self._store.query_one(
                "SELECT (SELECT count(*) FROM follow_ups WHERE client_id = :id),"
                " (SELECT count(*) FROM rules WHERE kind = 'client' AND value = :v)",
                {"id": client_id, "v": str(client_id)},
            )
            if uses is not None and (uses[0] or uses[1]):
                raise StoreError(
                    f"client {client_id} still has {uses[0]} follow-ups and {uses[1]} rules; "
                    "merge it into another client instead"
                )
            self._store.execute("DELETE FROM client_domains WHERE client_id = ?", (client_id,))
            self._store.execute("DELETE FROM clients WHERE id = ?", (client_id,))

    def _assign(self, domain: str, client_id: int) -> None:
        now = self._store.now()
        self._store.execute(
            "INSERT INTO client_domains (domain, client_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (domain) DO UPDATE SET"
            " client_id = excluded.client_id, updated_at = excluded.updated_at"
            " WHERE client_id <> excluded.client_id",
            (normalise_domain(domain), client_id, now, now),
        )

    @staticmethod
    def _name(name: str) -> str:
        if not name.strip():
            raise StoreError("a client needs a name")
        return name.strip()

    def _client(self, row: sqlite3.Row) -> Client:
        domains = self._store.query(
            "SELECT domain FROM client_domains WHERE client_id = ? ORDER BY domain", (row["id"],)
        )
        return Client(
            id=row["id"],
            name=row["name"],
            domains=tuple(d[0] for d in domains),
            created_at=ts(row["created_at"]),
            updated_at=ts(row["updated_at"]),
        )
