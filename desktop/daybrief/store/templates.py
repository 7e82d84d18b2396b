"""Templates (named checklists), applying them to meetings, and the rules that pick them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from daybrief.store._rows import UNCHANGED, Unchanged, need, next_position, renumber, reorder, ts
from daybrief.store.checklists import checklist_item, clean_pattern, insert_item
from daybrief.store.db import Store
from daybrief.store.errors import StoreError
from daybrief.store.models import ChecklistItem, Rule, RuleKind, Template, TemplateItem

ItemSpec = tuple[str, bool] | tuple[str, bool, str | None]
"""A template item to create: (text, required) or (text, required, file pattern)."""


def _same_text(text: str) -> str:
    # "Agenda sent" typed by hand and the template's "agenda  sent" are one item.
    return " ".join(text.casefold().split())


def _template_item(row: sqlite3.Row) -> TemplateItem:
    return TemplateItem(
        id=row["id"],
        template_id=row["template_id"],
        text=row["text"],
        required=bool(row["required"]),
        position=row["position"],
        created_at=ts(row["created_at"]),
        updated_at=ts(row["updated_at"]),
        file_pattern=row["file_pattern"],
    )


def _rule(row: sqlite3.Row) -> Rule:
    return Rule(
        id=row["id"],
        kind=RuleKind(row["kind"]),
        value=row["value"],
        template_id=row["template_id"],
        enabled=bool(row["enabled"]),
        created_at=ts(row["created_at"]),
        updated_at=ts(row["updated_at"]),
    )


class Templates:
    def __init__(self, store: Store) -> None:
        self._store = store

    # --- reading ---

    def get(self, template_id: int) -> Template:
        row = need(
            self._store.query_one("SELECT * FROM templates WHERE id = ?", (template_id,)),
            f"template {template_id}",
        )
        items = self._store.query(
            "SELECT * FROM template_items WHERE template_id = ? ORDER BY position, id",
            (template_id,),
        )
        return Template(
            id=row["id"],
            name=row["name"],
            items=tuple(_template_item(item) for item in items),
            created_at=ts(row["created_at"]),
            updated_at=ts(row["updated_at"]),
        )

    def all(self) -> list[Template]:
        ids = self._store.query("SELECT id FROM templates ORDER BY name COLLATE NOCASE, id")
        return [self.get(row[0]) for row in ids]

    def by_name(self, name: str) -> Template | None:
        row = self._store.query_one("SELECT id FROM templates WHERE name = ?", (name,))
        return None if row is None else self.get(row[0])

    # --- writing ---

    def create(self, name: str, items: Sequence[ItemSpec] = ()) -> Template:
        """A new template with ``items`` as (text, required) or (text, required, file
        pattern), in order."""
        with self._store.transaction():
            self._check_name_free(name)
            now = self._store.now()
            cursor = self._store.execute(
                "INSERT INTO templates (name, created_at, updated_at) VALUES (?, ?, ?)",
                (name, now, now),
            )
            template_id = int(cursor.lastrowid or 0)
            for text, required, *pattern in items:
                self._insert_item(template_id, text, required, pattern[0] if pattern else None)
            return self.get(template_id)

    def rename(self, template_id: int, name: str) -> Template:
        with self._store.transaction():
            if self.get(template_id).name != name:
                self._check_name_free(name)
                self._store.execute(
                    "UPDATE templates SET name = ?, updated_at = ? WHERE id = ?",
                    (name, self._store.now(), template_id),
                )
            return self.get(template_id)

    def delete(self, template_id: int) -> None:
        """Delete a template, its items and its rules; checklists made from it stay."""
        with self._store.transaction():
            self._store.execute("DELETE FROM templates WHERE id = ?", (template_id,))

    def add_item(
        self,
        template_id: int,
        text: str,
        *,
        required: bool = False,
        file_pattern: str | None = None,
    ) -> TemplateItem:
        with self._store.transaction():
            self.get(template_id)
            item_id = self._insert_item(template_id, text, required, file_pattern)
            self._touch(template_id)
            return self._item(item_id)

    def edit_item(
        self,
        item_id: int,
        *,
        text: str | Unchanged = UNCHANGED,
        required: bool | Unchanged = UNCHANGED,
        file_pattern: str | Unchanged | None = UNCHANGED,
    ) -> TemplateItem:
        """Change a template item; checklist items already made from it stay as they are."""
        with self._store.transaction():
            item = self._item(item_id)
            new_text = item.text if isinstance(text, Unchanged) else text
            new_required = item.required if isinstance(required, Unchanged) else required
            new_pattern = (
                item.file_pattern
                if isinstance(file_pattern, Unchanged)
                else clean_pattern(file_pattern)
            )
            if (new_text, new_required, new_pattern) != (
                item.text,
                item.required,
                item.file_pattern,
            ):
                self._store.execute(
                    "UPDATE template_items SET text = ?, required = ?, file_pattern = ?,"
                    " updated_at = ? WHERE id = ?",
                    (new_text, int(new_required), new_pattern, self._store.now(), item_id),
                )
                self._touch(item.template_id)
            return self._item(item_id)

    def delete_item(self, item_id: int) -> None:
        with self._store.transaction():
            row = self._store.query_one(
                "SELECT template_id FROM template_items WHERE id = ?", (item_id,)
            )
            if row is None:
                return
            self._store.execute("DELETE FROM template_items WHERE id = ?", (item_id,))
            template = self.get(row[0])
            renumber(self._store, "template_items", [item.id for item in template.items])
            self._touch(template.id)

    def reorder_items(self, template_id: int, item_ids: Sequence[int]) -> Template:
        with self._store.transaction():
            current = [item.id for item in self.get(template_id).items]
            reorder(self._store, "template_items", current, list(item_ids), "a template")
            self._touch(template_id)
            return self.get(template_id)

    # --- applying ---

    def apply(self, meeting_key: str, template_id: int) -> list[ChecklistItem]:
        """Add the template's items the meeting lacks; returns those added (none the 2nd time).

        An item counts as present if it was made from the same template item or has the
        same text (case and spacing aside), so a hand-typed "Deck" is not doubled.
        """
        with self._store.transaction():
            template = self.get(template_id)
            rows = self._store.query(
                "SELECT template_item_id, text FROM checklist_items WHERE meeting_key = ?",
                (meeting_key,),
            )
            origins = {row[0] for row in rows if row[0] is not None}
            texts = {_same_text(row[1]) for row in rows}
            added: list[int] = []
            for item in template.items:
                if item.id in origins or _same_text(item.text) in texts:
                    continue
                added.append(
                    insert_item(
                        self._store,
                        meeting_key,
                        item.text,
                        item.required,
                        item.id,
                        item.file_pattern,
                    )
                )
                texts.add(_same_text(item.text))
            now = self._store.now()
            self._store.execute(
                "INSERT INTO template_applications (meeting_key, template_id, created_at,"
                " updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (meeting_key, template_id, now, now),
            )
            return [
                checklist_item(
                    need(
                        self._store.query_one("SELECT * FROM checklist_items WHERE id = ?", (i,)),
                        f"checklist item {i}",
                    )
                )
                for i in added
            ]

    def was_applied(self, meeting_key: str, template_id: int) -> bool:
        """Whether the template was ever applied here: rules apply once, so deletions stick."""
        return (
            self._store.query_one(
                "SELECT 1 FROM template_applications WHERE meeting_key = ? AND template_id = ?",
                (meeting_key, template_id),
            )
            is not None
        )

    def applications(self) -> set[tuple[str, int]]:
        """Every (meeting key, template id) ever applied, for checking many meetings at once."""
        rows = self._store.query("SELECT meeting_key, template_id FROM template_applications")
        return {(row[0], row[1]) for row in rows}

    # --- helpers ---

    def _check_name_free(self, name: str) -> None:
        if not name.strip():
            raise StoreError("a template needs a name")
        if self._store.query_one("SELECT 1 FROM templates WHERE name = ?", (name,)):
            raise StoreError(f"there is already a template named {name!r}")

    def _insert_item(
        self, template_id: int, text: str, required: bool, file_pattern: str | None
    ) -> int:
        now = self._store.now()
        position = next_position(self._store, "template_items", "template_id = ?", (template_id,))
        cursor = self._store.execute(
            "INSERT INTO template_items (template_id, text, required, position, file_pattern,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (template_id, text, int(required), position, clean_pattern(file_pattern), now, now),
        )
        return int(cursor.lastrowid or 0)

    def _item(self, item_id: int) -> TemplateItem:
        return _template_item(
            need(
                self._store.query_one("SELECT * FROM template_items WHERE id = ?", (item_id,)),
                f"template item {item_id}",
            )
        )

    def _touch(self, template_id: int) -> None:
        self._store.execute(
            "UPDATE templates SET updated_at = ? WHERE id = ?", (self._store.now(), template_id)
        )


class Rules:
    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> list[Rule]:
        return [_rule(row) for row in self._store.query("SELECT * FROM rules ORDER BY id")]

    def get(self, rule_id: int) -> Rule:
        return _rule(
            need(
                self._store.query_one("SELECT * FROM rules WHERE id = ?", (rule_id,)),
                f"rule {rule_id}",
            )
        )

    def add(
        self, kind: RuleKind | str, value: str, template_id: int, *, enabled: bool = True
    ) -> Rule:
        kind = RuleKind(kind)
        with self._store.transaction():
            now = self._store.now()
            cursor = self._store.execute(
                "INSERT INTO rules (kind, value, template_id, enabled, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kind.value, value, template_id, int(enabled), now, now),
            )
            return self.get(int(cursor.lastrowid or 0))

    def update(
        self,
        rule_id: int,
        *,
        kind: RuleKind | str | Unchanged = UNCHANGED,
        value: str | Unchanged = UNCHANGED,
        template_id: int | Unchanged = UNCHANGED,
        enabled: bool | Unchanged = UNCHANGED,
    ) -> Rule:
        with self._store.transaction():
            rule = self.get(rule_id)
            new = (
                rule.kind if isinstance(kind, Unchanged) else RuleKind(kind),
                rule.value if isinstance(value, Unchanged) else value,
                rule.template_id if isinstance(template_id, Unchanged) else template_id,
                rule.enabled if isinstance(enabled, Unchanged) else enabled,
            )
            if new != (rule.kind, rule.value, rule.template_id, rule.enabled):
                self._store.execute(
                    "UPDATE rules SET kind = ?, value = ?, template_id = ?, enabled = ?,"
                    " updated_at = ? WHERE id = ?",
                    (new[0].value, new[1], new[2], int(new[3]), self._store.now(), rule_id),
                )
            return self.get(rule_id)

    def delete(self, rule_id: int) -> None:
        with self._store.transaction():
            self._store.execute("DELETE FROM rules WHERE id = ?", (rule_id,))
