"""Answering invitations on two real CalDAV servers (Radicale and Xandikos on 127.0.0.1):
the user's PARTSTAT changes and nothing else; one instance gets its override; a 412 from
a change made meanwhile is met by fetching again, and both changes survive; an
unreachable server changes nothing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
from tests.network import (
    RADICALE_PASSWORD,
    RADICALE_USER,
    MemoryKeyring,
    Radicale,
    Xandikos,
)

from daybrief.core.confirmation import find_unconfirmed, identity
from daybrief.services import answers as answers_module
from daybrief.services.answers import AnswerError, answer, find_meeting, pending_answers
from daybrief.services.caldav_source import RemoteCalendar
from daybrief.services.credentials import KeyringStore
from daybrief.services.queries import save_identity
from daybrief.services.sources import add_caldav_source
from daybrief.store import Store
from daybrief.store.answers import PendingAnswers, SentHistory
from daybrief.store.calendars import Calendars

NOW = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)
ME = "me@example.com"
_names = itertools.count(1)


@dataclass
class Server:
    name: str
    client: Any
    calendar: Any
    url: str
    user: str | None
    password: str | None
    stop: Any


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """A fresh calendar on a running server (each test its own, so none sees another's)."""
    cal_id = f"answers{next(_names)}"
    if request.param == "radicale":
        radicale: Radicale = request.getfixturevalue("running_radicale")
        client = radicale.client()
        calendar = client.principal().make_calendar(name=cal_id, cal_id=cal_id)
        yield Server("radicale", client, calendar, str(calendar.url), RADICALE_USER,
                     RADICALE_PASSWORD, radicale.stop)  # fmt: skip
    else:
        xandikos: Xandikos = request.getfixturevalue("running_xandikos")
        client = xandikos.client()
        calendar = client.principal().make_calendar(name=cal_id, cal_id=cal_id)
        yield Server("xandikos", client, calendar, str(calendar.url), None, None, xandikos.stop)


def invitation(uid: str, *, rrule: str = "", extra: str = "") -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Organiser//EN",
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260301T000000Z", "SEQUENCE:2",
        "DTSTART;TZID=Europe/Berlin:20260316T100000",
        "DTEND;TZID=Europe/Berlin:20260316T110000",
        "SUMMARY:Acme QBR", "LOCATION:Room 1",
        "ORGANIZER;CN=Boss:mailto:boss@example.org",
        "ATTENDEE;CN=Boss;PARTSTAT=ACCEPTED:mailto:boss@example.org",
        "ATTENDEE;CN=Me;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:Me@Example.com",
        "ATTENDEE;CN=Other;PARTSTAT=TENTATIVE:mailto:other@example.net",
    ]  # fmt: skip
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if extra:
        lines.append(extra)
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def add_source(store: Store, server: Server) -> int:
    save_identity(store, [ME])
    result = add_caldav_source(
        store, RemoteCalendar("Work", server.url), username=server.user,
        password=server.password, credentials=KeyringStore(), now=NOW,
    )  # fmt: skip
    return result.source_id


def server_copy(server: Server, uid: str) -> icalendar.Calendar:
    event = server.calendar.event_by_uid(uid)
    event.load()
    return icalendar.Calendar.from_ical(event.data)


def partstats(component: Any) -> dict[str, str]:
    found = component.get("ATTENDEE")
    found = found if isinstance(found, list) else [found]
    return {str(a).lower(): str(a.params.get("PARTSTAT")) for a in found}


def stored_partstat(store: Store, uid: str) -> list[str]:
    out = []
    for source in Calendars(store).sources():
        for occurrence in Calendars(store).occurrences_of_uids(source.id, [uid]):
            mine = [a.partstat for a in occurrence.event.attendees if a.email == ME]
            out.extend(mine)
    return out


