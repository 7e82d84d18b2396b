"""Clients from attendee email domains (docs/semantics.md, Client).

A client is an attendee's email domain that is neither one of the user's own domains
nor a free-mail provider. Subdomains fold into the registrable domain
(``eu.mail.acme.example`` → ``acme.example``), and the client is named from it
("Acme") unless the user renamed or merged it: the store's names are passed in as a
mapping, so this module stays pure.

Warning:
    Without the Public Suffix List, "registrable" is approximated: the last two labels,
    or three under a known two-level public suffix (``co.uk``, ``com.au``, …). A later
    issue may swap in the full list; the tables here are the seam.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from daybrief.core.confirmation import normalize_email
from daybrief.core.model import Attendee

# Second-level labels that are public suffixes under many country codes (acme.co.uk,
# acme.com.au). Enough for the common cases; a wrong fold only merges or splits names.
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "ltd", "plc", "ne", "or"})


def domain_of(email: str) -> str:
    """The lower-case domain of an address ('' when there is none)."""
    address = normalize_email(email)
    _, at, domain = address.rpartition("@")
    return domain.strip().rstrip(".") if at else ""


def registrable_domain(domain: str) -> str:
    """``mail.eu.acme.co.uk`` → ``acme.co.uk``; ``eu.acme.example`` → ``acme.example``."""
    labels = [label for label in domain.lower().strip().rstrip(".").split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def default_name(domain: str, registrable_of: Callable[[str], str] | None = None) -> str:
    """A readable client name from its domain: ``acme-corp.example`` → "Acme Corp"."""
    registrable = (registrable_of or registrable_domain)(domain)
    first = registrable.split(".", 1)[0] if registrable else domain
    words = [w for w in first.replace("_", "-").split("-") if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or domain


def _covered(domain: str, domains: frozenset[str]) -> bool:
    """Whether ``domain`` is one of ``domains`` or a subdomain of one."""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


@dataclass(frozen=True, slots=True)
class ClientDirectory:
    """What decides who is a client and how they are called.

    Args:
        own_domains: the user's own domains (usually from their addresses); never clients.
        freemail: free-mail providers (``resources/freemail_domains.txt``); never clients.
        names: the user's names by domain, from the store's clients table; a merged client
            has several domains with one name. Exact domains win over registrable ones.
    """

    own_domains: frozenset[str] = frozenset()
    freemail: frozenset[str] = frozenset()
    names: Mapping[str, str] = field(default_factory=dict)
    registrable: Callable[[str], str] = registrable_domain
    """Folds a domain to the one a company registers; services pass the Public Suffix List."""

    @classmethod
    def for_user(
        cls,
        me: Iterable[str],
        freemail: Iterable[str] = (),
        names: Mapping[str, str] | None = None,
        extra_own_domains: Iterable[str] = (),
        registrable: Callable[[str], str] = registrable_domain,
    ) -> ClientDirectory:
        """A directory whose own domains are those of the user's addresses (and ``extra``)."""
        free = frozenset(d.strip().lower() for d in freemail if d.strip())
        own = {domain_of(address) for address in me} | {
            d.strip().lower() for d in extra_own_domains if d.strip()
        }
        # A gmail user's "own domain" must not make every gmail attendee a colleague-free
        # non-client: it is free mail either way, so keeping it out of own changes nothing.
        own = {d for d in own if d and not _covered(d, free)}
        folded = {registrable(d) for d in own}
        return cls(
            own_domains=frozenset(own | folded),
            freemail=free,
            names={k.strip().lower(): v for k, v in (names or {}).items()},
            registrable=registrable,
        )

    def client_of(self, email: str) -> str | None:
        """The client name of one address, or None (own, free-mail, or no domain)."""
        domain = domain_of(email)
        if not domain or "." not in domain:
            return None
        if _covered(domain, self.own_domains) or _covered(domain, self.freemail):
            return None
        named = self.names.get(domain)
        if named is None:
            named = self.names.get(self.registrable(domain))
        return named if named else default_name(domain, self.registrable)

    def domain_of_client(self, email: str) -> str | None:
        """The domain a client is known by for this address (to name or merge it)."""
        domain = domain_of(email)
        if self.client_of(email) is None:
            return None
        return domain if domain in self.names else self.registrable(domain)

    def clients_of(self, attendees: Iterable[Attendee], organizer: str | None = None) -> list[str]:
        """Distinct client names of a meeting's people, in order of appearance."""
        found: dict[str, None] = {}
        addresses = [organizer] if organizer else []
        addresses += [a.email for a in attendees if a.cutype not in ("ROOM", "RESOURCE")]
        for address in addresses:
            name = self.client_of(address)
            if name is not None:
                found.setdefault(name)
        return list(found)
