"""Rules at work: templates applied to the meetings they pick, after every import.

Per instance, not per series: a rule adds its template's items to each meeting instance
(UID + RECURRENCE-ID), because a checklist is about *this* meeting — "deck for THIS QBR"
is done for March and open again for June. The series key (the UID alone) stays free for
data about the series as a whole.

A template is applied to a meeting once (``template_applications``): the next import
neither doubles an item nor brings back one the user deleted. The price: items added to
a template later reach only meetings it had not been applied to yet.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from daybrief.core.checklists import (
    MeetingFacts,
    meeting_facts,
    own_domains,
    rule_matches,
)
from daybrief.core.confirmation import identity, user_partstat
from daybrief.core.keys import key_of
from daybrief.core.model import Occurrence
from daybrief.core.roles import is_mine
from daybrief.services.importer import default_window
from daybrief.services.queries import occurrences_in_store, saved_identity
from daybrief.store.clients import Clients
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.meetings import Meetings
from daybrief.store.models import Rule, RuleKind, Template
from daybrief.store.settings import Settings
from daybrief.store.templates import ItemSpec, Rules, Templates

FIRST_RUN_SETTING = "templates/first_run_seeded"
"""Set once the starter templates were offered, so deleting them sticks."""

TemplateItemSpec = ItemSpec

FIRST_RUN_TEMPLATES: tuple[
    tuple[str, tuple[TemplateItemSpec, ...], tuple[tuple[RuleKind, str], ...]], ...
] = (
    (
        "Client meeting",
        # Optional: every client meeting gets it, and a weekly sync should not nag.
        (("Agenda sent", False), ("Notes from last meeting reviewed", False)),
        ((RuleKind.EXTERNAL_ATTENDEES, ""),),
    ),
    (
        "Quarterly business review",
        # The agenda comes from "Client meeting": a QBR with clients gets it once, not twice.
        (("Deck ready", True), ("Usage report", True), ("Success metrics reviewed", False)),
        ((RuleKind.TITLE_KEYWORD, "QBR, quarterly business review"),),
    ),
    (
        "Renewal",
        (("Pricing approved", True), ("Contract draft ready", True)),
        ((RuleKind.TITLE_KEYWORD, "renewal"),),
    ),
)


@dataclass(frozen=True, slots=True)
class RulesSummary:
    """What one run of the rules did."""

    meetings: int = 0
    """Meetings that got at least one item."""
    items: int = 0
    applied: tuple[tuple[str, int], ...] = field(default=())
    """(meeting key, template id) applied for the first time in this run."""

    def text(self) -> str:
        return f"applied templates: {self.items} items on {self.meetings} meetings"


def seed_first_run_templates(store: Store) -> list[Template]:
    """Create the starter templates and their rules, once per store; returns those made.

    Not done when the store is opened: a fresh store must stay empty so a backup can be
    restored into it. The app calls this on the first import (see services/commands.py)
    and when the templates screen first opens. A template of the same name the user
    already has is left alone.
    """
    settings = Settings(store)
    templates = Templates(store)
    rules = Rules(store)
    made: list[Template] = []
    with store.transaction():
        if settings.get(FIRST_RUN_SETTING) is not None:
            return []
        for name, items, picks in FIRST_RUN_TEMPLATES:
            if templates.by_name(name) is not None:
                continue
            template = templates.create(name, items)
            for kind, value in picks:
                rules.add(kind, value, template.id)
            made.append(template)
        settings.set(FIRST_RUN_SETTING, True)
    return made


class ClientNames:
    """Client names of a meeting, by the app's one client directory (services/clients.py)."""

    def __init__(self, store: Store, me: Collection[str]) -> None:
        from daybrief.services.clients import client_directory

        self._directory = client_directory(store, me)

    def of(self, occurrence: Occurrence) -> frozenset[str]:
        event = occurrence.event
        return frozenset(self._directory.clients_of(event.attendees, event.organizer))


