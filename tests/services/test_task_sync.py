"""Follow-ups synced through a CalDAV task list, on Radicale and on Xandikos.

Two Daybrief stores (two devices) and a third-party client (the ``caldav`` library writing
VTODOs itself, as a phone's task app would) share one list; each test makes its own list.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import icalendar
import pytest
from tests.network import Radicale, Xandikos

from daybrief.services.credentials import SessionCredentials
from daybrief.services.fetch import Limits
from daybrief.services.followups import add_follow_up, edit_follow_up, tick_follow_up
from daybrief.services.task_server import Listing, TaskServer
from daybrief.services.task_sync import (
    TaskSyncFailed,
    connect_task_list,
    pending_changes,
    sync_tasks,
    task_list_status,
)
from daybrief.store import Store, meeting_key, open_store
from daybrief.store.followups import FollowUps
from daybrief.store.models import FollowUp

NOW = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)


@dataclass
class Shared:
    """One task list, two devices (stores) and a third-party app, on one server."""

    server: Radicale | Xandikos
    name: str
    a: Store
    b: Store
    credentials: SessionCredentials

    def sync(self, store: Store, at: datetime = NOW) -> Any:
        return sync_tasks(store, credentials=self.credentials, now=at)

    def app(self) -> Any:
        """The list as the third-party client sees it (a caldav Calendar)."""
        for calendar in self.server.client().principal().calendars():
            if calendar.get_display_name() == self.name:
                return calendar
        raise AssertionError(f"no list {self.name}")

    def app_todo(self, uid: str) -> Any:
        return self.app().object_by_uid(uid, comp_class=None)

    def only(self, store: Store) -> FollowUp:
        items = FollowUps(store).all()
        assert len(items) == 1, items
        return items[0]


@pytest.fixture(params=["radicale", "xandikos"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shared]:
    if request.param == "radicale":
        server: Radicale | Xandikos = request.getfixturevalue("running_radicale")
        user, password = server.user, server.password  # type: ignore[union-attr]
    else:
        server = request.getfixturevalue("running_xandikos")
        user, password = "alice", "unused"
    name = f"Follow-ups {secrets.token_hex(3)}"
    credentials = SessionCredentials()
    with open_store(tmp_path / "a.sqlite3") as a, open_store(tmp_path / "b.sqlite3") as b:
        first = connect_task_list(
            a, server.url, username=user, password=password, credentials=credentials,
            list_name=name,
        )  # fmt: skip
        assert first.created and first.list_name == name
        second = connect_task_list(
            b, server.url, username=user, password=password, credentials=credentials,
            list_name=name,
        )  # fmt: skip
        assert not second.created
        yield Shared(server, name, a, b, credentials)


def _todo(item: Any) -> icalendar.cal.Component:
    data = item.data if isinstance(item.data, str) else item.data.decode()
    return icalendar.Calendar.from_ical(data).walk("VTODO")[0]


def _third_party_task(uid: str, summary: str, extra: list[str] | None = None) -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tasks app//EN", "BEGIN:VTODO",
        f"UID:{uid}", "DTSTAMP:20260301T080000Z", f"SUMMARY:{summary}",
        *(extra or []), "END:VTODO", "END:VCALENDAR",
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"


# --------------------------------------------------------------------------- the cases


def test_an_add_on_one_side_appears_on_the_other(shared: Shared) -> None:
    item = add_follow_up(
        shared.a, "Send the QBR deck", due=date(2026, 3, 4), client="Acme", meeting_uid="qbr-1"
    )
    assert pending_changes(shared.a) == 1
    report = shared.sync(shared.a)
    assert report.sent == 1 and pending_changes(shared.a) == 0
    shared.sync(shared.b)
    there = shared.only(shared.b)
    assert (there.text, there.due_date, there.meeting_key) == (
        "Send the QBR deck", date(2026, 3, 4), "qbr-1",
    )  # fmt: skip
    from daybrief.store.clients import Clients

    assert there.client_id is not None and Clients(shared.b).get(there.client_id).name == "Acme"
    # What other apps read: the mapped properties.
    uid = FollowUps(shared.a).get(item.id).ical_uid
    todo = _todo(shared.app_todo(uid))
    assert str(todo["SUMMARY"]) == "Send the QBR deck"
    assert todo["DUE"].dt == date(2026, 3, 4)
    assert [str(c) for c in todo["CATEGORIES"].cats] == ["Acme"]
    assert str(todo["RELATED-TO"]) == "qbr-1"
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    # Nothing changed: nothing sent, nothing received.
    again = shared.sync(shared.a)
    assert (again.sent, again.received) == (0, 0)


def test_ticking_done_travels_and_other_apps_see_it_completed(shared: Shared) -> None:
    item = add_follow_up(shared.a, "Call Jo back")
    shared.sync(shared.a)
    shared.sync(shared.b)
    tick_follow_up(shared.b, shared.only(shared.b).id)
    shared.sync(shared.b)
    shared.sync(shared.a)
    assert FollowUps(shared.a).get(item.id).done
    todo = _todo(shared.app_todo(shared.only(shared.b).ical_uid))
    assert str(todo["STATUS"]) == "COMPLETED" and "COMPLETED" in todo
    # Unticked in the phone's app: open again here.
    app_item = shared.app_todo(shared.only(shared.b).ical_uid)
    app_item.icalendar_component["STATUS"] = "NEEDS-ACTION"
    del app_item.icalendar_component["COMPLETED"]
    app_item.save()
    shared.sync(shared.a)
    assert not FollowUps(shared.a).get(item.id).done


def test_a_third_party_task_arrives_and_keeps_what_daybrief_does_not_know(
    shared: Shared,
) -> None:
    shared.app().save_todo(
        _third_party_task(
            "phone-task-1", "Buy the train tickets",
            ["PRIORITY:1", "DUE;VALUE=DATE:20260305", "X-APPLE-SORT-ORDER:42",
             "RELATED-TO;RELTYPE=PARENT:phone-parent-9",
             "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Tickets",
             "TRIGGER:-PT30M", "END:VALARM"],
        )
    )  # fmt: skip
    report = shared.sync(shared.a)
    assert report.received == 1
    item = shared.only(shared.a)
    assert (item.text, item.due_date) == ("Buy the train tickets", date(2026, 3, 5))
    assert not item.done
    assert item.meeting_key is None  # a parent task is no meeting
    edit_follow_up(shared.a, item.id, text="Buy the train tickets (2 adults)")
    assert shared.sync(shared.a).sent == 1
    todo = _todo(shared.app_todo("phone-task-1"))
    assert str(todo["SUMMARY"]) == "Buy the train tickets (2 adults)"
    assert int(todo["PRIORITY"]) == 1
    assert str(todo["X-APPLE-SORT-ORDER"]) == "42"
    assert str(todo["RELATED-TO"]) == "phone-parent-9"
    assert todo["RELATED-TO"].params.get("RELTYPE") == "PARENT"
    alarms = todo.walk("VALARM")
    assert len(alarms) == 1 and str(alarms[0]["DESCRIPTION"]) == "Tickets"


def test_concurrent_edits_to_different_fields_both_survive(shared: Shared) -> None:
    add_follow_up(shared.a, "Draft the SOW", due=date(2026, 3, 6))
    shared.sync(shared.a)
    shared.sync(shared.b)
    edit_follow_up(shared.a, shared.only(shared.a).id, text="Draft the SOW for phase 2")
    edit_follow_up(shared.b, shared.only(shared.b).id, due=date(2026, 3, 9))
    shared.sync(shared.a)
    report = shared.sync(shared.b)
    assert report.conflicts == 0
    shared.sync(shared.a)
    for store in (shared.a, shared.b):
        item = shared.only(store)
        assert (item.text, item.due_date, item.notes) == (
            "Draft the SOW for phase 2", date(2026, 3, 9), "",
        )  # fmt: skip
    assert pending_changes(shared.a) == pending_changes(shared.b) == 0


def test_concurrent_edits_to_the_same_field_keep_the_other_value(shared: Shared) -> None:
    add_follow_up(shared.a, "Send pricing")
    shared.sync(shared.a)
    shared.sync(shared.b)
    edit_follow_up(shared.a, shared.only(shared.a).id, text="Send pricing v2")
    edit_follow_up(shared.b, shared.only(shared.b).id, text="Send pricing and terms")
    shared.sync(shared.a)  # the server now has A's text
    report = shared.sync(shared.b)
    assert report.conflicts == 1
    shared.sync(shared.a)
    for store in (shared.a, shared.b):
        item = shared.only(store)
        assert item.text == "Send pricing v2"  # the server's value wins
        assert item.notes == "also edited elsewhere: text “Send pricing and terms”"
    todo = _todo(shared.app_todo(shared.only(shared.a).ical_uid))
    assert "also edited elsewhere: text “Send pricing and terms”" in str(todo["DESCRIPTION"])
    # The same with the phone's app as the other side.
    edit_follow_up(shared.a, shared.only(shared.a).id, due=date(2026, 3, 10))
    app_item = shared.app_todo(shared.only(shared.a).ical_uid)
    app_item.icalendar_component.pop("DUE", None)
    app_item.icalendar_component.add("DUE", date(2026, 3, 12))
    app_item.save()
    assert shared.sync(shared.a).conflicts == 1
    item = shared.only(shared.a)
    assert item.due_date == date(2026, 3, 12)
    assert "also edited elsewhere: due “2026-03-10”" in item.notes


def test_a_deletion_on_the_server_against_a_local_edit(shared: Shared) -> None:
    add_follow_up(shared.a, "Book the venue")
    add_follow_up(shared.a, "Order lunch")
    shared.sync(shared.a)
    shared.sync(shared.b)
    venue_a = next(f for f in FollowUps(shared.a).all() if f.text == "Book the venue")
    edit_follow_up(shared.a, venue_a.id, text="Book the venue for 12")
    for item in FollowUps(shared.a).all():
        shared.app_todo(item.ical_uid).delete()
    report = shared.sync(shared.a)
    # Unchanged here: deleted here too. Changed here: written back.
    assert [f.text for f in FollowUps(shared.a).all()] == ["Book the venue for 12"]
    assert report.removed == 1 and report.kept == 1
    assert shared.app_todo(venue_a.ical_uid) is not None
    shared.sync(shared.b)
    assert [f.text for f in FollowUps(shared.b).all()] == ["Book the venue for 12"]
    # A deletion here reaches the server, and then the other device.
    FollowUps(shared.b).delete(shared.only(shared.b).id)
    assert pending_changes(shared.b) == 1
    shared.sync(shared.b)
    shared.sync(shared.a)
    assert FollowUps(shared.a).all() == []
    assert [t for t in shared.app().todos(include_completed=True)] == []


def test_offline_edits_are_queued_then_sent(shared: Shared) -> None:
    add_follow_up(shared.a, "Renew the contract")
    shared.sync(shared.a)
    shared.sync(shared.b)
    shared.server.stop()
    try:
        item = shared.only(shared.a)
        edit_follow_up(shared.a, item.id, text="Renew the contract (3 years)")
        tick_follow_up(shared.a, item.id)
        add_follow_up(shared.a, "Send the invoice")
        add_follow_up(shared.a, "Thank-you note")
        assert pending_changes(shared.a) == 3
        with pytest.raises(TaskSyncFailed) as failed:
            shared.sync(shared.a, NOW + timedelta(minutes=5))
        assert "127.0.0.1" in failed.value.reason
        status = task_list_status(shared.a)
        assert status.pending == 3
        assert status.waiting_text() == "3 changes waiting for the server"
        assert status.problem == failed.value.reason
        assert FollowUps(shared.a).get(item.id).text == "Renew the contract (3 years)"
    finally:
        shared.server.start()
    report = shared.sync(shared.a, NOW + timedelta(minutes=10))
    assert report.sent == 3 and report.pending == 0
    status = task_list_status(shared.a)
    assert status.problem == "" and status.last_sync_at == NOW + timedelta(minutes=10)
    shared.sync(shared.b)
    there = {f.text: f.done for f in FollowUps(shared.b).all()}
    assert there == {
        "Renew the contract (3 years)": True, "Send the invoice": False, "Thank-you note": False,
    }  # fmt: skip


# --------------------------------------------------------------------------- the protocol


class NoSyncCollection(TaskServer):
    """The same server, as one without RFC 6578: the sync must list ETags instead."""

    def _sync_collection(self, token: str) -> Listing | None:
        return None


def test_without_sync_collection_etags_find_the_changes(shared: Shared) -> None:
    add_follow_up(shared.a, "Ship the samples")
    add_follow_up(shared.a, "Ask for feedback")
    sync = partial(sync_tasks, credentials=shared.credentials, now=NOW,
                   server_factory=NoSyncCollection)  # fmt: skip
    sync(shared.a)
    sync(shared.b)
    assert sorted(f.text for f in FollowUps(shared.b).all()) == [
        "Ask for feedback", "Ship the samples",
    ]  # fmt: skip
    quiet = sync(shared.b)
    assert (quiet.received, quiet.sent) == (0, 0)
    samples = next(f for f in FollowUps(shared.a).all() if f.text == "Ship the samples")
    shared.app_todo(samples.ical_uid).delete()
    feedback = next(f for f in FollowUps(shared.a).all() if f.text == "Ask for feedback")
    app_item = shared.app_todo(feedback.ical_uid)
    app_item.icalendar_component["SUMMARY"] = "Ask Jo for feedback"
    app_item.save()
    report = sync(shared.b)
    assert (report.received, report.removed) == (1, 1)
    assert [f.text for f in FollowUps(shared.b).all()] == ["Ask Jo for feedback"]


class EditedJustBeforeEachWrite(TaskServer):
    """Another app saves the task between the sync's read and its write (once)."""

    done = False
    calendar: Any = None

    def put(self, path: str, data: str, etag: str | None) -> str | None:
        if etag is not None and not EditedJustBeforeEachWrite.done:
            EditedJustBeforeEachWrite.done = True
            item = self.calendar.object_by_uid(_uid_in(data), comp_class=None)
            item.icalendar_component["PRIORITY"] = 1
            item.icalendar_component.pop("DUE", None)
            item.icalendar_component.add("DUE", date(2026, 3, 20))
            item.save()
        return super().put(path, data, etag)


