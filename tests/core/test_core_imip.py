"""The iMIP REPLY (RFC 5546 3.2.3), checked by parsing it back with icalendar; and answers
waiting for the calendar, which the unconfirmed check honours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from daybrief.core.confirmation import find_unconfirmed, identity
from daybrief.core.imip import ReplyRequest, build_reply
from daybrief.core.model import Attendee, EventInfo, Occurrence

STAMP = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)


def parse(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_a_reply_for_one_instance_has_every_required_part() -> None:
    data = build_reply(
        ReplyRequest(
            uid="abc@example.org", organizer="boss@example.org", organizer_cn="Boss",
            attendee="me@example.com", attendee_cn='Me "the" Attendee', partstat="DECLINED",
            dtstamp=STAMP, sequence=4, recurrence_id=datetime(2026, 3, 23, 9, tzinfo=UTC),
            comment="Travelling, sorry; back on the 30th\nSee you then",
        )
    )  # fmt: skip
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    calendar, event = parse(data)
    assert str(calendar["METHOD"]) == "REPLY" and str(calendar["VERSION"]) == "2.0"
    assert str(event["UID"]) == "abc@example.org"
    assert event["RECURRENCE-ID"].dt == datetime(2026, 3, 23, 9, tzinfo=UTC)
    assert int(event["SEQUENCE"]) == 4 and event["DTSTAMP"].dt == STAMP
    assert str(event["ORGANIZER"]) == "mailto:boss@example.org"
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list)  # exactly one
    assert str(attendee) == "mailto:me@example.com" and attendee.params["PARTSTAT"] == "DECLINED"
    assert attendee.params["CN"] == "Me the Attendee"
    assert str(event["COMMENT"]) == "Travelling, sorry; back on the 30th\nSee you then"


def test_a_reply_for_a_series_has_no_recurrence_id_nor_comment_unless_given() -> None:
    _, event = parse(
        build_reply(ReplyRequest("s-1", "boss@example.org", "me@example.com", "ACCEPTED", STAMP))
    )
    assert "RECURRENCE-ID" not in event and "COMMENT" not in event
    assert int(event["SEQUENCE"]) == 0


def test_an_all_day_instance_and_long_text_folded() -> None:
    data = build_reply(
        ReplyRequest("d-1", "boss@example.org", "me@example.com", "TENTATIVE", STAMP,
                     recurrence_id=date(2026, 3, 16), comment="é" * 200),
    )  # fmt: skip
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    _, event = parse(data)
    assert event["RECURRENCE-ID"].dt == date(2026, 3, 16)
    assert str(event["COMMENT"]) == "é" * 200


def test_calendar_text_cannot_add_properties() -> None:
    _, event = parse(
        build_reply(
            ReplyRequest(
                "x-1\r\nATTENDEE:mailto:spy@evil.example",
                "boss@example.org",
                "me@example.com",
                "ACCEPTED",
                STAMP,
                comment="hi\r\nATTENDEE:x",
            ),
        )
    )
    assert not isinstance(event["ATTENDEE"], list)
    assert str(event["UID"]) == "x-1\nATTENDEE:mailto:spy@evil.example"


def test_not_an_answer() -> None:
    with pytest.raises(ValueError, match="not an answer"):
        build_reply(ReplyRequest("u", "o@example.org", "me@example.com", "DELEGATED", STAMP))


def _occurrence(uid: str, start: datetime, rid: datetime | None, event: EventInfo) -> Occurrence:
    return Occurrence(event, start, start, recurrence_id=rid)


def test_answers_waiting_for_the_calendar_are_not_unconfirmed() -> None:
    me = identity(["me@example.com"])
    info = EventInfo(
        "w-1", summary="Weekly", organizer="boss@example.org",
        attendees=(Attendee("me@example.com", partstat="NEEDS-ACTION", explicit=True),),
    )  # fmt: skip
    starts = [datetime(2026, 3, d, 9, tzinfo=UTC) for d in (16, 23, 30)]
    series = [_occurrence("w-1", s, s, info) for s in starts]
    assert len(find_unconfirmed(series, me)) == 3
    one = {("w-1", "2026-03-23T09:00:00Z"): "DECLINED"}
    assert [u.occurrence.start for u in find_unconfirmed(series, me, one)] == [
        starts[0], starts[2]
    ]  # fmt: skip
    assert find_unconfirmed(series, me, {("w-1", ""): "ACCEPTED"}) == []
    # Any answer given is the user's part done, a tentative one too (issue 16: "no longer
    # a problem"); the event's own tentative status still counts.
    assert find_unconfirmed(series, me, {("w-1", ""): "TENTATIVE"}) == []
    tentative_event = EventInfo("w-2", status="TENTATIVE", attendees=(Attendee("me@example.com"),))
    occurrence = _occurrence("w-2", starts[0], None, tentative_event)
    [found] = find_unconfirmed([occurrence], me, {("w-2", ""): "ACCEPTED"})
    assert found.reason == "event-tentative"
