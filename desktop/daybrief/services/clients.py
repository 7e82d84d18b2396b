"""Clients as the whole app sees them: one directory from the user, the store and the PSL.

Who is a client (SPEC §2): people at a domain that is neither the user's own nor a free-mail
provider. Subdomains fold to the registrable domain by the Public Suffix List (the
``publicsuffixlist`` package, which bundles the list and is kept current); the user's
names, merges and splits are the store's clients table.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from publicsuffixlist import PublicSuffixList

from daybrief.core.clients import ClientDirectory, registrable_domain
from daybrief.services.briefing import OWN_DOMAINS, load_freemail_domains
from daybrief.services.queries import saved_identity
from daybrief.store.clients import Clients
from daybrief.store.db import Store
from daybrief.store.settings import Settings


@cache
def _suffixes() -> PublicSuffixList:
    # ICANN section only: mail domains under private suffixes (github.io) are rare, and
    # folding a cloud host's customer domain to the host would merge unrelated clients.
    return PublicSuffixList(only_icann=True)


def registrable(domain: str) -> str:
    """``mail.eu.acme.co.uk`` → ``acme.co.uk`` by the Public Suffix List."""
    domain = domain.strip().lower().rstrip(".")
    private = _suffixes().privatesuffix(domain)
    return private if private else registrable_domain(domain)


@cache
def freemail_domains() -> frozenset[str]:
    return load_freemail_domains()


def client_directory(store: Store, me: Iterable[str] | None = None) -> ClientDirectory:
    """The directory for this store: the user's addresses, their names for clients."""
    addresses = list(saved_identity(store) if me is None else me)
    clients = Clients(store).all()
    names = {domain: client.name for client in clients for domain in client.domains}
    own = Settings(store).get(OWN_DOMAINS, [])
    return ClientDirectory.for_user(
        addresses,
        freemail_domains(),
        names,
        [str(d) for d in own] if isinstance(own, list) else [],
        registrable=registrable,
    )
