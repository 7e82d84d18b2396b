"""A follow-up as a task (VTODO) and back, without a server: awkward text, other apps'
properties, categories and links that are not Daybrief's."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest

from daybrief.core.task_merge import TaskFields
from daybrief.services.task_sync import remote_fields, render
from daybrief.store import meeting_key

NOW = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
CLIENTS = {"smith, jones & co; ltd": "Smith, Jones & Co; Ltd", "acme": "Acme"}


def todo_of(text: str) -> icalendar.cal.Component:
    return icalendar.Calendar.from_ical(text).walk("VTODO")[0]


@pytest.mark.parametrize(
    "fields",
    [
        TaskFields("Send the deck"),
        TaskFields(
            "Send «the» deck, v2; final\\draft", notes="Line one\nLine two, with; marks",
            due="2026-03-04", due_before=meeting_key("qbr@acme.example", "2026-03-05T10:00:00Z"),
            client="Smith, Jones & Co; Ltd", done=True,
            meeting=meeting_key("weekly@acme.example", "2026-03-02T09:00:00Z"),
        ),
    ],
)  # fmt: skip
def test_fields_survive_the_round_trip(fields: TaskFields) -> None:
    text = render(fields, "uid-1@example", None, NOW, CLIENTS, NOW)
    todo = todo_of(text)
    assert str(todo["UID"]) == "uid-1@example"
    assert remote_fields(todo, CLIENTS) == fields
    if fields.done:
        assert str(todo["STATUS"]) == "COMPLETED" and todo["COMPLETED"].dt == NOW
    if fields.meeting:
        assert str(todo["RELATED-TO"]) == "weekly@acme.example"


OTHER_APP = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tasks.org//EN\r\nBEGIN:VTODO\r\n"
    "UID:t-1\r\nDTSTAMP:20260301T080000Z\r\nSUMMARY:Call Jo\r\nPRIORITY:1\r\n"
    "CATEGORIES:Acme,Phone\r\nRELATED-TO;RELTYPE=PARENT:t-parent\r\nX-TASKS-ORG-ORDER:7\r\n"
    "DUE;TZID=Europe/Berlin:20260305T170000\r\nSEQUENCE:4\r\n"
    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Call\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
    "END:VTODO\r\nEND:VCALENDAR\r\n"
)


def test_another_apps_task_reads_as_a_follow_up() -> None:
    fields = remote_fields(todo_of(OTHER_APP), CLIENTS)
    # A category naming a known client is the client; a parent task is no meeting; a DUE
    # with a time counts by its date.
    assert fields == TaskFields("Call Jo", due="2026-03-05", client="Acme")


def test_writing_back_replaces_only_what_changed() -> None:
    fields = TaskFields("Call Jo about the renewal", due="2026-03-05", client=None)
    todo = todo_of(render(fields, "t-1", OTHER_APP, NOW, CLIENTS))
    assert str(todo["SUMMARY"]) == "Call Jo about the renewal"
    # The client left; the other category, the time of the DUE and the rest stay.
    assert [str(c) for c in todo["CATEGORIES"].cats] == ["Phone"]
    assert todo["DUE"].dt == datetime(2026, 3, 5, 17, 0, tzinfo=todo["DUE"].dt.tzinfo)
    assert int(todo["PRIORITY"]) == 1 and str(todo["X-TASKS-ORG-ORDER"]) == "7"
    assert str(todo["RELATED-TO"]) == "t-parent"
    assert len(todo.walk("VALARM")) == 1
    assert int(todo["SEQUENCE"]) == 5 and todo["LAST-MODIFIED"].dt == NOW


def test_an_unchanged_task_is_written_back_as_it_was() -> None:
    fields = remote_fields(todo_of(OTHER_APP), CLIENTS)
    assert render(fields, "t-1", OTHER_APP, NOW, CLIENTS) == OTHER_APP
