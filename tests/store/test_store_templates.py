"""Templates, applying them (never duplicating) and the rules that choose them."""

from __future__ import annotations

import pytest

from daybrief.store import StoreError, UserData, export_user_data, meeting_key
from daybrief.store.models import DoneBy, RuleKind

QBR = meeting_key("qbr@acme.example", "2026-03-05T10:00:00Z")
ITEMS = [("Deck", True), ("Usage report", True), ("Agenda sent 24 h before", False)]


def test_create_and_read(ud: UserData) -> None:
    template = ud.templates.create("Quarterly business review", ITEMS)
    assert [(i.text, i.required, i.position) for i in template.items] == [
        ("Deck", True, 0),
        ("Usage report", True, 1),
        ("Agenda sent 24 h before", False, 2),
    ]
    assert ud.templates.by_name("Quarterly business review") == template
    assert ud.templates.all() == [template]


def test_names_are_unique_and_not_blank(ud: UserData) -> None:
    ud.templates.create("QBR")
    with pytest.raises(StoreError, match="already a template named 'QBR'"):
        ud.templates.create("QBR")
    with pytest.raises(StoreError, match="needs a name"):
        ud.templates.create("  ")
    other = ud.templates.create("Kick-off")
    with pytest.raises(StoreError, match="already"):
        ud.templates.rename(other.id, "QBR")
    assert ud.templates.rename(other.id, "Kickoff").name == "Kickoff"


def test_apply_adds_the_items_once(ud: UserData) -> None:
    template = ud.templates.create("QBR", ITEMS)
    added = ud.templates.apply(QBR, template.id)
    assert [(i.text, i.required, i.done) for i in added] == [(t, r, False) for t, r in ITEMS]
    after_first = export_user_data(ud.store)
    assert ud.templates.apply(QBR, template.id) == []
    # Applying twice gives the same store, to the timestamp.
    assert export_user_data(ud.store) == after_first
    assert ud.templates.was_applied(QBR, template.id)


def test_apply_respects_items_the_user_already_has(ud: UserData) -> None:
    ud.checklists.add(QBR, "deck")  # typed by hand, other case
    done = ud.checklists.add(QBR, "Usage  Report")
    ud.checklists.set_done(done.id)
    template = ud.templates.create("QBR", ITEMS)
    added = ud.templates.apply(QBR, template.id)
    assert [i.text for i in added] == ["Agenda sent 24 h before"]
    assert [i.text for i in ud.checklists.items(QBR)] == [
        "deck",
        "Usage  Report",
        "Agenda sent 24 h before",
    ]


def test_renamed_item_from_a_template_is_not_added_again(ud: UserData) -> None:
    template = ud.templates.create("QBR", ITEMS)
    deck = ud.templates.apply(QBR, template.id)[0]
    ud.checklists.edit(deck.id, text="Deck (v3, with pricing)")
    assert ud.templates.apply(QBR, template.id) == []


def test_apply_after_the_template_grew_adds_only_the_new_item(ud: UserData) -> None:
    template = ud.templates.create("QBR", ITEMS)
    ud.templates.apply(QBR, template.id)
    ud.templates.add_item(template.id, "Renewal numbers", required=True)
    assert [i.text for i in ud.templates.apply(QBR, template.id)] == ["Renewal numbers"]
    assert len(ud.checklists.items(QBR)) == 4


def test_deleting_a_template_keeps_checklists_made_from_it(ud: UserData) -> None:
    template = ud.templates.create("QBR", ITEMS)
    ud.templates.apply(QBR, template.id)
    ud.rules.add(RuleKind.TITLE_KEYWORD, "QBR", template.id)
    ud.templates.delete(template.id)
    items = ud.checklists.items(QBR)
    assert [i.text for i in items] == [t for t, _ in ITEMS]
    assert all(i.template_item_id is None for i in items)
    assert ud.rules.all() == []  # a rule without its template means nothing
    assert ud.templates.all() == []


