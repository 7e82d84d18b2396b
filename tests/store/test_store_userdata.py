"""Checklists, notes, goals and meeting identity through the repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from daybrief.core.keys import InvalidMeetingKey
from daybrief.core.model import EventInfo, Occurrence, recurrence_key
from daybrief.store import StoreError, UserData, meeting_key, split_meeting_key
from daybrief.store.models import ChecklistItem

SERIES = meeting_key("weekly@acme.example")
TUESDAY = meeting_key("weekly@acme.example", "2026-03-03T09:00:00Z")


def texts(items: list[ChecklistItem]) -> list[str]:
    return [item.text for item in items]


# --- meeting identity ---


def test_meeting_key_is_the_uid_for_a_series_and_uid_plus_rid_for_an_instance() -> None:
    assert SERIES == "weekly@acme.example"
    assert TUESDAY != SERIES
    assert split_meeting_key(TUESDAY) == ("weekly@acme.example", "2026-03-03T09:00:00Z")
    assert split_meeting_key(SERIES) == ("weekly@acme.example", "")


def test_meeting_key_takes_the_engines_recurrence_text() -> None:
    start = datetime(2026, 3, 3, 9, tzinfo=UTC)
    occ = Occurrence(
        event=EventInfo(uid="weekly@acme.example", summary="Weekly", calendar="Work"),
        start=start,
        end=start,
        recurrence_id=start,
    )
    assert meeting_key(occ.event.uid or "", recurrence_key(occ)) == TUESDAY


def test_meeting_without_uid_cannot_carry_data() -> None:
    with pytest.raises(InvalidMeetingKey, match="without a UID"):
        meeting_key("")


def test_snapshot_follows_the_meeting_and_its_data_stays(ud: UserData) -> None:
    ud.meetings.remember(
        TUESDAY, summary="Weekly", start_utc=datetime(2026, 3, 3, 9, tzinfo=UTC), calendar="Work"
    )
    ud.checklists.add(TUESDAY, "Numbers")
    ud.notes.set(TUESDAY, "ask about renewal")
    # The meeting moves to 14:00 (same identity): the snapshot updates, the data is untouched.
    moved = ud.meetings.remember(
        TUESDAY,
        summary="Weekly (moved)",
        start_utc=datetime(2026, 3, 3, 14, tzinfo=UTC),
        calendar="Work",
    )
    assert moved.start_utc == datetime(2026, 3, 3, 14, tzinfo=UTC)
    assert moved.summary == "Weekly (moved)"
    assert texts(ud.checklists.items(TUESDAY)) == ["Numbers"]
    note = ud.notes.get(TUESDAY)
    assert note is not None and note.text == "ask about renewal"


def test_remembering_the_same_snapshot_changes_nothing(ud: UserData) -> None:
    first = ud.meetings.remember(TUESDAY, summary="W", start_utc=None, calendar="Work")
    again = ud.meetings.remember(TUESDAY, summary="W", start_utc=None, calendar="Work")
    assert again == first


def test_naive_start_is_refused(ud: UserData) -> None:
    with pytest.raises(StoreError, match="naive"):
        ud.meetings.remember(TUESDAY, summary="W", start_utc=datetime(2026, 3, 3), calendar="")


def test_meetings_with_user_data_and_dismissal(ud: UserData) -> None:
    ud.checklists.add(TUESDAY, "Numbers")
    ud.notes.set(SERIES, "series note")
    ud.meetings.remember("no-data@x", summary="", start_utc=None, calendar="")
    assert {m.meeting_key for m in ud.meetings.with_user_data()} == {TUESDAY, SERIES}
    ud.meetings.dismiss(TUESDAY)
    ud.meetings.dismiss(TUESDAY)  # twice is fine
    assert ud.meetings.dismissed() == {TUESDAY}
    # Dismissing hides; the data is still there for when the meeting comes back.
    assert texts(ud.checklists.items(TUESDAY)) == ["Numbers"]
    ud.meetings.undismiss(TUESDAY)
    assert ud.meetings.dismissed() == set()


# --- checklists ---


def test_add_tick_and_untick(ud: UserData) -> None:
    deck = ud.checklists.add(TUESDAY, "Deck", required=True)
    agenda = ud.checklists.add(TUESDAY, "Agenda")
    assert (deck.position, agenda.position) == (0, 1)
    assert deck.required and not agenda.required and not deck.done
    ticked = ud.checklists.set_done(deck.id)
    assert ticked.done and ticked.updated_at > deck.updated_at
    assert ticked.created_at == deck.created_at
    assert ud.checklists.set_done(deck.id) == ticked  # ticking again changes nothing
    assert not ud.checklists.set_done(deck.id, False).done


def test_items_belong_to_their_meeting(ud: UserData) -> None:
    ud.checklists.add(TUESDAY, "instance item")
    ud.checklists.add(SERIES, "series item")
    assert texts(ud.checklists.items(TUESDAY)) == ["instance item"]
    assert texts(ud.checklists.items(SERIES)) == ["series item"]
    assert ud.checklists.items("unknown@x") == []


def test_edit_text_and_required(ud: UserData) -> None:
    item = ud.checklists.add(TUESDAY, "Deck")
    edited = ud.checklists.edit(item.id, text="Deck v2", required=True)
    assert (edited.text, edited.required) == ("Deck v2", True)
    assert ud.checklists.edit(item.id) == edited


def test_reorder(ud: UserData) -> None:
    a, b, c = (ud.checklists.add(TUESDAY, t) for t in "abc")
    assert texts(ud.checklists.reorder(TUESDAY, [c.id, a.id, b.id])) == ["c", "a", "b"]
    assert [i.position for i in ud.checklists.items(TUESDAY)] == [0, 1, 2]


@pytest.mark.parametrize("wanted", [[1, 2], [1, 2, 3, 3], [1, 2, 99]])
def test_reorder_must_name_each_item_once(ud: UserData, wanted: list[int]) -> None:
    for text in "abc":
        ud.checklists.add(TUESDAY, text)
    with pytest.raises(StoreError, match="each of its items once"):
        ud.checklists.reorder(TUESDAY, wanted)
    assert texts(ud.checklists.items(TUESDAY)) == ["a", "b", "c"]


def test_delete_closes_ranks(ud: UserData) -> None:
    b = [ud.checklists.add(TUESDAY, t) for t in "abc"][1]
    ud.checklists.delete(b.id)
    ud.checklists.delete(b.id)  # already gone: nothing to do
    items = ud.checklists.items(TUESDAY)
    assert [(i.text, i.position) for i in items] == [("a", 0), ("c", 1)]
    assert ud.checklists.add(TUESDAY, "d").position == 2


def test_missing_item_is_a_clear_error(ud: UserData) -> None:
    with pytest.raises(StoreError, match="checklist item 42 not found"):
        ud.checklists.set_done(42)


# --- notes and goals ---


def test_note_set_replace_and_empty(ud: UserData) -> None:
    assert ud.notes.get(TUESDAY) is None
    first = ud.notes.set(TUESDAY, "one")
    second = ud.notes.set(TUESDAY, "two")
    assert second.text == "two" and second.created_at == first.created_at
    assert ud.notes.set(TUESDAY, "two") == second
    assert ud.notes.set(TUESDAY, "").text == ""


def test_goals_per_day(ud: UserData) -> None:
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    g1 = ud.goals.add(monday, "Close Acme renewal")
    g2 = ud.goals.add(monday, "Inbox zero")
    ud.goals.add(tuesday, "Plan QBR")
    assert [g.text for g in ud.goals.for_day(monday)] == ["Close Acme renewal", "Inbox zero"]
    assert ud.goals.set_done(g1.id).done
    assert ud.goals.edit(g2.id, text="Inbox 10").text == "Inbox 10"
    assert [g.id for g in ud.goals.reorder(monday, [g2.id, g1.id])] == [g2.id, g1.id]
    ud.goals.delete(g2.id)
    assert [(g.text, g.position) for g in ud.goals.for_day(monday)] == [("Close Acme renewal", 0)]
    assert [g.text for g in ud.goals.for_day(tuesday)] == ["Plan QBR"]


def test_a_date_is_not_a_datetime(ud: UserData) -> None:
    with pytest.raises(StoreError, match="expected a date"):
        ud.goals.add(datetime(2026, 3, 2, 9, tzinfo=UTC), "x")
