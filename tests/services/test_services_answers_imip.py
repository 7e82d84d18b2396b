"""Answering a meeting of a read-only calendar: the answer waits in the store ("answered,
waiting for your calendar") through re-imports, until the calendar shows an answer
different from the one it showed before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.network import MemoryKeyring

from daybrief.services.answers import (
    answer,
    answered_map,
    find_meeting,
    parse_meeting,
    pending_answers,
    settle_answers,
)
from daybrief.services.credentials import KeyringStore
from daybrief.services.importer import import_file
from daybrief.services.queries import save_identity
from daybrief.store import Store

NOW = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)


def write(path: Path, partstat: str, location: str = "Room 1") -> None:
    path.write_text(
        "\r\n".join([
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Organiser//EN",
            "BEGIN:VEVENT", "UID:one-1", "DTSTAMP:20260301T000000Z",
            "DTSTART:20260316T100000Z", "DURATION:PT1H", "SUMMARY:QBR", f"LOCATION:{location}",
            "ORGANIZER:mailto:boss@example.org",
            f"ATTENDEE;PARTSTAT={partstat}:mailto:me@example.com",
            "END:VEVENT", "END:VCALENDAR",
        ]) + "\r\n"
    )  # fmt: skip


def reimport(store: Store, path: Path) -> None:
    import_file(store, str(path), user_zone=UTC, zone_name="UTC", now=NOW)


def test_the_answer_waits_for_the_calendar(
    source_store: Store, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "work.ics"
    write(path, "NEEDS-ACTION")
    reimport(source_store, path)
    save_identity(source_store, ["me@example.com"])
    meeting = find_meeting(source_store, "one-1", None)
    result = answer(
        source_store, meeting, "ACCEPTED", credentials=KeyringStore(), now=NOW,
        out=tmp_path / "reply.eml",
    )  # fmt: skip
    assert result.how == "saved" and result.path == tmp_path / "reply.eml"
    assert pending_answers(source_store) == {"one-1": "ACCEPTED"}
    assert answered_map(source_store) == {("one-1", ""): "ACCEPTED"}
    # A refresh that still shows the old answer (the organiser moved rooms) keeps it.
    write(path, "NEEDS-ACTION", "Room 2")
    reimport(source_store, path)
    assert settle_answers(source_store) == 0
    assert pending_answers(source_store) == {"one-1": "ACCEPTED"}
    # The calendar shows the answer: it speaks for itself again.
    write(path, "ACCEPTED", "Room 2")
    reimport(source_store, path)
    assert pending_answers(source_store) == {}
    assert settle_answers(source_store) == 1


def test_an_answer_given_elsewhere_wins(
    source_store: Store, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "work.ics"
    write(path, "NEEDS-ACTION")
    reimport(source_store, path)
    save_identity(source_store, ["me@example.com"])
    answer(
        source_store, find_meeting(source_store, "one-1", None), "ACCEPTED",
        credentials=KeyringStore(), now=NOW, out=tmp_path / "reply.eml",
    )  # fmt: skip
    write(path, "DECLINED")  # declined from the phone later
    reimport(source_store, path)
    assert pending_answers(source_store) == {}


def test_meeting_names() -> None:
    assert parse_meeting("abc@example.org") == ("abc@example.org", None)
    assert parse_meeting("abc@example.org@20260316T100000Z") == (
        "abc@example.org", "2026-03-16T10:00:00Z"
    )  # fmt: skip
    assert parse_meeting("abc@20260316") == ("abc", "2026-03-16")
