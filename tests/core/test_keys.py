"""One meeting-key type: its text is what the store and backups keep, so it must not drift."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from daybrief.core.keys import (
    InvalidMeetingKey,
    MeetingKey,
    key_of,
    meeting_key,
    ref_of,
    split_meeting_key,
)
from daybrief.core.model import EventInfo, Occurrence


def _occurrence(uid: str, rid: datetime | None = None) -> Occurrence:
    start = datetime(2026, 3, 3, 9, tzinfo=UTC)
    event = EventInfo(uid=uid, summary="Weekly", calendar="Work")
    return Occurrence(event=event, start=start, end=start, recurrence_id=rid)


def test_text_form_is_uid_or_uid_and_recurrence_id() -> None:
    assert meeting_key("a@x") == "a@x"
    assert meeting_key("a@x", "20260303T090000Z") == "a@x\x1f20260303T090000Z"
    assert split_meeting_key("a@x\x1f20260303T090000Z") == ("a@x", "20260303T090000Z")
    assert MeetingKey.parse("a@x") == MeetingKey("a@x")
    assert MeetingKey("a@x", "r").series == MeetingKey("a@x")


@pytest.mark.parametrize(("uid", "rid"), [("", ""), ("a\x1fb", ""), ("a", "r\x1f")])
def test_unusable_identities_are_refused(uid: str, rid: str) -> None:
    with pytest.raises(InvalidMeetingKey):
        meeting_key(uid, rid)


def test_occurrence_keys_and_refs() -> None:
    rid = datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert key_of(_occurrence("a@x", rid)) == "a@x\x1f2026-03-03T09:00:00Z"
    assert key_of(_occurrence("")) is None
    # A meeting without a UID still gets a name, never equal to a real key.
    ref = ref_of(_occurrence(""))
    assert ref.startswith("\x1f") and "Work" in ref
    assert ref_of(_occurrence("a@x")) == "a@x"