def test_accepting_one_event(
    server: Server, source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    server.calendar.save_event(invitation("one-1"))
    add_source(source_store, server)
    [before] = server_copy(server, "one-1").walk("VEVENT")
    assert stored_partstat(source_store, "one-1") == ["NEEDS-ACTION"]
    meeting = find_meeting(source_store, "one-1", None)
    result = answer(
        source_store, meeting, "ACCEPTED", comment="Looking forward",
        credentials=KeyringStore(), now=NOW,
    )  # fmt: skip
    assert result.how == "caldav" and result.attempts == 1
    [event] = server_copy(server, "one-1").walk("VEVENT")
    assert partstats(event) == {
        "mailto:boss@example.org": "ACCEPTED",
        "mailto:me@example.com": "ACCEPTED",
        "mailto:other@example.net": "TENTATIVE",
    }
    mine = next(a for a in event["ATTENDEE"] if "Example.com" in str(a))
    assert mine.params["CN"] == "Me" and mine.params["RSVP"] == "TRUE"
    assert mine.params["X-RESPONSE-COMMENT"] == "Looking forward"
    assert str(event["SUMMARY"]) == "Acme QBR" and str(event["LOCATION"]) == "Room 1"
    # Answering is no revision of the meeting: SEQUENCE and DTSTAMP stay the organiser's.
    assert event["SEQUENCE"] == before["SEQUENCE"] and event["DTSTAMP"] == before["DTSTAMP"]
    # The store shows it after the refresh, and nothing is left waiting.
    assert stored_partstat(source_store, "one-1") == ["ACCEPTED"]
    assert pending_answers(source_store) == {}
    occurrences = Calendars(source_store).occurrences_of_uids(meeting.source.id, ["one-1"])
    assert find_unconfirmed(occurrences, identity([ME])) == []


def test_declining_one_instance_of_a_series(
    server: Server, source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    server.calendar.save_event(invitation("weekly-1", rrule="FREQ=WEEKLY;COUNT=4"))
    add_source(source_store, server)
    # The second instance: 23 March, 10:00 in Berlin (09:00 UTC).
    meeting = find_meeting(source_store, "weekly-1", "2026-03-23T09:00:00Z")
    answer(source_store, meeting, "DECLINED", credentials=KeyringStore(), now=NOW)
    events = server_copy(server, "weekly-1").walk("VEVENT")
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    [override] = [e for e in events if "RECURRENCE-ID" in e]
    assert partstats(master)["mailto:me@example.com"] == "NEEDS-ACTION"
    assert "RRULE" in master and "RRULE" not in override
    rid = override["RECURRENCE-ID"]
    assert rid.params["TZID"] == "Europe/Berlin"
    assert rid.dt.replace(tzinfo=None) == datetime(2026, 3, 23, 10, 0)
    assert override["DTSTART"].dt == rid.dt
    assert partstats(override)["mailto:me@example.com"] == "DECLINED"
    assert partstats(override)["mailto:other@example.net"] == "TENTATIVE"
    assert str(override["SUMMARY"]) == "Acme QBR"
    assert stored_partstat(source_store, "weekly-1") == [
        "NEEDS-ACTION", "DECLINED", "NEEDS-ACTION", "NEEDS-ACTION"
    ]  # fmt: skip
    # Answering the same instance again updates that override; no second one appears.
    meeting = find_meeting(source_store, "weekly-1", "2026-03-23T09:00:00Z")
    answer(source_store, meeting, "TENTATIVE", credentials=KeyringStore(), now=NOW)
    events = server_copy(server, "weekly-1").walk("VEVENT")
    [override] = [e for e in events if "RECURRENCE-ID" in e]
    assert partstats(override)["mailto:me@example.com"] == "TENTATIVE"
    # The series: accepted everywhere except the instance answered on its own.
    meeting = find_meeting(source_store, "weekly-1", None)
    answer(source_store, meeting, "ACCEPTED", credentials=KeyringStore(), now=NOW)
    assert stored_partstat(source_store, "weekly-1") == [
        "ACCEPTED", "TENTATIVE", "ACCEPTED", "ACCEPTED"
    ]  # fmt: skip


def test_a_change_on_the_server_meanwhile_survives_with_the_answer(
    server: Server, source_store: Store, memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    server.calendar.save_event(invitation("moved-1"))
    add_source(source_store, server)
    real_get = answers_module.get_object
    calls = []

    def get_then_organiser_edits(secret: Any, href: str) -> Any:
        fetched = real_get(secret, href)
        calls.append(fetched.etag)
        if len(calls) == 1:
            # The organiser moves the meeting to another room between our GET and PUT.
            event = server.calendar.event_by_uid("moved-1")
            event.load()
            event.data = event.data.replace("LOCATION:Room 1", "LOCATION:Room 9")
            event.save()
        return fetched

    monkeypatch.setattr(answers_module, "get_object", get_then_organiser_edits)
    meeting = find_meeting(source_store, "moved-1", None)
    result = answer(source_store, meeting, "ACCEPTED", credentials=KeyringStore(), now=NOW)
    assert result.attempts == 2 and calls[0] != calls[1]
    [event] = server_copy(server, "moved-1").walk("VEVENT")
    assert str(event["LOCATION"]) == "Room 9"
    assert partstats(event)["mailto:me@example.com"] == "ACCEPTED"
    [occurrence] = Calendars(source_store).occurrences_of_uids(meeting.source.id, ["moved-1"])
    assert occurrence.event.location == "Room 9"


def test_an_unreachable_server_changes_nothing(
    server: Server, source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    server.calendar.save_event(invitation("away-1"))
    add_source(source_store, server)
    meeting = find_meeting(source_store, "away-1", None)
    server.stop()
    with pytest.raises(AnswerError) as caught:
        answer(source_store, meeting, "ACCEPTED", credentials=KeyringStore(), now=NOW)
    assert caught.value.unreachable and "refused the connection" in caught.value.reason
    assert stored_partstat(source_store, "away-1") == ["NEEDS-ACTION"]
    assert PendingAnswers(source_store).all() == [] and SentHistory(source_store).all() == []
    assert Calendars(source_store).sources()[0].last_error is None


def test_a_failed_reply_mail_does_not_undo_the_answer_on_the_server(
    server: Server, source_store: Store, memory_keyring: MemoryKeyring, tmp_path: Any
) -> None:
    from tests.network import free_port

    from daybrief.services.mail import MailAccount, save_account

    server.calendar.save_event(invitation("mail-1"))
    add_source(source_store, server)
    save_account(
        source_store, MailAccount("127.0.0.1", free_port(), "none", ME), credentials=KeyringStore()
    )
    meeting = find_meeting(source_store, "mail-1", None)
    result = answer(
        source_store, meeting, "DECLINED", credentials=KeyringStore(), now=NOW, send=True,
        out=tmp_path / "reply.eml",
    )  # fmt: skip
    assert result.how == "caldav"
    assert result.warning.startswith("the reply to the organiser failed: 127.0.0.1 refused")
    assert (tmp_path / "reply.eml").is_file()  # the file was written before the send failed
    [event] = server_copy(server, "mail-1").walk("VEVENT")
    assert partstats(event)["mailto:me@example.com"] == "DECLINED"
    assert [r.status for r in SentHistory(source_store).all()] == ["prepared", "failed"]
