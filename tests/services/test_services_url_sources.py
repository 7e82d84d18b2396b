"""ICS subscriptions end to end: add, refresh (304, changed), fail and keep the last good
data, back off, remove; secrets only in the (memory) keyring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.network import CalendarServer, MemoryKeyring, Reply, ics, tomorrow_at

from daybrief.services.credentials import (
    CredentialsUnavailable,
    KeyringStore,
    Secret,
    SessionCredentials,
)
from daybrief.services.fetch import FetchError, Limits
from daybrief.services.refresh import (
    REFRESH_MINUTES_SETTING,
    due_sources,
    refresh_all,
    refresh_source,
    retry_delay,
)
from daybrief.services.sources import (
    SourceExists,
    add_url_source,
    list_sources,
    remove_source,
    set_source_secret,
)
from daybrief.store import Store
from daybrief.store.calendars import Calendars
from daybrief.store.settings import Settings

TOKEN = "private-3c1d9a7e55f04b2a"
PATH = f"/calendar/ical/me%40example.com/{TOKEN}/basic.ics"
NOW = datetime.now(UTC).replace(microsecond=0)
FIRST = ics(("qbr-1", "Acme QBR", tomorrow_at(10)), ("sync-1", "Beta sync", tomorrow_at(14)))


def summaries(store: Store, source_id: int) -> list[str]:
    return sorted(o.event.summary for o in Calendars(store).occurrences_of(source_id))


def add(store: Store, server: CalendarServer, **options: object) -> int:
    result = add_url_source(
        store, server.url(PATH), credentials=KeyringStore(), now=NOW, zone=UTC, **options
    )  # type: ignore[arg-type]
    assert result.outcome == "updated"
    return result.source_id


def refresh(store: Store, source_id: int, at: datetime = NOW, **options: object):  # type: ignore[no-untyped-def]
    return refresh_source(store, source_id, now=at, credentials=KeyringStore(), zone=UTC, **options)  # type: ignore[arg-type]


def test_a_url_source_is_added_with_its_secret_in_the_keyring_only(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, FIRST, headers={"ETag": '"1"'})
    source_id = add(source_store, calendar_server, name="Work")
    assert summaries(source_store, source_id) == ["Acme QBR", "Beta sync"]
    [status] = list_sources(source_store)
    assert status.source.name == "Work" and status.source.kind == "url"
    assert status.address == f"http://127.0.0.1:{calendar_server.port}/…"
    assert TOKEN not in status.source.location
    [(service, _key)] = memory_keyring.entries
    assert service == "Daybrief"
    assert TOKEN in next(iter(memory_keyring.entries.values()))


def test_refresh_uses_the_etag_and_sees_changes(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    version = {"etag": '"1"', "body": FIRST}

    def reply(handler: object) -> Reply:
        if handler.headers.get("If-None-Match") == version["etag"]:
            return Reply(304)
        return Reply(body=version["body"], headers={"ETag": version["etag"]})  # type: ignore[arg-type]

    calendar_server.routes[PATH] = reply
    source_id = add(source_store, calendar_server)
    assert refresh(source_store, source_id).outcome == "unchanged"
    version.update(etag='"2"', body=ics(("qbr-1", "Acme QBR (moved)", tomorrow_at(11))))
    result = refresh(source_store, source_id)
    assert result.outcome == "updated" and result.report is not None
    assert len(result.report.removed) == 1
    assert summaries(source_store, source_id) == ["Acme QBR (moved)"]
    sent = [headers.get("If-None-Match") for _path, headers in calendar_server.requests]
    assert sent == [None, '"1"', '"1"']


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(500, b"oops"), "server"),
        (Reply(401, b"no"), "auth"),
        (Reply(404, b"gone"), "not-found"),
        (Reply(200, b"<!DOCTYPE html><p>login</p>", {"Content-Type": "text/html"}), "not-calendar"),
        (Reply(200, FIRST[:-60]), "truncated"),
    ],
)
def test_a_failed_refresh_keeps_the_last_good_data_and_says_why(
    source_store: Store,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
    reply: Reply,
    kind: str,
) -> None:
    calendar_server.serve(PATH, FIRST)
    source_id = add(source_store, calendar_server)
    calendar_server.routes[PATH] = lambda _handler: reply
    later = NOW + timedelta(hours=1)
    result = refresh(source_store, source_id, later)
    assert result.failed and result.kind == kind
    assert TOKEN not in result.reason and TOKEN not in result.summary()
    assert "keeping the data from" in result.summary()
    assert summaries(source_store, source_id) == ["Acme QBR", "Beta sync"]
    [status] = list_sources(source_store)
    assert status.problem == result.reason
    assert status.source.last_success_at is not None
    assert status.next_retry_at == later + retry_delay(1)


def test_failures_back_off_exponentially_and_a_success_resets(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, FIRST)
    source_id = add(source_store, calendar_server)
    Settings(source_store).set(REFRESH_MINUTES_SETTING, 30)
    assert due_sources(source_store, NOW + timedelta(minutes=29)) == []
    assert due_sources(source_store, NOW + timedelta(minutes=30)) == [source_id]
    calendar_server.serve(PATH, b"down", status=503)
    at = NOW + timedelta(minutes=30)
    waits = []
    for _ in range(4):
        result = refresh(source_store, source_id, at)
        assert result.failed and result.next_retry_at is not None
        waits.append(result.next_retry_at - at)
        assert due_sources(source_store, result.next_retry_at - timedelta(seconds=1)) == []
        at = result.next_retry_at
        assert due_sources(source_store, at) == [source_id]
    assert waits == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert retry_delay(30) == timedelta(hours=6)
    calendar_server.serve(PATH, FIRST)
    assert not refresh(source_store, source_id, at).failed
    [status] = list_sources(source_store)
    assert status.problem == "" and status.next_retry_at is None and status.sync
    assert status.sync.failures == 0
    assert due_sources(source_store, at + timedelta(minutes=29)) == []


def test_refresh_all_goes_on_after_a_failure_and_reports_progress(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, FIRST)
    calendar_server.serve("/b.ics", ics(("b-1", "Other", tomorrow_at(8)), name="B"))
    first = add(source_store, calendar_server)
    second = add_url_source(
        source_store, calendar_server.url("/b.ics"), credentials=KeyringStore(), now=NOW, zone=UTC
    ).source_id
    calendar_server.serve(PATH, b"", status=500)
    calendar_server.serve("/b.ics", ics(("b-1", "Other (moved)", tomorrow_at(9)), name="B"))
    seen: list[tuple[int, int]] = []
    results = refresh_all(
        source_store,
        now=NOW,
        credentials=KeyringStore(),
        zone=UTC,
        progress=lambda done, total, _message: seen.append((done, total)),
    )
    assert [(r.source_id, r.outcome) for r in results] == [(first, "failed"), (second, "updated")]
    assert seen[-1] == (8, 8) and all(d <= t for d, t in seen)


def test_adding_refuses_what_is_not_a_calendar_and_stores_nothing(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, b"<html>", headers={"Content-Type": "text/html"})
    with pytest.raises(FetchError, match="not a calendar"):
        add(source_store, calendar_server)
    calendar_server.serve(PATH, FIRST[: FIRST.index(b"END:VEVENT")])
    with pytest.raises(FetchError, match="cut off"):
        add(source_store, calendar_server)
    assert list_sources(source_store) == [] and memory_keyring.entries == {}


def test_the_same_address_is_not_added_twice(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, FIRST)
    add(source_store, calendar_server)
    with pytest.raises(SourceExists, match="already added"):
        add(source_store, calendar_server)


def test_no_keyring_is_a_clear_choice_not_a_crash(
    source_store: Store, calendar_server: CalendarServer, no_keyring: object
) -> None:
    calendar_server.serve(PATH, FIRST)
    with pytest.raises(CredentialsUnavailable) as caught:
        add(source_store, calendar_server)
    message = str(caught.value)
    assert message.startswith("no keyring backend")
    assert "install one" in message and "this session only" in message
    assert list_sources(source_store) == []
    # The other choice: this session only.
    session = SessionCredentials()
    result = add_url_source(
        source_store, calendar_server.url(PATH), credentials=session, now=NOW, zone=UTC
    )
    assert not result.failed
    # After a restart the secret is gone: the source says so and keeps its data.
    later = refresh_source(
        source_store, result.source_id, now=NOW, credentials=SessionCredentials(), zone=UTC
    )
    assert later.failed and later.needs_credentials
    assert summaries(source_store, result.source_id) == ["Acme QBR", "Beta sync"]
    with_keyring_down = refresh(source_store, result.source_id)
    assert with_keyring_down.failed and with_keyring_down.needs_credentials
    assert with_keyring_down.reason.startswith("no keyring backend")


def test_entering_the_secret_again(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, FIRST)
    source_id = add(source_store, calendar_server)
    memory_keyring.entries.clear()
    assert refresh(source_store, source_id).needs_credentials
    with pytest.raises(FetchError, match="add it as a new calendar"):
        set_source_secret(
            source_store, source_id, KeyringStore(), url="https://elsewhere.example/x.ics"
        )
    set_source_secret(source_store, source_id, KeyringStore(), url=calendar_server.url(PATH))
    assert not refresh(source_store, source_id).failed


def test_removing_keeps_user_data_and_forgets_the_secret(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, FIRST)
    source_id = add(source_store, calendar_server)
    remove_source(source_store, source_id, KeyringStore())
    assert list_sources(source_store) == [] and memory_keyring.entries == {}


def test_a_password_is_sent_as_basic_auth(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    def reply(handler: object) -> Reply:
        if handler.headers.get("Authorization") != "Basic dTpwdw==":  # u:pw
            return Reply(401, b"who?")
        return Reply(body=FIRST)

    calendar_server.routes[PATH] = reply
    source_id = add(source_store, calendar_server, username="u", password="pw")
    assert not refresh(source_store, source_id).failed
    stored = KeyringStore().get(next(iter(memory_keyring.entries))[1].removeprefix("source-"))
    assert stored == Secret(calendar_server.url(PATH), "u", "pw")
    assert repr(stored) == "Secret(…)" and "pw" not in f"{stored}"


def test_limits_reach_the_fetch(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    calendar_server.serve(PATH, FIRST)
    source_id = add(source_store, calendar_server)
    result = refresh(source_store, source_id, limits=Limits(max_bytes=100))
    assert result.failed and result.kind == "too-big"


def test_the_window_job_refreshes_on_its_own_connection(
    source_store: Store, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:
    from daybrief.services.jobs import refresh_sources

    calendar_server.serve(PATH, FIRST)
    source_id = add(source_store, calendar_server)
    calendar_server.serve(PATH, ics(("qbr-1", "Acme QBR", tomorrow_at(12))))
    steps: list[str] = []
    [result] = refresh_sources(
        source_store.path,
        credentials=KeyringStore(),
        now=NOW,
        progress=lambda _done, _total, message: steps.append(message),
        source_id=source_id,
    )
    assert result.outcome == "updated" and steps[-1] == "done"
    assert summaries(source_store, source_id) == ["Acme QBR"]
    assert refresh_sources(
        source_store.path, credentials=KeyringStore(), now=NOW, progress=lambda *_: None,
        only_due=True,
    ) == []  # fmt: skip