def _uid_in(data: str) -> str:
    return str(icalendar.Calendar.from_ical(data).walk("VTODO")[0]["UID"])


def test_a_write_based_on_an_old_copy_is_refused_and_merged_again(shared: Shared) -> None:
    item = add_follow_up(shared.a, "Prepare the workshop")
    shared.sync(shared.a)
    edit_follow_up(shared.a, item.id, text="Prepare the workshop agenda")
    EditedJustBeforeEachWrite.done = False
    EditedJustBeforeEachWrite.calendar = shared.app()
    report = sync_tasks(
        shared.a, credentials=shared.credentials, now=NOW,
        server_factory=EditedJustBeforeEachWrite,
    )  # fmt: skip
    assert EditedJustBeforeEachWrite.done and report.sent == 1
    # The If-Match write failed (412), the newer task was merged, then written.
    todo = _todo(shared.app_todo(FollowUps(shared.a).get(item.id).ical_uid))
    assert str(todo["SUMMARY"]) == "Prepare the workshop agenda"
    assert int(todo["PRIORITY"]) == 1 and todo["DUE"].dt == date(2026, 3, 20)
    assert FollowUps(shared.a).get(item.id).due_date == date(2026, 3, 20)


def test_notes_and_the_meeting_anchor_travel(shared: Shared) -> None:
    meeting = meeting_key("qbr-series@acme.example", "2026-03-05T10:00:00Z")
    item = FollowUps(shared.a).add(
        "Send the minutes", due=date(2026, 3, 5), due_before=meeting,
        notes="Both decks\nand the budget",
    )  # fmt: skip
    shared.sync(shared.a)
    shared.sync(shared.b)
    there = shared.only(shared.b)
    assert (there.notes, there.due_before, there.due_date) == (
        "Both decks\nand the budget", meeting, date(2026, 3, 5),
    )  # fmt: skip
    todo = _todo(shared.app_todo(FollowUps(shared.a).get(item.id).ical_uid))
    assert str(todo["DESCRIPTION"]) == "Both decks\nand the budget"
    assert todo["DUE"].dt == date(2026, 3, 5)  # the date the anchor resolves to now
    assert "X-DAYBRIEF-DUE-BEFORE" in todo
    # The meeting moved: the anchored follow-up's new date reaches other apps.
    FollowUps(shared.a).set_anchor(item.id, meeting, date(2026, 3, 6))
    shared.sync(shared.a)
    assert _todo(shared.app_todo(there.ical_uid))["DUE"].dt == date(2026, 3, 6)