def test_template_items_edit_reorder_delete(ud: UserData) -> None:
    template = ud.templates.create("QBR", ITEMS)
    deck, usage, agenda = template.items
    assert ud.templates.edit_item(agenda.id, required=True).required
    reordered = ud.templates.reorder_items(template.id, [agenda.id, deck.id, usage.id])
    assert [i.text for i in reordered.items] == ["Agenda sent 24 h before", "Deck", "Usage report"]
    ud.templates.delete_item(deck.id)
    items = ud.templates.get(template.id).items
    assert [(i.text, i.position) for i in items] == [
        ("Agenda sent 24 h before", 0),
        ("Usage report", 1),
    ]


def test_rules_crud(ud: UserData) -> None:
    template = ud.templates.create("QBR", ITEMS)
    other = ud.templates.create("Kick-off")
    keyword = ud.rules.add("title_keyword", "QBR", template.id)
    external = ud.rules.add(RuleKind.EXTERNAL_ATTENDEES, "", other.id, enabled=False)
    series = ud.rules.add(RuleKind.RECURRING_SERIES, "weekly@acme.example", template.id)
    assert keyword.kind is RuleKind.TITLE_KEYWORD and keyword.enabled
    assert not external.enabled
    updated = ud.rules.update(keyword.id, value="quarterly", template_id=other.id)
    assert (updated.value, updated.template_id, updated.kind) == (
        "quarterly",
        other.id,
        RuleKind.TITLE_KEYWORD,
    )
    ud.rules.delete(series.id)
    assert [r.id for r in ud.rules.all()] == [keyword.id, external.id]
    with pytest.raises(ValueError):
        ud.rules.add("weekday", "", template.id)


def test_file_patterns_on_template_and_checklist_items(ud: UserData) -> None:
    template = ud.templates.create("QBR", [("Deck", True, "~/Clients/{client}/*QBR*.pptx")])
    extra = ud.templates.add_item(template.id, "Notes", file_pattern="~/Clients/{client}/")
    assert [i.file_pattern for i in ud.templates.get(template.id).items] == [
        "~/Clients/{client}/*QBR*.pptx",
        "~/Clients/{client}/",
    ]
    assert ud.templates.edit_item(extra.id, file_pattern="  ").file_pattern is None
    deck, _ = ud.templates.apply(QBR, template.id)
    assert deck.file_pattern == "~/Clients/{client}/*QBR*.pptx"
    assert ud.checklists.edit(deck.id, file_pattern="~/Decks/").file_pattern == "~/Decks/"
    assert ud.checklists.edit(deck.id, text="Deck v2").file_pattern == "~/Decks/"
    assert ud.checklists.edit(deck.id, file_pattern=None).file_pattern is None


def test_a_file_never_overrides_the_user(ud: UserData) -> None:
    item = ud.checklists.add(QBR, "Deck", file_pattern="~/Decks/")
    assert ud.checklists.set_done_by_file(item.id, True)
    assert ud.checklists.get(item.id).auto_done
    assert not ud.checklists.set_done_by_file(item.id, True)  # nothing to change
    assert ud.checklists.set_done_by_file(item.id, False)
    assert ud.checklists.get(item.id).done_by is None
    ud.checklists.set_done(item.id, False)  # "not that file", said by hand
    assert not ud.checklists.set_done_by_file(item.id, True)
    assert not ud.checklists.get(item.id).done
    ticked = ud.checklists.add(QBR, "Agenda", file_pattern="~/Agendas/")
    ud.checklists.set_done(ticked.id)
    assert not ud.checklists.set_done_by_file(ticked.id, False)
    assert ud.checklists.get(ticked.id).done_by is DoneBy.USER


def test_ticking_an_automatic_tick_by_hand_makes_it_the_users(ud: UserData) -> None:
    item = ud.checklists.add(QBR, "Deck", file_pattern="~/Decks/")
    ud.checklists.set_done_by_file(item.id, True)
    confirmed = ud.checklists.set_done(item.id)
    assert confirmed.done and confirmed.done_by is DoneBy.USER and not confirmed.auto_done
    assert not ud.checklists.set_done_by_file(item.id, False)
