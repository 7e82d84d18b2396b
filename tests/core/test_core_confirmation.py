"""docs/semantics.md, unconfirmed meetings and the user's identity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.calendar_helpers import utc

from daybrief.core.confirmation import find_unconfirmed, identity
from daybrief.core.engine import suggest_identity_from

ME = identity(["me@example.com", "me@example.org"])


def short(uid: str) -> str:
    return uid.split("@")[0]


@pytest.fixture
def day(expand):
    return expand(["unconfirmed"], utc(2025, 6, 11), utc(2025, 6, 12)).occurrences


def reasons(found):
    return {short(u.occurrence.uid): u.reason for u in found}


def test_identity_is_case_insensitive_without_mailto():
    assert identity(
        ["MAILTO:Me@Example.COM", "  me2@example.org ", "mailto:ME@example.com", ""]
    ) == {
        "me@example.com",
        "me2@example.org",
    }


def test_unconfirmed_meetings_and_why(day):
    assert len(day) == 10
    assert reasons(find_unconfirmed(day, ME)) == {
        "u-needs-action": "needs-action",
        "u-tentative": "tentative",
        # RFC 5545 3.2.12: an ATTENDEE without PARTSTAT is NEEDS-ACTION.
        "u-no-partstat": "needs-action",
        "u-event-tentative": "event-tentative",
        "u-waiting-on": "waiting-on",
        "u-second-address": "needs-action",
    }


def test_waiting_on_names_the_required_attendees_who_have_not_accepted(day):
    found = {short(u.occurrence.uid): u for u in find_unconfirmed(day, ME)}
    waiting = found["u-waiting-on"]
    # Required besides me: anna (accepted), bob (needs-action), carl (no ROLE, no PARTSTAT),
    # dora (tentative), emil (accepted). The optional attendee and the room do not count.
    assert sorted(waiting.waiting_on) == [
        "bob@client.example",
        "carl@client.example",
        "dora@client.example",
    ]
    assert waiting.required == 5


def test_organiser_with_all_required_accepted_is_confirmed(day):
    # Optional attendee, ROOM and RESOURCE still NEEDS-ACTION/TENTATIVE: ignored.
    assert "u-organiser-all-accepted" not in reasons(find_unconfirmed(day, ME))


@pytest.mark.parametrize("uid", ["u-cancelled", "u-accepted", "u-not-mine"])
def test_confirmed_cancelled_and_others_meetings_are_not_reported(day, uid):
    assert uid not in reasons(find_unconfirmed(day, ME))


def test_identity_decides_whose_answer_counts(day):
    only_first = identity(["ME@EXAMPLE.COM"])
    found = reasons(find_unconfirmed(day, only_first))
    assert "u-second-address" not in found
    assert found["u-needs-action"] == "needs-action"


def test_without_identity_only_tentative_events_are_unconfirmed(day):
    assert reasons(find_unconfirmed(day, frozenset())) == {"u-event-tentative": "event-tentative"}


def test_attendee_without_partstat_reads_as_needs_action(read):
    event = next(e for e in read("unconfirmed").events if e.uid == "u-no-partstat@daybrief.test")
    (attendee,) = event.info.attendees
    assert attendee.email == "me@example.com"
    assert attendee.partstat == "NEEDS-ACTION"
    assert attendee.explicit is False
    assert attendee.role == "REQ-PARTICIPANT"


def test_room_attendee_keeps_its_cutype(read):
    event = next(e for e in read("unconfirmed").events if e.uid == "u-waiting-on@daybrief.test")
    rooms = [a.email for a in event.info.attendees if a.cutype == "ROOM"]
    assert rooms == ["room-4@resources.example.com"]


def test_identity_suggested_from_the_calendar(read):
    # me@example.com organises or attends 8 of the 10 meetings. (So does the client who
    # organises most of them, so the order of the two is not asserted.)
    suggestions = suggest_identity_from([read("unconfirmed")])
    assert "me@example.com" in suggestions
    assert "someone@client.example" not in suggestions  # in one meeting only


def test_apple_urn_attendees_are_matched_by_their_email_parameter() -> None:

    from daybrief.core.engine import occurrences_between
    from daybrief.core.events import read_calendar

    data = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:apple@x\r\nDTSTART:20261124T090000Z\r\n"
        "DTEND:20261124T100000Z\r\nSUMMARY:Review\r\n"
        "ORGANIZER;CN=Jo;EMAIL=jo@client.example:urn:uuid:1111\r\n"
        "ATTENDEE;CN=Me;EMAIL=Me@Example.com;PARTSTAT=NEEDS-ACTION:urn:uuid:2222\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar = read_calendar(data, "apple.ics")
    (occurrence,) = occurrences_between(
        [calendar], datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC), UTC
    ).occurrences
    assert occurrence.event.organizer == "jo@client.example"
    (item,) = find_unconfirmed([occurrence], identity(["me@example.com"]))
    assert item.reason == "needs-action"
