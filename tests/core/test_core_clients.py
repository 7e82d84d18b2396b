"""Clients from attendee domains: own and free-mail domains excluded, subdomains folded,
names from the domain unless the user named (or merged) the client."""

from __future__ import annotations

import pytest

from daybrief.core.clients import ClientDirectory, default_name, registrable_domain
from daybrief.core.model import Attendee


@pytest.mark.parametrize(
    ("domain", "registrable"),
    [
        ("acme.example", "acme.example"),
        ("eu.mail.acme.example", "acme.example"),
        ("london.acme.co.uk", "acme.co.uk"),
        ("acme.co.uk", "acme.co.uk"),
        ("shop.acme.com.au", "acme.com.au"),
        ("ACME.Example.", "acme.example"),
    ],
)
def test_subdomains_fold_to_the_registrable_domain(domain: str, registrable: str) -> None:
    assert registrable_domain(domain) == registrable


def test_default_names_read_like_company_names() -> None:
    assert default_name("acme.example") == "Acme"
    assert default_name("mail.acme-corp.co.uk") == "Acme Corp"


def test_own_and_free_mail_domains_are_never_clients() -> None:
    directory = ClientDirectory.for_user(
        ["me@agency.example"], freemail=["gmail.com"], extra_own_domains=["agency-group.example"]
    )
    assert directory.client_of("kim@agency.example") is None
    assert directory.client_of("kim@eu.agency.example") is None
    assert directory.client_of("boss@agency-group.example") is None
    assert directory.client_of("friend@gmail.com") is None
    assert directory.client_of("friend@mail.gmail.com") is None
    assert directory.client_of("jo@acme.example") == "Acme"
    assert directory.client_of("not-an-address") is None


def test_a_user_on_free_mail_still_sees_clients() -> None:
    directory = ClientDirectory.for_user(["me@gmail.com"], freemail=["gmail.com"])
    assert directory.client_of("jo@acme.example") == "Acme"


def test_user_names_and_merges_override_the_default() -> None:
    names = {"acme.com": "ACME Group", "acme.co.uk": "ACME Group", "uk.globex.example": "Globex UK"}
    directory = ClientDirectory.for_user(["me@agency.example"], names=names)
    assert directory.client_of("a@acme.com") == "ACME Group"
    assert directory.client_of("b@sales.acme.co.uk") == "ACME Group"
    assert directory.client_of("c@uk.globex.example") == "Globex UK"
    assert directory.client_of("d@globex.example") == "Globex"


def test_a_meetings_clients_are_distinct_in_order_and_skip_rooms() -> None:
    directory = ClientDirectory.for_user(["me@agency.example"])
    attendees = [
        Attendee("me@agency.example"),
        Attendee("jo@globex.example"),
        Attendee("room4@building.example", cutype="ROOM"),
        Attendee("pat@globex.example"),
        Attendee("al@acme.example"),
    ]
    assert directory.clients_of(attendees, organizer="jo@globex.example") == ["Globex", "Acme"]
    assert directory.clients_of([Attendee("me@agency.example")]) == []