def test_an_answer_over_the_size_cap_is_refused_and_nothing_changes(shared: Shared) -> None:
    add_follow_up(shared.a, "x" * 2000)
    shared.sync(shared.a)
    tiny = partial(TaskServer, limits=Limits(max_bytes=1000))
    with pytest.raises(TaskSyncFailed) as failed:
        sync_tasks(shared.b, credentials=shared.credentials, now=NOW, server_factory=tiny)
    assert "MB" in failed.value.reason
    assert FollowUps(shared.b).all() == []
    assert task_list_status(shared.b).problem == failed.value.reason


def test_a_deletion_here_against_an_edit_elsewhere_brings_the_follow_up_back(
    shared: Shared,
) -> None:
    item = add_follow_up(shared.a, "Review the contract")
    shared.sync(shared.a)
    uid = FollowUps(shared.a).get(item.id).ical_uid
    FollowUps(shared.a).delete(item.id)
    app_item = shared.app_todo(uid)
    app_item.icalendar_component["SUMMARY"] = "Review the contract with legal"
    app_item.save()
    report = shared.sync(shared.a)  # seen before deleting: the edit wins
    assert report.received == 1 and report.sent == 0
    assert [f.text for f in FollowUps(shared.a).all()] == ["Review the contract with legal"]
    assert shared.app_todo(uid) is not None
    # The same when the edit lands between the sync's read and its DELETE (a 412).
    again = FollowUps(shared.a).all()[0]
    FollowUps(shared.a).delete(again.id)
    EditedJustBeforeDelete.calendar = shared.app()
    EditedJustBeforeDelete.done = False
    report = sync_tasks(
        shared.a, credentials=shared.credentials, now=NOW, server_factory=EditedJustBeforeDelete
    )
    assert EditedJustBeforeDelete.done and report.kept == 1
    assert [f.text for f in FollowUps(shared.a).all()] == ["Review the contract (legal, Fri)"]


