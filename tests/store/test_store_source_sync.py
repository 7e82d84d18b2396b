"""Schema 4 (source sync): older stores gain it with their sources intact; it follows its
source out; it is not user data, so backups leave it out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from daybrief.store import export_user_data, open_store
from daybrief.store.calendars import Calendars
from daybrief.store.db import bundled_migrations
from daybrief.store.source_sync import CalendarObject, SourceSync, merged_objects

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_store_from_before_source_sync_keeps_its_sources(tmp_path: Path) -> None:
    path = tmp_path / "daybrief.sqlite3"
    version = next(m.version for m in bundled_migrations() if m.name == "source_sync")
    before = [m for m in bundled_migrations() if m.version < version]
    with open_store(path, migrations=before) as store:
        source = Calendars(store).add_source("url", "https://example.com/… [abc]", "Work")
    with open_store(path) as store:
        assert [s.name for s in Calendars(store).sources()] == ["Work"]
        sync = SourceSync(store)
        assert sync.state(source.id) is None
        sync.create(source.id, secret_ref="abc", display_url="https://example.com/…")
        state = sync.state(source.id)
        assert state is not None and state.failures == 0 and state.sync_token is None
        assert store.integrity_check() == ["ok"]


def test_sync_state_and_objects_go_with_their_source(tmp_path: Path) -> None:
    with open_store(tmp_path / "daybrief.sqlite3") as store:
        source = Calendars(store).add_source("caldav", "https://dav.example/… Work [r1]", "Work")
        sync = SourceSync(store)
        sync.create(source.id, secret_ref="r1", display_url="https://dav.example/…")
        sync.save_objects(
            source.id,
            changed=[CalendarObject("/a.ics", '"1"', b"A"), CalendarObject("/b.ics", None, b"B")],
            removed=[],
            replace_all=True,
            sync_token="t1",
            fetched=(AT, AT),
        )
        sync.save_objects(
            source.id,
            changed=[CalendarObject("/c.ics", '"3"', b"C")],
            removed=["/a.ics"],
            replace_all=False,
            sync_token="t2",
            fetched=None,
        )
        assert sorted(sync.objects(source.id)) == ["/b.ics", "/c.ics"]
        state = sync.state(source.id)
        assert state is not None and state.sync_token == "t2" and state.fetched_end == AT
        assert "source_sync" not in export_user_data(store)
        assert sync.record_failure(source.id, AT, AT) == 1
        assert sync.record_failure(source.id, AT, AT) == 2
        Calendars(store).remove_source(source.id)
        assert sync.states() == {} and sync.objects(source.id) == {}


def test_merged_objects_applies_removals_then_changes() -> None:
    current = {"/a": CalendarObject("/a", "1", b"a"), "/b": CalendarObject("/b", "1", b"b")}
    merged = merged_objects(current, [CalendarObject("/b", "2", b"b2")], ["/a", "/gone"])
    assert merged == {"/b": CalendarObject("/b", "2", b"b2")}
    assert sorted(current) == ["/a", "/b"]
