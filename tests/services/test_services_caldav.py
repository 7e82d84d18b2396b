"""CalDAV against a real Radicale: discover, add, change on the server, refresh and see it;
wrong password; server gone mid-refresh. Plus the combining of objects into one calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.network import MemoryKeyring, Radicale, ics, tomorrow_at

from daybrief.services.caldav_source import (
    RemoteCalendar,
    combine,
    discover_calendars,
    pick_calendar,
)
from daybrief.services.credentials import KeyringStore, Secret
from daybrief.services.fetch import FetchError
from daybrief.services.refresh import refresh_source
from daybrief.services.sources import add_caldav_source, list_sources, set_source_secret
from daybrief.store import Store
from daybrief.store.calendars import Calendars
from daybrief.store.source_sync import SourceSync

NOW = datetime.now(UTC).replace(microsecond=0)


def secret(server: Radicale, password: str | None = None) -> Secret:
    return Secret(server.url, server.user, password or server.password)


def summaries(store: Store, source_id: int) -> list[str]:
    return sorted(o.event.summary for o in Calendars(store).occurrences_of(source_id))


def make_calendar(server: Radicale, cal_id: str, *events: tuple[str, str, datetime]) -> str:
    principal = server.client().principal()
    calendar = principal.make_calendar(name=cal_id.title(), cal_id=cal_id)
    for event in events:
        calendar.save_event(ics(event).decode())
    return str(calendar.url)


def put(server: Radicale, calendar_url: str, *event: tuple[str, str, datetime]) -> None:
    server.client().calendar(url=calendar_url).save_event(ics(*event).decode())


def add(store: Store, server: Radicale, calendar_url: str, name: str) -> int:
    result = add_caldav_source(
        store,
        RemoteCalendar(name, calendar_url),
        username=server.user,
        password=server.password,
        credentials=KeyringStore(),
        now=NOW,
        zone=UTC,
    )
    return result.source_id


def refresh(store: Store, source_id: int, at: datetime = NOW):  # type: ignore[no-untyped-def]
    return refresh_source(store, source_id, now=at, credentials=KeyringStore(), zone=UTC)


def test_discovery_lists_the_account_calendars(running_radicale: Radicale) -> None:
    found = discover_calendars(secret(running_radicale))
    names = {c.name for c in found}
    assert {"Work", "Home"} <= names
    work = next(c for c in found if c.name == "Work")
    assert work.url.endswith("/alice/work/")
    assert "alice" not in repr(work)
    assert pick_calendar(found, "work", running_radicale.url) == [work]
    assert pick_calendar(found, "all", running_radicale.url) == found
    assert pick_calendar(found, None, running_radicale.url) is None
    assert pick_calendar(found, None, work.url) == [work]
    assert pick_calendar(found, "Nope", running_radicale.url) == []


def test_wrong_password_at_discovery_is_a_clear_reason(running_radicale: Radicale) -> None:
    with pytest.raises(FetchError) as caught:
        discover_calendars(secret(running_radicale, "wrong"))
    assert caught.value.kind == "auth"
    assert caught.value.reason == (
        f"http://127.0.0.1:{running_radicale.port}/… refused the user name or password; "
        "check them and try again"
    )


def test_import_change_on_the_server_refresh_and_see_it(
    running_radicale: Radicale, source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    url = make_calendar(
        running_radicale,
        "clients",
        ("acme-qbr", "Acme QBR", tomorrow_at(10)),
        ("beta-sync", "Beta sync", tomorrow_at(14)),
    )
    source_id = add(source_store, running_radicale, url, "Clients")
    assert summaries(source_store, source_id) == ["Acme QBR", "Beta sync"]
    state = SourceSync(source_store).state(source_id)
    assert state is not None and state.sync_token, "Radicale supports sync-collection"
    assert state.calendar_name == "Clients"
    assert len(SourceSync(source_store).objects(source_id)) == 2

    assert refresh(source_store, source_id).outcome == "unchanged"

    put(running_radicale, url, ("acme-qbr", "Acme QBR (moved)", tomorrow_at(11)))
    running_radicale.client().calendar(url=url).event_by_uid("beta-sync").delete()
    put(running_radicale, url, ("gamma-kickoff", "Gamma kickoff", tomorrow_at(16)))
    result = refresh(source_store, source_id)
    assert result.outcome == "updated", result.summary()
    assert result.report is not None
    assert summaries(source_store, source_id) == ["Acme QBR (moved)", "Gamma kickoff"]
    assert [after.event.summary for _before, after in result.report.moved] == ["Acme QBR (moved)"]
    after = SourceSync(source_store).state(source_id)
    assert after is not None and after.sync_token != state.sync_token
    assert len(SourceSync(source_store).objects(source_id)) == 2


def test_an_expired_window_fetches_the_range_again(
    running_radicale: Radicale, source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    # Beyond what the first fetch asks for (window end + margin), and never changed after:
    # only a new time-range fetch, not a sync, can bring it in.
    later = tomorrow_at(9) + timedelta(days=230)
    url = make_calendar(
        running_radicale, "rolling", ("r-1", "Soon", tomorrow_at(9)), ("r-2", "Later", later)
    )
    source_id = add(source_store, running_radicale, url, "Rolling")
    assert summaries(source_store, source_id) == ["Soon"]
    assert len(SourceSync(source_store).objects(source_id)) == 1
    far = NOW + timedelta(days=60)
    result = refresh(source_store, source_id, far)
    assert not result.failed
    state = SourceSync(source_store).state(source_id)
    assert state is not None and state.fetched_end is not None
    assert state.fetched_end >= far + timedelta(days=180)
    assert summaries(source_store, source_id) == ["Later"]  # "Soon" is past the window now


def test_wrong_password_on_refresh_keeps_the_data(
    running_radicale: Radicale, source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    url = make_calendar(running_radicale, "pw", ("p-1", "Kept", tomorrow_at(9)))
    source_id = add(source_store, running_radicale, url, "Password")
    set_source_secret(
        source_store, source_id, KeyringStore(), username=running_radicale.user, password="stale"
    )
    result = refresh(source_store, source_id)
    assert result.failed and result.kind == "auth"
    assert "refused the user name or password" in result.reason
    assert summaries(source_store, source_id) == ["Kept"]
    [status] = [s for s in list_sources(source_store) if s.source.id == source_id]
    assert status.problem == result.reason and status.source.last_success_at


def test_server_stopped_mid_refresh_keeps_the_last_good_data(
    running_radicale: Radicale, source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    url = make_calendar(running_radicale, "stopping", ("s-1", "Still here", tomorrow_at(9)))
    source_id = add(source_store, running_radicale, url, "Stopping")
    put(running_radicale, url, ("s-2", "Never seen", tomorrow_at(12)))

    def stop_the_server(_done: int, _total: int, message: str) -> None:
        # Called as the fetch starts: the server goes away under the refresh.
        if "fetching" in message:
            running_radicale.stop()

    try:
        result = refresh_source(
            source_store,
            source_id,
            now=NOW,
            credentials=KeyringStore(),
            zone=UTC,
            progress=stop_the_server,
        )
    finally:
        running_radicale.start()
    assert result.failed and result.kind == "refused", result.reason
    assert summaries(source_store, source_id) == ["Still here"]
    state = SourceSync(source_store).state(source_id)
    assert state is not None and state.failures == 1 and state.next_retry_at is not None
    # Back up: the change arrives on the next refresh.
    assert refresh(source_store, source_id).outcome == "updated"
    assert summaries(source_store, source_id) == ["Never seen", "Still here"]


# ---------------------------------------------------------------------------- combining

BERLIN = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def object_with(uid: str, zone: bool) -> bytes:
    event = (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID=Europe/Berlin:20261124T100000\r\n"
        f"SUMMARY:{uid}\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
        "END:VEVENT\r\n"
    )
    zones = BERLIN if zone else ""
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{zones}{event}END:VCALENDAR\r\n".encode()


def test_combine_keeps_each_zone_once_and_every_event_whole() -> None:
    data = combine([object_with("a", True), object_with("b", True), object_with("c", False)], "W,1")
    text = data.decode()
    assert text.count("BEGIN:VTIMEZONE") == 1 and text.count("BEGIN:VEVENT") == 3
    assert text.count("BEGIN:VALARM") == 3 and text.count("END:VALARM") == 3
    assert "X-WR-CALNAME:W\\,1\r\n" in text
    assert text.index("END:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert text.endswith("END:VCALENDAR\r\n")
    assert combine([object_with("a", True)], "W") == combine([object_with("a", True)], "W")


def test_a_server_without_sync_support_is_fetched_by_time_range_each_time(
    running_radicale: Radicale,
    source_store: Store,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Radicale has sync-collection; a server without it answers the REPORT with an error,
    which is what this stands in for."""
    from caldav.collection import Calendar
    from caldav.lib import error as dav_error

    def unsupported(*_args: object, **_kwargs: object) -> None:
        raise dav_error.ReportError("sync-collection not supported")

    monkeypatch.setattr(Calendar, "get_objects_by_sync_token", unsupported)
    url = make_calendar(running_radicale, "nosync", ("n-1", "First", tomorrow_at(9)))
    source_id = add(source_store, running_radicale, url, "No sync")
    state = SourceSync(source_store).state(source_id)
    assert state is not None and state.sync_token is None
    assert refresh(source_store, source_id).outcome == "unchanged"
    put(running_radicale, url, ("n-1", "First (renamed)", tomorrow_at(9)))
    assert refresh(source_store, source_id).outcome == "updated"
    assert summaries(source_store, source_id) == ["First (renamed)"]