class EditedJustBeforeDelete(TaskServer):
    done = False
    calendar: Any = None

    def delete(self, path: str, etag: str | None) -> None:
        if not EditedJustBeforeDelete.done:
            EditedJustBeforeDelete.done = True
            for item in self.calendar.todos(include_completed=True):
                item.icalendar_component["SUMMARY"] = "Review the contract (legal, Fri)"
                item.save()
        super().delete(path, etag)


def test_a_list_deleted_on_the_server_is_a_clear_failure(shared: Shared) -> None:
    add_follow_up(shared.a, "Keep me")
    shared.sync(shared.a)
    shared.app().delete()
    edit_follow_up(shared.a, shared.only(shared.a).id, text="Keep me, really")
    with pytest.raises(TaskSyncFailed) as failed:
        shared.sync(shared.a)
    assert failed.value.kind == "not-found", failed.value.reason
    assert "no task list at this address" in failed.value.reason
    assert shared.only(shared.a).text == "Keep me, really"
    assert pending_changes(shared.a) == 1


def test_connecting_the_same_list_again_keeps_the_sync_going(shared: Shared) -> None:
    item = add_follow_up(shared.a, "Renew the domain")
    shared.sync(shared.a)
    edit_follow_up(shared.a, item.id, text="Renew the domain for 2 years")
    user, password = (
        (shared.server.user, shared.server.password)
        if isinstance(shared.server, Radicale)
        else ("alice", "unused")
    )
    again = connect_task_list(
        shared.a, shared.server.url, username=user, password=password,
        credentials=shared.credentials, list_name=shared.name,
    )  # fmt: skip
    assert not again.created
    assert pending_changes(shared.a) == 1  # the edit still waits, as an edit
    report = shared.sync(shared.a)
    assert (report.sent, report.conflicts) == (1, 0)
    assert shared.only(shared.a).notes == ""


def test_a_follow_up_restored_under_its_old_uid_takes_its_task_back(shared: Shared) -> None:
    """A backup restored with --replace deletes and re-adds the follow-ups: the task stays."""
    item = add_follow_up(shared.a, "Send the board pack")
    add_follow_up(shared.a, "Book the boardroom")
    shared.sync(shared.a)
    uid = FollowUps(shared.a).get(item.id).ical_uid
    assert uid is not None
    app_item = shared.app_todo(uid)
    app_item.icalendar_component.add("PRIORITY", 1)  # the phone's, unknown to Daybrief
    app_item.save()
    shared.sync(shared.a)
    with shared.a.transaction():
        FollowUps(shared.a).delete(item.id)
        restored = FollowUps(shared.a).add("Send the board pack", ical_uid=uid)
    assert restored.id != item.id
    shared.sync(shared.a)
    shared.sync(shared.a)
    assert sorted(f.text for f in FollowUps(shared.a).all()) == [
        "Book the boardroom", "Send the board pack",
    ]  # fmt: skip
    # Never deleted and made again: what other apps put in the task is still there.
    assert int(_todo(shared.app_todo(uid))["PRIORITY"]) == 1
