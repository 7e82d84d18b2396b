"""Which meetings a rule picks, and the meeting facts rules look at (docs/semantics.md).

Pure functions over plain values: the store keeps rules and templates, services feed
this module a meeting's facts and apply the templates it picks. Rule kinds are the
store's (``title_keyword``, ``client``, ``external_attendees``, ``recurring_series``),
passed here as their text values so core does not depend on the store.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from daybrief.core.confirmation import normalize_email
from daybrief.core.model import Occurrence

TITLE_KEYWORD = "title_keyword"
CLIENT = "client"
EXTERNAL_ATTENDEES = "external_attendees"
RECURRING_SERIES = "recurring_series"

_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """What rules may look at in one meeting."""

    title: str
    clients: frozenset[str] = frozenset()
    """Client names of the meeting (as the user named them); matched case-insensitively."""
    has_external_attendees: bool = False
    recurring: bool = False
    """Part of a recurring series (an instance or an override of one)."""
    uid: str | None = None


def domain_of(address: str) -> str:
    """The lower-case domain of an email address, '' when it has none."""
    _, at, domain = normalize_email(address).rpartition("@")
    return domain.rstrip(".") if at else ""


def own_domains(me: Iterable[str]) -> frozenset[str]:
    """The user's domains, from the user's addresses (docs/semantics.md, You)."""
    return frozenset(d for d in (domain_of(a) for a in me) if d)


def external_domains(occurrence: Occurrence, mine: Collection[str]) -> frozenset[str]:
    """Domains of the people at the meeting who are not at one of the user's domains.

    Rooms and resources are left out: a booked room is not a guest, and Google gives
    them addresses at ``resource.calendar.google.com``, which is nobody's own domain.
    With no known own domain, nobody can be told to be external: the answer is empty,
    so the "external attendees" rule does not fire on every meeting of a new user.
    """
    if not mine:
        return frozenset()
    found = set()
    for attendee in occurrence.event.attendees:
        if attendee.cutype.upper() in _NOT_PEOPLE:
            continue
        domain = domain_of(attendee.email)
        if domain and domain not in mine:
            found.add(domain)
    return frozenset(found)


def meeting_facts(
    occurrence: Occurrence, *, clients: Iterable[str] = (), mine: Collection[str] = ()
) -> MeetingFacts:
    """The facts of one occurrence; ``clients`` come from the caller's client derivation.

    Args:
        occurrence: the meeting instance.
        clients: its client names (derived by the caller from attendee domains).
        mine: the user's own domains (see :func:`own_domains`).
    """
    return MeetingFacts(
        title=occurrence.summary,
        clients=frozenset(clients),
        has_external_attendees=bool(external_domains(occurrence, mine)),
        # The engine gives a RECURRENCE-ID to every instance of a series (and to
        # overrides), and never to a one-off: that is what "part of a series" means here.
        recurring=occurrence.recurrence_id is not None,
        uid=occurrence.event.uid,
    )


def keywords(value: str) -> list[str]:
    """The keywords of a title rule: comma-separated, blanks dropped."""
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache(maxsize=256)
def _keyword_pattern(keyword: str) -> re.Pattern[str] | None:
    # Word-ish: "QBR" finds "Acme QBR:" and "Q3-QBR" and "QBRs" but not "QBRX";
    # a phrase matches across any run of spaces or punctuation ("business  review").
    words = [re.escape(word) for word in re.split(r"\W+", keyword.casefold()) if word]
    if not words:  # "--" alone would otherwise match every title
        return None
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + r"s?(?!\w)")


def title_matches(title: str, value: str) -> bool:
    """Whether any of the comma-separated keywords in ``value`` is in ``title``."""
    folded = title.casefold()
    for keyword in keywords(value):
        pattern = _keyword_pattern(keyword)
        if pattern is not None and pattern.search(folded):
            return True
    return False


def rule_matches(kind: str, value: str, facts: MeetingFacts) -> bool:
    """Whether a rule of ``kind`` with ``value`` picks this meeting.

    Args:
        kind: one of the rule kinds (``title_keyword``, ``client``, ``external_attendees``,
            ``recurring_series``).
        value: for a title rule, comma-separated keywords (any matches); for a client rule,
            the client's name; for a series rule, a series UID, or '' for every series;
            unused for the external-attendees rule.
        facts: the meeting's facts.

    An unknown kind matches nothing: a rule from a newer version must not fire wildly.
    """
    if kind == TITLE_KEYWORD:
        return title_matches(facts.title, value)
    if kind == CLIENT:
        wanted = value.strip().casefold()
        return bool(wanted) and any(name.casefold() == wanted for name in facts.clients)
    if kind == EXTERNAL_ATTENDEES:
        return facts.has_external_attendees
    if kind == RECURRING_SERIES:
        return facts.recurring and (not value.strip() or value.strip() == facts.uid)
    return False


# --- file-pattern checklist items ---

CLIENT_PLACEHOLDER = "{client}"
FILE_LOOKBACK = timedelta(days=30)
"""With no earlier meeting with the client, files changed this recently count as fresh."""


def needs_client(pattern: str) -> bool:
    return CLIENT_PLACEHOLDER in pattern


def substitute_client(pattern: str, client: str, escape: bool = True) -> str:
    """The pattern with ``{client}`` replaced by a client name.

    ``escape``: glob metacharacters in the name (``Acme [EU]``) are escaped so they match
    themselves; a ``/`` in a name cannot make it reach into another folder.
    """
    name = client.replace("/", "_").replace("\\", "_")
    if escape:
        name = re.sub(r"([*?\[])", r"[\1]", name)
    return pattern.replace(CLIENT_PLACEHOLDER, name)


def fresh_since(previous_meeting_end: datetime | None, now: datetime) -> datetime:
    """Files changed at or after this moment count as prepared for the coming meeting.

    Since the previous meeting with the same client ended (work done for that one is
    not work for this one), or, with no such meeting, in the last :data:`FILE_LOOKBACK`.
    """
    if previous_meeting_end is not None:
        return previous_meeting_end
    return now - FILE_LOOKBACK


_DONE_WORDS = ("ready", "done", "prepared", "updated", "sent", "finished")


def missing_label(text: str) -> str:
    """A short "deck missing" for an item "Deck ready": what the window shows when no file is."""
    words = text.split()
    while len(words) > 1 and words[-1].casefold().strip(".!") in _DONE_WORDS:
        words.pop()
    noun = " ".join(words) or "file"
    return f"{noun[:1].lower()}{noun[1:]} missing"
