"""Clients as the whole app sees them: one directory from the user, the store and the PSL.

Who is a client (docs/semantics.md): people at a domain that is neither the user's own nor
a free-mail provider. Subdomains fold to the registrable domain by the Public Suffix List (the
``publicsuffixlist`` package, which bundles the list and is kept current); the user's
names, merges and splits are the store's clients table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from daybrief.core import settings as declared
from daybrief.core.clients import ClientDirectory
from daybrief.core.clock import FixedClock
from daybrief.core.confirmation import identity
from daybrief.core.keys import key_of
from daybrief.core.keys import ref_of as meeting_ref
from daybrief.core.model import Occurrence
from daybrief.core.roles import is_mine
from daybrief.services.domains import load_freemail_domains, registrable
from daybrief.services.preferences import Preferences, zone_label
from daybrief.services.queries import demo_showing, occurrences_in_store, saved_identity
from daybrief.services.review import review
from daybrief.services.settings import read
from daybrief.store.checklists import Checklists
from daybrief.store.clients import Clients
from daybrief.store.db import Store
from daybrief.store.followups import FollowUps
from daybrief.store.models import FollowUp
from daybrief.store.notes import Notes


def client_directory(store: Store, me: Iterable[str] | None = None) -> ClientDirectory:
    """The directory for this store: the user's addresses, their names for clients."""
    addresses = list(saved_identity(store) if me is None else me)
    clients = Clients(store).all()
    names = {domain: client.name for client in clients for domain in client.domains}
    own = () if demo_showing(store) else read(store, declared.OWN_DOMAINS)
    return ClientDirectory.for_user(
        addresses,
        load_freemail_domains(),
        names,
        list(own),
        registrable=registrable,
    )


# Inside the store's materialised window (30 days back, 180 ahead, from the last import),
# whatever the user's zone: outside it the calendars would be read and expanded again.
PAST_DAYS = 28
AHEAD_DAYS = 60


@dataclass(frozen=True)
class ClientMeeting:
    occurrence: Occurrence
    key: str | None
    start: datetime
    """In the user's zone."""
    open_items: tuple[str, ...] = ()
    """Required checklist items not done (upcoming meetings)."""
    note: str = ""


@dataclass(frozen=True)
class ClientSummary:
    name: str
    domains: tuple[str, ...]
    client_id: int | None
    """The store's client, when the user named, merged or gave it a follow-up."""
    upcoming: tuple[ClientMeeting, ...]
    past: tuple[ClientMeeting, ...]
    follow_ups: tuple[FollowUp, ...]
    problems: int
    """Open problems (the review model's) that involve its upcoming meetings, within the
    hygiene horizon; a double-booking between two of its meetings counts once."""

    @property
    def next_meeting(self) -> ClientMeeting | None:
        return self.upcoming[0] if self.upcoming else None


def clients_overview(store: Store, preferences: Preferences, now: datetime) -> list[ClientSummary]:
    """Every client met in the last month or the next two, by next meeting (then name)."""
    zone = preferences.zone()
    today = now.astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=PAST_DAYS), time(), zone)
    end = datetime.combine(today + timedelta(days=AHEAD_DAYS), time(), zone)
    me = identity(preferences.addresses)
    # A colleague's meeting with a client, seen in a team calendar, is not the user's
    # meeting with that client (core.roles): only the user's own are listed.
    occurrences = [
        o
        for o in occurrences_in_store(store, start, end, zone, zone_label(zone))
        if o.event.status != "CANCELLED" and is_mine(o, me)
    ]
    directory = client_directory(store, preferences.addresses)
    # The review model's open problems over the hygiene horizon, as the Hygiene page has them.
    ahead = review(store, zone, FixedClock(now), first=today, days=preferences.hygiene_days, me=me)
    problems_of: dict[str, set[str]] = {}
    for problem in ahead.open:
        for ref in problem.refs:
            problems_of.setdefault(ref, set()).add(problem.id)
    stored = {client.name: client for client in Clients(store).all()}
    by_name: dict[str, list[Occurrence]] = {}
    counted: set[tuple[str, int]] = set()
    domains: dict[str, set[str]] = {}
    for occurrence in occurrences:
        event = occurrence.event
        for address in [event.organizer or "", *(a.email for a in event.attendees)]:
            name = directory.client_of(address) if address else None
            if name is None:
                continue
            domain = directory.domain_of_client(address)
            if domain:
                domains.setdefault(name, set()).add(domain)
            meetings = by_name.setdefault(name, [])
            if (name, id(occurrence)) not in counted:  # identity: equality is costly here
                counted.add((name, id(occurrence)))
                meetings.append(occurrence)
    follow_ups = FollowUps(store).query(include_undated=True)
    open_by_client: dict[int, list[FollowUp]] = {}
    for item in follow_ups:
        if item.client_id is not None:
            open_by_client.setdefault(item.client_id, []).append(item)
    for name, known in stored.items():  # a client with follow-ups but no meetings shows too
        if open_by_client.get(known.id):
            by_name.setdefault(name, [])
    checklists = Checklists(store)
    notes = Notes(store)
    summaries = []
    for name, meetings in by_name.items():
        client = stored.get(name)
        upcoming, past = [], []
        for occurrence in sorted(meetings, key=lambda o: o.start):
            key = key_of(occurrence)
            local = occurrence.start.astimezone(zone)
            if occurrence.end >= now:
                items = checklists.items(key) if key else []
                upcoming.append(
                    ClientMeeting(
                        occurrence,
                        key,
                        local,
                        tuple(i.text for i in items if i.required and not i.done),
                    )
                )
            else:
                note = notes.get(key) if key else None
                past.append(ClientMeeting(occurrence, key, local, note=note.text if note else ""))
        summaries.append(
            ClientSummary(
                name=name,
                domains=tuple(
                    sorted(set(client.domains if client else ()) | domains.get(name, set()))
                ),
                client_id=client.id if client else None,
                upcoming=tuple(upcoming),
                past=tuple(reversed(past)),
                follow_ups=tuple(open_by_client.get(client.id, [])) if client else (),
                problems=len(
                    {
                        problem
                        for m in upcoming
                        for problem in problems_of.get(meeting_ref(m.occurrence), ())
                    }
                ),
            )
        )
    summaries.sort(
        key=lambda s: (
            s.next_meeting is None,
            s.next_meeting.start if s.next_meeting else now,
            s.name,
        )
    )
    return summaries


def rename_client(store: Store, summary: ClientSummary, name: str) -> int:
    """Give a client the user's name (making it a stored client if it was only derived)."""
    clients = Clients(store)
    with store.transaction():
        if summary.client_id is not None:
            return clients.rename(summary.client_id, name).id
        client = clients.create(name, list(summary.domains))
        return client.id


def merge_clients(store: Store, source: ClientSummary, into: ClientSummary) -> int:
    """``source``'s domains (and follow-ups) become ``into``'s: acme.com + acme.co.uk → Acme."""
    clients = Clients(store)
    with store.transaction():
        target = into.client_id
        if target is None:
            target = clients.create(into.name, list(into.domains)).id
        if source.client_id is not None:
            return clients.merge(source.client_id, target).id
        for domain in source.domains:
            clients.assign_domain(domain, target)
        return target


def split_client(store: Store, summary: ClientSummary, domain: str, name: str) -> int:
    """Take ``domain`` out of a (merged) client into a new client called ``name``."""
    clients = Clients(store)
    with store.transaction():
        if summary.client_id is None:
            clients.create(summary.name, [d for d in summary.domains if d != domain])
        new = clients.create(name)
        clients.assign_domain(domain, new.id)
        return new.id