def test_server_stopped_between_the_sync_report_and_the_downloads(
    running_radicale: Radicale,
    source_store: Store,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server answers the sync REPORT, then goes away before the changed object is
    downloaded: the half-fetched change is dropped and the token stays where it was."""
    from caldav.calendarobjectresource import CalendarObjectResource

    url = make_calendar(running_radicale, "midway", ("m-1", "Before", tomorrow_at(9)))
    source_id = add(source_store, running_radicale, url, "Midway")
    token = SourceSync(source_store).state(source_id).sync_token  # type: ignore[union-attr]
    put(running_radicale, url, ("m-1", "After", tomorrow_at(9)))
    original = CalendarObjectResource.load

    def stop_then_load(self: CalendarObjectResource, *args: object, **kwargs: object) -> object:
        running_radicale.stop()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CalendarObjectResource, "load", stop_then_load)
    try:
        result = refresh(source_store, source_id)
    finally:
        monkeypatch.setattr(CalendarObjectResource, "load", original)
        running_radicale.start()
    assert result.failed and result.kind in ("refused", "network"), result.reason
    assert summaries(source_store, source_id) == ["Before"]
    assert SourceSync(source_store).state(source_id).sync_token == token  # type: ignore[union-attr]
    assert refresh(source_store, source_id).outcome == "updated"
    assert summaries(source_store, source_id) == ["After"]
