"""The user's own edits, one entry each: checklists, follow-ups, notes, templates, rules.

The window's meeting detail, the follow-ups page and the templates dialog edit through
:class:`Edits`, never through the store's repositories; every edit is committed before it
returns. The plain data types they show are re-exported here, so the window needs nothing
from ``daybrief.store``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from daybrief.core.model import Occurrence
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.models import (
    ChecklistItem,
    Client,
    FollowUp,
    Rule,
    RuleKind,
    Template,
    TemplateItem,
)
from daybrief.store.userdata import UserData

__all__ = [
    "ChecklistItem",
    "Client",
    "Edits",
    "FollowUp",
    "Rule",
    "RuleKind",
    "StoreError",
    "Template",
    "TemplateItem",
]


class Edits:
    """Every edit of the user's own data in one store (a window holds one)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._data = UserData.of(store)

    # --- meetings ---

    def remember(self, key: str, occurrence: Occurrence) -> str:
        """Keep how the meeting looks, so its data can show it if it leaves the calendar."""
        self._data.meetings.remember(
            key,
            summary=occurrence.summary,
            start_utc=occurrence.start,
            calendar=occurrence.event.calendar,
        )
        return key

    def dismiss_meeting(self, key: str) -> None:
        """Hide a meeting that left the calendar; its data stays (and returns with it)."""
        self._data.meetings.dismiss(key)

    # --- checklists ---

    def checklist(self, key: str) -> list[ChecklistItem]:
        return self._data.checklists.items(key)

    def add_item(self, key: str, text: str, *, required: bool = False) -> ChecklistItem:
        return self._data.checklists.add(key, text, required=required)

    def set_item_done(self, item_id: int, done: bool) -> None:
        self._data.checklists.set_done(item_id, done)

    def set_item_required(self, item_id: int, required: bool) -> None:
        self._data.checklists.edit(item_id, required=required)

    def set_item_file_pattern(self, item_id: int, pattern: str | None) -> None:
        self._data.checklists.edit(item_id, file_pattern=pattern)

    def reorder_items(self, key: str, item_ids: Sequence[int]) -> None:
        self._data.checklists.reorder(key, item_ids)

    def delete_item(self, item_id: int) -> None:
        self._data.checklists.delete(item_id)

    def apply_template(self, key: str, template_id: int) -> list[ChecklistItem]:
        return self._data.templates.apply(key, template_id)

    # --- notes ---

    def note(self, key: str) -> str:
        note = self._data.notes.get(key)
        return note.text if note else ""

    def set_note(self, key: str, text: str) -> None:
        self._data.notes.set(key, text)

    # --- follow-ups and clients ---

    def clients(self) -> list[Client]:
        return self._data.clients.all()

    def client_for_domain(self, domain: str, name: str) -> int:
        """The client of ``domain`` (made, named ``name``, if there is none yet)."""
        return self._data.clients.ensure_for_domain(domain, name).id

    def follow_ups_of(self, key: str) -> list[FollowUp]:
        return [f for f in self._data.follow_ups.all() if f.meeting_key == key]

    def add_follow_up(
        self,
        text: str,
        *,
        due: date | None,
        client_id: int | None = None,
        meeting_key: str | None = None,
        due_before: str | None = None,
    ) -> FollowUp:
        return self._data.follow_ups.add(
            text, due=due, client_id=client_id, meeting_key=meeting_key, due_before=due_before
        )

    def set_follow_up_done(self, follow_up_id: int, done: bool) -> None:
        self._data.follow_ups.set_done(follow_up_id, done)

    def set_follow_up_due(self, item: FollowUp, due: date | None) -> None:
        """A new due date; one that followed a meeting stops following it."""
        if item.due_before:
            self._data.follow_ups.set_anchor(item.id, None, due)
        else:
            self._data.follow_ups.update(item.id, due=due)

    def delete_follow_up(self, follow_up_id: int) -> None:
        self._data.follow_ups.delete(follow_up_id)

    # --- templates and rules ---

    def templates(self) -> list[Template]:
        return self._data.templates.all()

    def template(self, template_id: int) -> Template:
        return self._data.templates.get(template_id)

    def create_template(self, name: str) -> Template:
        """Raises StoreError: the name is taken or empty."""
        return self._data.templates.create(name)

    def rename_template(self, template_id: int, name: str) -> None:
        """Raises StoreError: the name is taken or empty."""
        self._data.templates.rename(template_id, name)

    def delete_template(self, template_id: int) -> None:
        """The template and its rules; checklist items it already added stay."""
        with self.store.transaction():
            for rule in self._data.rules.all():
                if rule.template_id == template_id:
                    self._data.rules.delete(rule.id)
            self._data.templates.delete(template_id)

    def add_template_item(
        self, template_id: int, text: str, *, required: bool, file_pattern: str | None = None
    ) -> None:
        self._data.templates.add_item(
            template_id, text, required=required, file_pattern=file_pattern
        )

    def delete_template_item(self, item_id: int) -> None:
        self._data.templates.delete_item(item_id)

    def rules(self) -> list[Rule]:
        return self._data.rules.all()

    def add_rule(self, kind: RuleKind, value: str, template_id: int) -> Rule:
        return self._data.rules.add(kind, value, template_id)

    def delete_rule(self, rule_id: int) -> None:
        self._data.rules.delete(rule_id)
