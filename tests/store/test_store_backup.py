"""Backup: all user data to one JSON file and back, exact; a bad file changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from daybrief.core.review import ProblemKind, problem_id
from daybrief.store import (
    BackupError,
    Store,
    UserData,
    export_user_data,
    import_user_data,
    meeting_key,
    open_store,
    read_backup,
    write_backup,
)
from daybrief.store.answers import PendingAnswers, SentHistory
from daybrief.store.backup import FORMAT_VERSION, USER_TABLES, backup_text
from daybrief.store.models import AckState

# Tables of calendar data (re-creatable, so not in the backup). A new table must be added
# either here or to backup.USER_TABLES: the coverage test below makes that choice explicit.
# Made again by importing or fetching; source_sync and caldav_objects hold fetch state only
# (secrets stay in the keyring), so a backup has no reason to carry them.
CALENDAR_TABLES = {
    "sources", "source_content", "source_warnings", "occurrences", "source_blocks",
    "source_sync", "caldav_objects",
    "local_secrets",  # source addresses without a keyring: secrets, like the keyring's
}  # fmt: skip
# What the user last saw of each day's briefing: derived from the calendars, pruned freely.
DERIVED_TABLES = {"briefing_looks", "briefing_seen"}
# The task list's sync state: a restored store matches its follow-ups to the tasks by UID.
SYNC_TABLES = {"task_list", "follow_up_tasks"}

QBR = meeting_key("qbr@acme.example", "2026-03-05T10:00:00Z")
SERIES = meeting_key("weekly@globex.example")


def fill(ud: UserData) -> None:
    """Some of every kind of user data, with awkward text."""
    ud.meetings.remember(
        QBR,
        summary="QBR — Acme 🚀",
        start_utc=datetime(2026, 3, 5, 10, tzinfo=UTC),
        calendar="Work",
    )
    acme = ud.clients.create("Acme", ["acme.com", "acme.co.uk"])
    globex = ud.clients.create('Globex "Intl"', ["globex.example"])
    template = ud.templates.create(
        "Quarterly business review",
        [("Deck", True, "~/Clients/{client}/*QBR*.pptx"), ("Agenda", False)],
    )
    ud.templates.apply(QBR, template.id)
    ud.checklists.set_done_by_file(ud.checklists.items(QBR)[0].id, True)
    deck = ud.checklists.add(QBR, "Usage report\nwith two lines", required=True)
    ud.checklists.set_done(deck.id)
    ud.checklists.add(SERIES, "Ünïcödé ✓")
    ud.rules.add("title_keyword", "QBR", template.id)
    ud.rules.add("client", str(globex.id), template.id, enabled=False)
    ud.follow_ups.add("Send deck", due=date(2026, 3, 6), client_id=acme.id, meeting_key=QBR)
    done = ud.follow_ups.add("Call back", client_id=globex.id)
    ud.follow_ups.add(
        "Usage numbers before the next Globex call",
        due=date(2026, 3, 9),
        client_id=globex.id,
        due_before=SERIES,
        ical_uid="task-17@tasks.example",
    )
    ud.follow_ups.set_done(done.id)
    ud.notes.set(QBR, "Renewal is in May.\n\tTabs, 'quotes' and \"more\".")
    ud.goals.add(date(2026, 3, 5), "Close Acme")
    ud.settings.set("identity", ["me@agency.example"])
    ud.settings.set("tray", {"lead": 15, "ratio": 0.1, "on": True, "none": None})
    ud.reminders.mark_shown("before:qbr")
    ud.reminders.snooze("after:qbr", datetime(2026, 3, 5, 12, tzinfo=UTC))
    ud.meetings.dismiss(meeting_key("gone@acme.example"))
    ud.acks.set(problem_id(ProblemKind.DOUBLE_BOOKING, [QBR, SERIES]), AckState.IGNORED, ["x"])
    ud.acks.set(problem_id(ProblemKind.UNCONFIRMED, [QBR]), "handled")
    answered = datetime(2026, 3, 4, 17, tzinfo=UTC)
    PendingAnswers(ud.store).set(
        "qbr@acme.example", "2026-03-05T10:00:00Z", "DECLINED", comment="Sorry — travelling 🚆",
        previous="NEEDS-ACTION", at=answered,
    )  # fmt: skip
    SentHistory(ud.store).record(
        "reply", "Declined: QBR — Acme 🚀", ["jo@acme.example"], "sent", detail="via smtp",
        meeting_key=QBR, message_id="<1@agency.example>", at=answered,
    )  # fmt: skip


@pytest.fixture
def full(ud: UserData) -> UserData:
    fill(ud)
    return ud


def fresh(tmp_path: Path, name: str) -> Store:
    return open_store(tmp_path / name / "daybrief.sqlite3")


def test_every_table_is_in_the_backup_or_known_calendar_data(store: Store) -> None:
    tables = {
        row[0]
        for row in store.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert tables == (
        {spec.name for spec in USER_TABLES} | CALENDAR_TABLES | DERIVED_TABLES | SYNC_TABLES
    )
    for spec in USER_TABLES:
        columns = {row[1] for row in store.query(f"PRAGMA table_info({spec.name})")}
        assert columns == {column for column, _ in spec.columns}, spec.name


def test_every_user_table_has_rows_in_the_test_data(full: UserData) -> None:
    data = export_user_data(full.store)
    assert data["version"] == FORMAT_VERSION
    assert [name for name, rows in data["tables"].items() if not rows] == []


def test_round_trip_is_exact(full: UserData, tmp_path: Path) -> None:
    first = tmp_path / "backup.json"
    counts = write_backup(full.store, first)
    assert counts["checklist_items"] == 4
    with fresh(tmp_path, "other") as other:
        import_user_data(other, read_backup(first))
        second = tmp_path / "again.json"
        write_backup(other, second)
        assert second.read_bytes() == first.read_bytes()
        assert other.integrity_check() == ["ok"]
        # And the data reads back through the API the same.
        restored = UserData.of(other)
        assert restored.notes.get(QBR) == full.notes.get(QBR)
        assert restored.checklists.items(QBR) == full.checklists.items(QBR)
        assert restored.checklists.items(QBR)[0].file_pattern == "~/Clients/{client}/*QBR*.pptx"
        assert restored.checklists.items(QBR)[0].auto_done
        assert restored.templates.all() == full.templates.all()
        assert restored.clients.all() == full.clients.all()
        assert restored.settings.all() == full.settings.all()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_backup_file_is_readable_json(full: UserData, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    write_backup(full.store, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "daybrief-user-data"
    settings = {row["key"]: row["value"] for row in data["tables"]["settings"]}
    assert settings["tray"] == {"lead": 15, "ratio": 0.1, "on": True, "none": None}
    assert "Ünïcödé ✓" in path.read_text(encoding="utf-8")  # not \u-escaped


def test_import_into_a_store_with_data_is_refused(full: UserData, tmp_path: Path) -> None:
    with fresh(tmp_path, "other") as other:
        UserData.of(other).settings.set("zone", "Europe/Berlin")
        before = export_user_data(other)
        with pytest.raises(BackupError, match=r"already holds user data \(1 settings\)"):
            import_user_data(other, export_user_data(full.store))
        assert export_user_data(other) == before


def test_import_with_replace_swaps_everything(full: UserData, tmp_path: Path) -> None:
    backup = export_user_data(full.store)
    with fresh(tmp_path, "other") as other:
        theirs = UserData.of(other)
        theirs.settings.set("zone", "Europe/Berlin")
        theirs.checklists.add(QBR, "theirs")
        import_user_data(other, backup, replace=True)
        assert export_user_data(other) == backup
        # New edits carry on after the imported ids.
        assert theirs.checklists.add(QBR, "next").id > max(
            row["id"] for row in backup["tables"]["checklist_items"]
        )


def test_truncated_file_is_refused_with_its_line(full: UserData, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    write_backup(full.store, path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(BackupError, match=r"backup\.json:\d+: not a Daybrief backup, or cut short"):
        read_backup(path)


@pytest.mark.parametrize("payload", [b"", b"[1, 2]", b"\xff\xfe not utf-8", b'{"format": 1'])
def test_garbage_files_are_refused(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(payload)
    with pytest.raises(BackupError, match="backup"):
        read_backup(path)


def test_missing_file_is_a_backup_error(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="cannot read"):
        read_backup(tmp_path / "nope.json")


def broken(data: dict[str, Any], how: str) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    tables = data["tables"]
    if how == "format":
        data["format"] = "something-else"
    elif how == "newer":
        data["version"] = FORMAT_VERSION + 1
    elif how == "unknown table":
        tables["calendars"] = []
    elif how == "missing table":
        del tables["dismissed_orphans"]
    elif how == "extra column":
        tables["goals"][0]["colour"] = "red"
    elif how == "bool as int":
        tables["checklist_items"][0]["done"] = 1
    elif how == "bad date":
        tables["goals"][0]["day"] = "05/03/2026"
    elif how == "bad timestamp":
        tables["notes"][0]["updated_at"] = "yesterday"
    elif how == "null text":
        tables["notes"][0]["text"] = None
    elif how == "dangling meeting":  # valid rows, but a checklist item of no meeting
        tables["checklist_items"][-1]["meeting_key"] = "nobody@nowhere"
    elif how == "duplicate id":
        tables["reminders"].append(dict(tables["reminders"][0]))
    elif how == "nan setting":
        tables["settings"][0]["value"] = float("nan")
    return data


BREAKAGES = [
    "format",
    "newer",
    "unknown table",
    "missing table",
    "extra column",
    "bool as int",
    "bad date",
    "bad timestamp",
    "null text",
    "dangling meeting",
    "duplicate id",
    "nan setting",
]


@pytest.mark.parametrize("how", BREAKAGES)
def test_a_bad_backup_changes_nothing(full: UserData, tmp_path: Path, how: str) -> None:
    bad = broken(export_user_data(full.store), how)
    with fresh(tmp_path, "empty") as empty:
        with pytest.raises(BackupError):
            import_user_data(empty, bad)
        assert all(not rows for rows in export_user_data(empty)["tables"].values())
    # Even replacing: the old data survives a backup that fails halfway through inserting.
    before = export_user_data(full.store)
    with pytest.raises(BackupError):
        import_user_data(full.store, bad, replace=True)
    assert export_user_data(full.store) == before


def test_dangling_reference_names_the_table(full: UserData, tmp_path: Path) -> None:
    with fresh(tmp_path, "empty") as empty, pytest.raises(BackupError, match="checklist_items"):
        import_user_data(empty, broken(export_user_data(full.store), "dangling meeting"))


def as_format_1(data: dict[str, Any]) -> dict[str, Any]:
    """A backup as Daybrief wrote it before format 2 (no acks, no file patterns)."""
    data = json.loads(json.dumps(data))
    data["version"] = 1
    del data["tables"]["problem_acks"]
    for row in data["tables"]["template_items"]:
        del row["file_pattern"]
    for row in data["tables"]["checklist_items"]:
        del row["file_pattern"]
        del row["done_by"]
    return data


def test_a_format_1_backup_still_imports(full: UserData, tmp_path: Path) -> None:
    old = as_format_1(export_user_data(full.store))
    with fresh(tmp_path, "other") as other:
        counts = import_user_data(other, old)
        assert counts["problem_acks"] == 0
        restored = UserData.of(other)
        assert restored.acks.all() == []
        items = restored.checklists.items(QBR)
        assert [i.text for i in items] == [i.text for i in full.checklists.items(QBR)]
        assert all(i.file_pattern is None and i.done_by is None for i in items)
        # Exporting it again gives today's format with the new fields at their defaults.
        again = export_user_data(other)
        assert again["version"] == FORMAT_VERSION
        assert as_format_1(again) == old


@pytest.mark.parametrize("part", ["problem_acks", "file_pattern"])
def test_a_format_2_backup_must_have_the_format_2_parts(
    full: UserData, tmp_path: Path, part: str
) -> None:
    data = export_user_data(full.store)
    if part == "problem_acks":
        del data["tables"]["problem_acks"]
    else:
        del data["tables"]["checklist_items"][0]["file_pattern"]
    with fresh(tmp_path, "other") as other, pytest.raises(BackupError, match=part):
        import_user_data(other, data)


def test_acks_round_trip(full: UserData, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    write_backup(full.store, path)
    with fresh(tmp_path, "other") as other:
        import_user_data(other, read_backup(path))
        assert UserData.of(other).acks.all() == full.acks.all()
        assert len(full.acks.all()) == 2


def test_export_of_an_empty_store(store: Store) -> None:
    text = backup_text(export_user_data(store))
    assert json.loads(text)["tables"]["meetings"] == []