def _rule_value(rule: Rule, clients: Clients) -> str:
    """The value core matches on: a client rule names its client by id, core by name."""
    if rule.kind is RuleKind.CLIENT and rule.value.strip().isdigit():
        try:
            return clients.get(int(rule.value)).name
        except StoreError:
            return ""  # the client is gone: the rule picks nobody
    return rule.value


def apply_rules(
    store: Store, occurrences: Iterable[Occurrence], me: Collection[str]
) -> RulesSummary:
    """Apply every enabled rule's template to the meetings it picks, in one transaction.

    Cancelled meetings, meetings the user declined, meetings without a UID and context
    (core.roles: a colleague's meeting in a team calendar, a holiday) are left out. Pass
    the occurrences from now on: past meetings need no preparation.

    Args:
        store: the open store.
        occurrences: the meetings to consider (each meeting once, e.g. from
            :func:`~daybrief.services.queries.occurrences_in_store`).
        me: the user's addresses; they tell external attendees from colleagues.
    """
    rules = [rule for rule in Rules(store).all() if rule.enabled]
    if not rules:
        return RulesSummary()
    addresses = identity(me)
    mine = own_domains(addresses)
    templates = Templates(store)
    clients = Clients(store)
    names = ClientNames(store, addresses)
    values = {rule.id: _rule_value(rule, clients) for rule in rules}
    done = templates.applications()
    applied: list[tuple[str, int]] = []
    touched: set[str] = set()
    items = 0
    with store.transaction():
        for occurrence in occurrences:
            if occurrence.event.status == "CANCELLED" or not is_mine(occurrence, addresses):
                continue
            if addresses and user_partstat(occurrence, addresses) == "DECLINED":
                continue
            key = key_of(occurrence)
            if key is None:
                continue
            facts: MeetingFacts | None = None
            for rule in rules:
                if (key, rule.template_id) in done:
                    continue
                if facts is None:
                    facts = meeting_facts(occurrence, clients=names.of(occurrence), mine=mine)
                if not rule_matches(rule.kind.value, values[rule.id], facts):
                    continue
                added = templates.apply(key, rule.template_id)
                done.add((key, rule.template_id))
                applied.append((key, rule.template_id))
                if added:
                    items += len(added)
                    if key not in touched:
                        touched.add(key)
                        # The snapshot lets the items show as "no longer in your calendar"
                        # with the meeting's title if it later disappears.
                        Meetings(store).remember(
                            key,
                            summary=occurrence.summary,
                            start_utc=occurrence.start,
                            calendar=occurrence.calendar,
                        )
    return RulesSummary(meetings=len(touched), items=items, applied=tuple(applied))


def templates_and_rules(store: Store) -> tuple[list[Template], list[Rule]]:
    """Every template (by name) and rule (by id), for read-only views."""
    return Templates(store).all(), Rules(store).all()


def rule_target(store: Store, rule: Rule) -> str:
    """What a rule looks for, in words: the client's name for a client rule."""
    if rule.kind is RuleKind.CLIENT:
        name = _rule_value(rule, Clients(store))
        return name or f"(client {rule.value} is gone)"
    if rule.kind is RuleKind.RECURRING_SERIES and not rule.value.strip():
        return "(every recurring meeting)"
    return rule.value


def apply_rules_ahead(
    store: Store,
    *,
    user_zone: tzinfo,
    zone_name: str,
    now: datetime,
    me: Collection[str] | None = None,
) -> RulesSummary:
    """Seed the starter templates (once), then apply rules to meetings from now on.

    The horizon is the import window's end: every meeting the store has materialised.
    ``me`` defaults to the addresses saved as the user's.
    """
    seed_first_run_templates(store)
    end = default_window(now)[1]
    occurrences = occurrences_in_store(store, now, end, user_zone, zone_name)
    return apply_rules(store, occurrences, saved_identity(store) if me is None else me)
