"""Calendar addresses: which schemes mean what, how to show one safely, where a redirect may go.

Pure functions, no network: the fetcher and the CalDAV client both ask these.

Warning:
    Treat every calendar address as a secret. Google's and Outlook's "secret address in
    iCal format" carries its token in the path, others in the query, and some in the
    user-info part; only the scheme, host and port are safe to store, log or show.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from daybrief.core.errors import DaybriefError

_SCHEMES = {"http": "http", "https": "https", "webcal": "https", "webcals": "https"}


class UnusableAddress(DaybriefError, ValueError):
    """An address Daybrief will not fetch; the message is already redacted."""


def normalise_url(url: str) -> str:
    """The address as it will be fetched: ``webcal://`` and ``webcals://`` become https.

    Raises:
        UnusableAddress: not an http(s)/webcal address with a host.
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not parts.hostname:
        shown = f"{scheme}://…" if scheme else "that address"
        raise UnusableAddress(
            f"not a calendar address Daybrief can fetch ({shown}): use https://, http:// "
            "or webcal://"
        )
    return urlunsplit((_SCHEMES[scheme], parts.netloc, parts.path or "/", parts.query, ""))


def redact_url(url: str) -> str:
    """``scheme://host[:port]/…``: safe for the store, messages and logs.

    User-info, path, query and fragment are dropped, since any of them may hold a token.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(address hidden)"
    if not parts.scheme or not host:
        return "(address hidden)"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    return f"{parts.scheme.lower()}://{netloc}/…"


def same_origin(a: str, b: str) -> bool:
    """Same scheme, host and port: credentials may follow a redirect only within it."""
    first, second = urlsplit(a), urlsplit(b)
    return (first.scheme, first.hostname, first.port) == (
        second.scheme,
        second.hostname,
        second.port,
    )


# Second-level labels under which a country's registry hands out names (example.co.uk):
# no public-suffix list ships with Daybrief, and these cover the common cases. A miss only
# makes the check stricter for such a domain, never looser.
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "ne", "net", "or", "org"})


def site_of(host: str) -> str:
    """The registrable domain of a host name (``p07-caldav.icloud.com`` → ``icloud.com``);
    an IP address is its own site."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if ":" in host or all(label.isdigit() for label in labels) or len(labels) <= 2:
        return host
    keep = 3 if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def may_send_credentials(given: str, target: str) -> bool:
    """Whether the password typed for address ``given`` may go with a request to ``target``.

    Only to the host the user typed, or a host of the same registrable domain (iCloud
    sends each account to its own ``pNN-caldav.icloud.com``); never to another site, and
    never over plain http when the user typed https.
    """
    first, second = urlsplit(given), urlsplit(target)
    if not first.hostname or not second.hostname:
        return False
    if first.scheme.lower() == "https" and second.scheme.lower() != "https":
        return False
    if first.hostname.lower() == second.hostname.lower():
        return True
    return site_of(first.hostname) == site_of(second.hostname)


def next_hop(current: str, location: str | None, hops_so_far: int, max_redirects: int) -> str:
    """Where a redirect from ``current`` to ``location`` leads, if Daybrief may follow it.

    Raises:
        UnusableAddress: no Location, too many redirects, a scheme other than http(s), or
            a downgrade from https to plain http (which would expose the address and any
            password to the network).
    """
    if hops_so_far >= max_redirects:
        raise UnusableAddress(f"too many redirects (more than {max_redirects})")
    if not location:
        raise UnusableAddress("the server sent a redirect without saying where to")
    target = urljoin(current, location.strip())
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https") or not urlsplit(target).hostname:
        raise UnusableAddress("the server redirected to an address that is not http(s)")
    if urlsplit(current).scheme.lower() == "https" and scheme == "http":
        raise UnusableAddress(
            f"refused: the server redirected from https to plain http ({redact_url(target)}), "
            "which would send the calendar's address unencrypted"
        )
    return target
