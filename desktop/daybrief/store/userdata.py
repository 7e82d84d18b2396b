"""All the user-data repositories of one store, for the UI and services to hold."""

from __future__ import annotations

from dataclasses import dataclass

from daybrief.store.acks import ProblemAcks
from daybrief.store.checklists import Checklists
from daybrief.store.clients import Clients
from daybrief.store.db import Store
from daybrief.store.followups import FollowUps
from daybrief.store.meetings import Meetings
from daybrief.store.notes import Goals, Notes
from daybrief.store.settings import Reminders, Settings
from daybrief.store.templates import Rules, Templates


@dataclass(frozen=True, slots=True)
class UserData:
    """Every public write commits before it returns (docs/semantics.md: every edit is saved).

    Inside ``store.transaction()`` writes join that transaction instead, for the rare caller
    that needs several edits to land together.
    """

    store: Store
    meetings: Meetings
    checklists: Checklists
    templates: Templates
    rules: Rules
    follow_ups: FollowUps
    notes: Notes
    goals: Goals
    clients: Clients
    settings: Settings
    reminders: Reminders
    acks: ProblemAcks

    @classmethod
    def of(cls, store: Store) -> UserData:
        return cls(
            store=store,
            meetings=Meetings(store),
            checklists=Checklists(store),
            templates=Templates(store),
            rules=Rules(store),
            follow_ups=FollowUps(store),
            notes=Notes(store),
            goals=Goals(store),
            clients=Clients(store),
            settings=Settings(store),
            reminders=Reminders(store),
            acks=ProblemAcks(store),
        )
