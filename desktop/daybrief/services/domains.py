"""Which domains are whose: the Public Suffix List and the packaged free-mail list."""

from __future__ import annotations

from functools import cache, lru_cache

from publicsuffixlist import PublicSuffixList

from daybrief.core.clients import registrable_domain
from daybrief.paths import resource_path


@cache
def _suffixes() -> PublicSuffixList | None:
    # ICANN section only: mail domains under private suffixes (github.io) are rare, and
    # folding a cloud host's customer domain to the host would merge unrelated clients.
    try:
        return PublicSuffixList(only_icann=True)
    except OSError:  # a broken install without the list: the built-in approximation
        return None


@lru_cache(maxsize=4096)
def registrable(domain: str) -> str:
    """``mail.eu.acme.co.uk`` → ``acme.co.uk`` by the Public Suffix List."""
    domain = domain.strip().lower().rstrip(".")
    suffixes = _suffixes()
    private = suffixes.privatesuffix(domain) if suffixes is not None else None
    return private if private else registrable_domain(domain)


@cache
def load_freemail_domains() -> frozenset[str]:
    """The packaged list of free-mail providers (``resources/freemail_domains.txt``)."""
    text = resource_path("freemail_domains.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
