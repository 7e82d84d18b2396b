"""Fetching ICS addresses against a real HTTP server on loopback: conditional requests,
limits, redirects, refusals; every reason short and without the address's secret part."""

from __future__ import annotations

import gzip
import socket
import ssl
import time
import urllib.error
from pathlib import Path

import pytest
from tests.network import CalendarServer, Reply, ics, tomorrow_at

from daybrief.core.urls import UnusableAddress, next_hop, normalise_url, redact_url
from daybrief.services.fetch import (
    FetchError,
    Limits,
    Validators,
    _network_error,
    fetch_ics,
    make_opener,
)

SECRET_PATH = "/calendar/ical/me%40example.com/private-9f8e7d6c5b4a/basic.ics"
CALENDAR = ics(("a-1", "Acme QBR", tomorrow_at(10)))


def fetch_error(url: str, **options: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_ics(url, **options)  # type: ignore[arg-type]
    assert "private-9f8e7d6c5b4a" not in str(caught.value)
    return caught.value


# ---------------------------------------------------------------------------- addresses


def test_webcal_means_https_and_the_fragment_is_dropped() -> None:
    assert normalise_url("webcal://example.com/a.ics#x") == "https://example.com/a.ics"
    assert normalise_url("WEBCALS://example.com") == "https://example.com/"
    assert normalise_url(" http://example.com/a.ics?k=1 ") == "http://example.com/a.ics?k=1"


@pytest.mark.parametrize("url", ["ftp://example.com/a.ics", "file:///etc/passwd", "example.com"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnusableAddress, match="not a calendar address"):
        normalise_url(url)


def test_redacted_form_keeps_only_scheme_host_and_port() -> None:
    shown = redact_url("https://bob:pw@calendar.example.com:8443/private-abc/basic.ics?token=t")
    assert shown == "https://calendar.example.com:8443/…"


def test_redirect_policy_without_tls() -> None:
    """The policy function alone (the https tests below exercise it over real TLS)."""
    assert next_hop("https://a.example/x", "/y", 0, 5) == "https://a.example/y"
    assert next_hop("http://a.example/x", "https://b.example/y", 4, 5) == "https://b.example/y"
    with pytest.raises(UnusableAddress, match="from https to plain http"):
        next_hop("https://a.example/x", "http://a.example/x", 0, 5)
    with pytest.raises(UnusableAddress, match="too many redirects"):
        next_hop("https://a.example/x", "/y", 5, 5)
    with pytest.raises(UnusableAddress, match="not http"):
        next_hop("https://a.example/x", "ftp://a.example/y", 0, 5)


# ---------------------------------------------------------------------------- conditional


def test_etag_is_sent_back_and_a_304_means_unchanged(calendar_server: CalendarServer) -> None:
    def reply(handler: object) -> Reply:
        if handler.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(body=CALENDAR, headers={"ETag": '"v1"', "Content-Type": "text/calendar"})

    calendar_server.routes[SECRET_PATH] = reply
    url = calendar_server.url(SECRET_PATH)
    first = fetch_ics(url)
    assert first.data == CALENDAR and first.validators.etag == '"v1"'
    second = fetch_ics(url, validators=first.validators)
    assert second.unchanged and second.validators.etag == '"v1"'


def test_last_modified_is_sent_back(calendar_server: CalendarServer) -> None:
    stamp = "Mon, 23 Nov 2026 07:00:00 GMT"

    def reply(handler: object) -> Reply:
        if handler.headers.get("If-Modified-Since") == stamp:
            return Reply(304)
        return Reply(body=CALENDAR, headers={"Last-Modified": stamp})

    calendar_server.routes["/cal.ics"] = reply
    first = fetch_ics(calendar_server.url("/cal.ics"))
    assert first.validators == Validators(None, stamp)
    assert fetch_ics(calendar_server.url("/cal.ics"), validators=first.validators).unchanged


def test_gzip_is_accepted_and_decoded(calendar_server: CalendarServer) -> None:
    calendar_server.serve("/cal.ics", CALENDAR, gzip=True)
    assert fetch_ics(calendar_server.url("/cal.ics")).data == CALENDAR
    assert calendar_server.requests[-1][1]["Accept-Encoding"] == "gzip"


# ---------------------------------------------------------------------------- redirects


def test_redirects_are_followed_up_to_the_limit(calendar_server: CalendarServer) -> None:
    for hop in range(7):
        location = calendar_server.url(f"/hop{hop + 1}")
        calendar_server.serve(f"/hop{hop}", b"", status=302, headers={"Location": location})
    calendar_server.serve("/hop7", CALENDAR)
    assert fetch_ics(calendar_server.url("/hop2")).data == CALENDAR  # 5 redirects
    error = fetch_error(calendar_server.url("/hop1"))  # 6
    assert error.kind == "redirect" and "too many redirects (more than 5)" in error.reason
    assert fetch_ics(calendar_server.url("/hop1"), limits=Limits(max_redirects=6)).data


def test_https_to_http_redirect_is_refused(
    https_server: CalendarServer, calendar_server: CalendarServer, tls_files: tuple[Path, Path]
) -> None:
    calendar_server.serve(SECRET_PATH, CALENDAR)
    https_server.serve(
        "/cal.ics", b"", status=301, headers={"Location": calendar_server.url(SECRET_PATH)}
    )
    https_server.serve("/ok.ics", CALENDAR)
    trusting = make_opener(ssl.create_default_context(cafile=str(tls_files[0])))
    assert fetch_ics(https_server.url("/ok.ics"), opener=trusting).data == CALENDAR
    error = fetch_error(https_server.url("/cal.ics"), opener=trusting)
    assert error.kind == "redirect"
    assert "from https to plain http (http://127.0.0.1:" in error.reason
    assert not calendar_server.requests, "the plain-http address must never be asked"


def test_an_untrusted_certificate_is_a_tls_failure(https_server: CalendarServer) -> None:
    https_server.serve("/cal.ics", CALENDAR)
    error = fetch_error(https_server.url("/cal.ics"))
    assert error.kind == "tls" and "certificate is not valid" in error.reason


def test_a_password_does_not_follow_a_redirect_to_another_host(
    calendar_server: CalendarServer,
) -> None:
    other = CalendarServer()
    try:
        other.serve("/cal.ics", CALENDAR)
        calendar_server.serve(
            "/cal.ics", b"", status=302, headers={"Location": other.url("/cal.ics")}
        )
        assert fetch_ics(calendar_server.url("/cal.ics"), username="u", password="p").data
        assert "Authorization" in calendar_server.requests[0][1]
        assert "Authorization" not in other.requests[0][1]
    finally:
        other.close()


# ---------------------------------------------------------------------------- limits


def test_an_oversize_body_is_refused_by_its_declared_length(
    calendar_server: CalendarServer,
) -> None:
    calendar_server.serve("/big.ics", CALENDAR + b" " * 5000)
    error = fetch_error(calendar_server.url("/big.ics"), limits=Limits(max_bytes=4096))
    assert error.kind == "too-big"


def test_an_oversize_body_is_refused_while_streaming(calendar_server: CalendarServer) -> None:
    calendar_server.serve("/big.ics", CALENDAR + b"X" * 300_000, chunked=True)
    error = fetch_error(calendar_server.url("/big.ics"), limits=Limits(max_bytes=100_000))
    assert error.kind == "too-big"


def test_a_gzip_bomb_stops_at_the_limit(calendar_server: CalendarServer) -> None:
    calendar_server.serve("/bomb.ics", CALENDAR + b"\n" * 5_000_000, gzip=True)
    assert len(gzip.compress(CALENDAR + b"\n" * 5_000_000)) < 100_000
    error = fetch_error(calendar_server.url("/bomb.ics"), limits=Limits(max_bytes=1_000_000))
    assert error.kind == "too-big"


def test_a_slow_body_times_out_within_the_limit(calendar_server: CalendarServer) -> None:
    calendar_server.serve("/slow.ics", CALENDAR, delay_after_headers=3)
    started = time.monotonic()
    error = fetch_error(calendar_server.url("/slow.ics"), limits=Limits(total_seconds=0.5))
    assert error.kind == "timeout" and "0.5 s" in error.reason
    assert time.monotonic() - started < 2


# ---------------------------------------------------------------------------- refusals


def test_a_web_page_is_not_a_calendar(calendar_server: CalendarServer) -> None:
    page = b"<!DOCTYPE html><html><body>Sign in</body></html>"
    calendar_server.serve("/cal.ics", page, headers={"Content-Type": "text/html; charset=utf-8"})
    error = fetch_error(calendar_server.url("/cal.ics"))
    assert error.kind == "not-calendar"
    assert error.reason == "not a calendar: got text/html starting with <!DOCTYPE html><html"


def test_a_body_cut_short_of_its_length_is_truncated(calendar_server: CalendarServer) -> None:
    calendar_server.serve("/cut.ics", CALENDAR[:-40], declared_length=len(CALENDAR))
    assert fetch_error(calendar_server.url("/cut.ics")).kind == "truncated"


def test_a_calendar_without_its_end_is_truncated(calendar_server: CalendarServer) -> None:
    calendar_server.serve("/cut.ics", CALENDAR[: CALENDAR.index(b"END:VEVENT")])
    assert fetch_error(calendar_server.url("/cut.ics")).kind == "truncated"


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (401, "auth", "refused access (401)"),
        (403, "auth", "refused access (403)"),
        (404, "not-found", "no calendar at this address"),
        (410, "not-found", "no calendar at this address"),
        (500, "server", "server error (500)"),
        (503, "server", "server error (503)"),
    ],
)
def test_http_failures_have_short_reasons(
    calendar_server: CalendarServer, status: int, kind: str, words: str
) -> None:
    calendar_server.serve(SECRET_PATH, b"nope", status=status)
    error = fetch_error(calendar_server.url(SECRET_PATH))
    assert error.kind == kind and words in error.reason
    assert error.reason.startswith(f"http://127.0.0.1:{calendar_server.port}/…")


def test_a_refused_connection(calendar_server: CalendarServer) -> None:
    url = calendar_server.url(SECRET_PATH)
    calendar_server.close()
    error = fetch_error(url)
    assert error.kind == "refused" and "refused the connection" in error.reason


def test_dns_failure_reason() -> None:
    """Offline CI has no resolver to fail against, so the translation is tested alone."""
    wrapped = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    error = _network_error(wrapped, "https://no.such.host.example/private-x/basic.ics", Limits())
    assert error.kind == "dns"
    assert (
        error.reason
        == "cannot find the server https://no.such.host.example/… (no such name, or offline)"
    )
