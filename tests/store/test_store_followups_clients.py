"""Follow-ups (CRUD, due ranges, by client) and clients (rename, domains, merge)."""

from __future__ import annotations

from datetime import date

import pytest

from daybrief.store import StoreError, UserData, meeting_key
from daybrief.store.models import RuleKind

MEETING = meeting_key("review@acme.example")
MON, TUE, WED, THU = (date(2026, 3, d) for d in (2, 3, 4, 5))


def test_follow_up_crud(ud: UserData) -> None:
    acme = ud.clients.create("Acme", ["acme.com"])
    made = ud.follow_ups.add("Send the deck", due=TUE, client_id=acme.id, meeting_key=MEETING)
    assert (made.text, made.due_date, made.client_id, made.meeting_key) == (
        "Send the deck",
        TUE,
        acme.id,
        MEETING,
    )
    assert not made.done and made.done_at is None
    moved = ud.follow_ups.update(made.id, due=WED, text="Send the deck + pricing")
    assert (moved.due_date, moved.text, moved.client_id) == (
        WED,
        "Send the deck + pricing",
        acme.id,
    )
    cleared = ud.follow_ups.update(made.id, due=None, client_id=None, meeting_key=None)
    assert (cleared.due_date, cleared.client_id, cleared.meeting_key) == (None, None, None)
    done = ud.follow_ups.set_done(made.id)
    assert done.done and done.done_at is not None
    reopened = ud.follow_ups.set_done(made.id, False)
    assert not reopened.done and reopened.done_at is None
    ud.follow_ups.delete(made.id)
    assert ud.follow_ups.all() == []


def test_due_range_overdue_and_client_queries(ud: UserData) -> None:
    acme = ud.clients.create("Acme", ["acme.com"])
    globex = ud.clients.create("Globex", ["globex.example"])
    monday = ud.follow_ups.add("monday", due=MON, client_id=acme.id)
    tuesday = ud.follow_ups.add("tuesday", due=TUE, client_id=globex.id)
    wednesday = ud.follow_ups.add("wednesday", due=WED, client_id=acme.id)
    someday = ud.follow_ups.add("someday", client_id=acme.id)
    finished = ud.follow_ups.add("finished", due=MON)
    ud.follow_ups.set_done(finished.id)

    def ids(items: list) -> list[int]:
        return [f.id for f in items]

    assert ids(ud.follow_ups.due_on(TUE)) == [tuesday.id]
    assert ids(ud.follow_ups.overdue(WED)) == [monday.id, tuesday.id]
    assert ids(ud.follow_ups.query(due_from=TUE, due_to=THU)) == [tuesday.id, wednesday.id]
    assert ids(ud.follow_ups.query(client_id=acme.id)) == [monday.id, wednesday.id]
    assert ids(ud.follow_ups.query(client_id=acme.id, include_undated=True)) == [
        monday.id,
        wednesday.id,
        someday.id,
    ]
    assert finished.id in ids(ud.follow_ups.query(due_to=MON, include_done=True))
    assert finished.id not in ids(ud.follow_ups.query(due_to=MON))


def test_follow_up_of_a_meeting(ud: UserData) -> None:
    made = ud.follow_ups.add("Minutes", meeting_key=MEETING)
    assert [f.id for f in ud.follow_ups.query(meeting_key=MEETING, include_undated=True)] == [
        made.id
    ]
    assert MEETING in {m.meeting_key for m in ud.meetings.with_user_data()}


def test_client_by_domain_rename_and_domains(ud: UserData) -> None:
    acme = ud.clients.ensure_for_domain("ACME.com")
    assert acme.name == "acme.com" and acme.domains == ("acme.com",)
    assert ud.clients.ensure_for_domain("acme.com", "ignored") == acme
    renamed = ud.clients.rename(acme.id, "  Acme  ")
    assert renamed.name == "Acme"
    found = ud.clients.for_domain("@Acme.COM")
    assert found is not None and found.name == "Acme"
    with_uk = ud.clients.assign_domain("acme.co.uk", acme.id)
    assert with_uk.domains == ("acme.co.uk", "acme.com")
    ud.clients.remove_domain("acme.co.uk")
    assert ud.clients.get(acme.id).domains == ("acme.com",)
    assert ud.clients.for_domain("unknown.example") is None
    with pytest.raises(StoreError, match="not an email domain"):
        ud.clients.for_domain("someone@acme.com")


def test_merge_moves_domains_follow_ups_and_rules(ud: UserData) -> None:
    acme = ud.clients.create("Acme", ["acme.com"])
    acme_uk = ud.clients.create("Acme UK", ["acme.co.uk"])
    follow_up = ud.follow_ups.add("UK pricing", due=MON, client_id=acme_uk.id)
    template = ud.templates.create("QBR")
    rule = ud.rules.add(RuleKind.CLIENT, str(acme_uk.id), template.id)
    merged = ud.clients.merge(acme_uk.id, acme.id)
    assert merged.domains == ("acme.co.uk", "acme.com")
    assert [c.name for c in ud.clients.all()] == ["Acme"]
    assert ud.follow_ups.get(follow_up.id).client_id == acme.id
    assert ud.rules.get(rule.id).value == str(acme.id)
    client = ud.clients.for_domain("acme.co.uk")
    assert client is not None and client.name == "Acme"
    assert ud.clients.merge(acme.id, acme.id) == ud.clients.get(acme.id)


def test_moving_a_domain_between_clients(ud: UserData) -> None:
    a = ud.clients.create("A", ["shared.example"])
    b = ud.clients.create("B")
    ud.clients.assign_domain("shared.example", b.id)
    assert ud.clients.get(a.id).domains == ()
    assert ud.clients.get(b.id).domains == ("shared.example",)


def test_delete_client_refuses_while_referred_to(ud: UserData) -> None:
    acme = ud.clients.create("Acme", ["acme.com"])
    follow_up = ud.follow_ups.add("x", client_id=acme.id)
    with pytest.raises(StoreError, match="merge it into another client"):
        ud.clients.delete(acme.id)
    assert ud.clients.get(acme.id).domains == ("acme.com",)
    ud.follow_ups.update(follow_up.id, client_id=None)
    ud.clients.delete(acme.id)
    assert ud.clients.all() == []
    assert ud.clients.for_domain("acme.com") is None
