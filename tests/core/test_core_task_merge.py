"""The 3-way merge of a follow-up with its task: nothing either side did is lost."""

from __future__ import annotations

from daybrief.core.task_merge import TaskFields, has_conflict_note, merge

BASE = TaskFields(text="Send deck", due="2026-03-04", client="Acme")


def test_a_change_on_one_side_wins_over_no_change() -> None:
    local = TaskFields(text="Send the deck", due="2026-03-04", client="Acme")
    assert merge(BASE, local, BASE).fields == local
    assert merge(BASE, BASE, local).fields == local
    assert merge(BASE, BASE, local).conflicts == ()


def test_different_fields_changed_on_each_side_both_survive() -> None:
    local = TaskFields(text="Send the deck", due="2026-03-04", client="Acme")
    remote = TaskFields(text="Send deck", due="2026-03-09", client="Acme", done=True)
    merged = merge(BASE, local, remote)
    assert merged.fields == TaskFields(
        text="Send the deck", due="2026-03-09", client="Acme", done=True
    )
    assert merged.conflicts == ()


def test_the_same_field_changed_both_ways_keeps_the_server_value_and_notes_the_other() -> None:
    local = TaskFields(text="Send deck v2", notes="Ask Jo", due="2026-03-04", client="Acme")
    remote = TaskFields(text="Send deck and terms", due="2026-03-04", client=None)
    merged = merge(BASE, local, remote)
    assert merged.conflicts == ("text",)
    assert merged.fields.text == "Send deck and terms"
    assert merged.fields.client is None  # only the server removed it: no conflict
    # The local note was new (the server had none): it stays, and the lost text is noted.
    assert merged.fields.notes == "Ask Jo\n\nalso edited elsewhere: text “Send deck v2”"
    assert has_conflict_note(merged.fields.notes)


def test_both_sides_making_the_same_change_is_no_conflict() -> None:
    same = TaskFields(text="Send deck", due="2026-03-05", client="Acme")
    assert merge(BASE, same, same) == merge(BASE, same, same)
    assert merge(BASE, same, same).conflicts == ()


def test_conflicting_notes_keep_both_texts() -> None:
    local = TaskFields(text="Send deck", notes="call first", due="2026-03-04", client="Acme")
    remote = TaskFields(text="Send deck", notes="email first", due="2026-03-04", client="Acme")
    merged = merge(BASE, local, remote).fields
    assert merged.notes == "email first\n\nalso edited elsewhere: notes “call first”"
    # Merging the result again adds nothing twice.
    again = merge(remote, merged, TaskFields(**{**remote.to_json(), "notes": merged.notes}))
    assert again.fields.notes == merged.notes


def test_without_a_base_every_difference_is_kept() -> None:
    local = TaskFields(text="Send deck", due="2026-03-04", done=True)
    remote = TaskFields(text="Send deck", due=None, done=False)
    merged = merge(None, local, remote)
    assert set(merged.conflicts) == {"due", "done"}
    assert merged.fields.notes.splitlines() == [
        "also edited elsewhere: due “2026-03-04”",
        "also edited elsewhere: done",
    ]


def test_fields_round_trip_through_json() -> None:
    fields = TaskFields("a", "b", "2026-01-02", "key", "Acme", True, "m")
    assert TaskFields.from_json(fields.to_json()) == fields
