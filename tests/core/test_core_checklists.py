"""Rule matching on a meeting's facts, and the facts taken from an occurrence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from daybrief.core.checklists import (
    CLIENT,
    EXTERNAL_ATTENDEES,
    RECURRING_SERIES,
    TITLE_KEYWORD,
    MeetingFacts,
    fresh_since,
    keywords,
    meeting_facts,
    missing_label,
    own_domains,
    rule_matches,
    substitute_client,
    title_matches,
)
from daybrief.core.model import Attendee, EventInfo, Occurrence

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def occurrence(
    summary: str = "Acme QBR",
    attendees: tuple[Attendee, ...] = (),
    recurrence_id: datetime | None = None,
    uid: str = "qbr@acme.example",
) -> Occurrence:
    event = EventInfo(uid=uid, summary=summary, attendees=attendees)
    return Occurrence(event, START, START + timedelta(hours=1), recurrence_id=recurrence_id)


@pytest.mark.parametrize(
    ("title", "value", "expected"),
    [
        ("Acme QBR", "QBR", True),
        ("acme qbr", "QBR", True),
        ("Q3-QBR: Acme", "qbr", True),
        ("Acme QBRs", "QBR", True),  # a plural is the same word
        ("QBRX planning", "QBR", False),  # not inside another word
        ("Acme quarterly  business review", "QBR, quarterly business review", True),
        ("Quarterly business-review", "quarterly business review", True),
        ("Quarterly review", "quarterly business review", False),
        ("Renewal call", "QBR, renewal", True),
        ("Contract renewals", "renewal", True),
        ("Acme weekly", "QBR, renewal", False),
        ("Zürich Kick-off", "zürich", True),
        ("Anything", "", False),
        ("Anything", " , ,", False),
        ("Anything", "--", False),  # punctuation alone is no keyword
        ("C++ sync", "c++", True),  # punctuation in a keyword separates, like spaces
    ],
)
def test_title_keywords(title: str, value: str, expected: bool) -> None:
    assert title_matches(title, value) is expected
    assert rule_matches(TITLE_KEYWORD, value, MeetingFacts(title=title)) is expected


def test_keywords_are_comma_separated() -> None:
    assert keywords(" QBR, quarterly business review ,,") == ["QBR", "quarterly business review"]


def test_client_rule_matches_by_name_case_insensitively() -> None:
    facts = MeetingFacts(title="Sync", clients=frozenset({"Acme", "Globex"}))
    assert rule_matches(CLIENT, "acme", facts)
    assert rule_matches(CLIENT, " Globex ", facts)
    assert not rule_matches(CLIENT, "Initech", facts)
    assert not rule_matches(CLIENT, "", facts)
    assert not rule_matches(CLIENT, "acme", MeetingFacts(title="Sync"))


def test_external_and_recurring_rules() -> None:
    external = MeetingFacts(title="x", has_external_attendees=True)
    assert rule_matches(EXTERNAL_ATTENDEES, "", external)
    assert not rule_matches(EXTERNAL_ATTENDEES, "", MeetingFacts(title="x"))
    series = MeetingFacts(title="x", recurring=True, uid="standup@team")
    assert rule_matches(RECURRING_SERIES, "", series)
    assert rule_matches(RECURRING_SERIES, "standup@team", series)
    assert not rule_matches(RECURRING_SERIES, "other@team", series)
    assert not rule_matches(RECURRING_SERIES, "", MeetingFacts(title="x", uid="standup@team"))


def test_unknown_kind_matches_nothing() -> None:
    assert not rule_matches("weekday", "monday", MeetingFacts(title="monday"))


def test_facts_from_an_occurrence() -> None:
    mine = own_domains(["Me@Agency.example", "mailto:me@agency.co.uk"])
    assert mine == {"agency.example", "agency.co.uk"}
    people = (
        Attendee("me@agency.example"),
        Attendee("colleague@agency.co.uk"),
        Attendee("room-4@rooms.example", cutype="ROOM"),
    )
    internal = meeting_facts(occurrence(attendees=people), mine=mine)
    assert not internal.has_external_attendees
    assert not internal.recurring
    with_client = meeting_facts(
        occurrence(attendees=(*people, Attendee("jo@acme.example"))),
        clients=["Acme"],
        mine=mine,
    )
    assert with_client.has_external_attendees
    assert with_client.clients == {"Acme"}
    instance = meeting_facts(occurrence(recurrence_id=START), mine=mine)
    assert instance.recurring
    assert instance.uid == "qbr@acme.example"


def test_without_own_domains_nobody_is_external() -> None:
    facts = meeting_facts(occurrence(attendees=(Attendee("jo@acme.example"),)), mine=())
    assert not facts.has_external_attendees


def test_client_substitution_escapes_glob_characters() -> None:
    assert substitute_client("~/Clients/{client}/", "Acme") == "~/Clients/Acme/"
    assert substitute_client("~/C/{client}/*.pptx", "Acme [EU]*") == "~/C/Acme [[]EU][*]/*.pptx"
    assert substitute_client("~/C/{client}/", "A/B") == "~/C/A_B/"
    assert substitute_client("~/C/{client}", "A?", escape=False) == "~/C/A?"


def test_fresh_since() -> None:
    previous = START - timedelta(days=90)
    assert fresh_since(previous, START) == previous
    assert fresh_since(None, START) == START - timedelta(days=30)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Deck ready", "deck missing"),
        ("Usage report", "usage report missing"),
        ("Contract draft ready.", "contract draft missing"),
        ("Ready", "ready missing"),
        ("", "file missing"),
    ],
)
def test_missing_label(text: str, label: str) -> None:
    assert missing_label(text) == label
