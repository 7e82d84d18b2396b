"""Issue 19 on the command line: old years, terminal escapes, exit codes for faults."""

from __future__ import annotations

import base64
import functools
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from daybrief.cli.main import main
from daybrief.services import storage
from daybrief.store.db import bundled_migrations, open_store

NOW = "2026-03-02T18:00:00Z"

ANCIENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Ancient\r\n"
    "BEGIN:VEVENT\r\nUID:forever\r\nSUMMARY:Forever\r\n"
    "DTSTART;VALUE=DATE:00010101\r\nDTEND;VALUE=DATE:99991231\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:old\r\nSUMMARY:Old\r\nDTSTART:05000101T090000Z\r\n"
    "RRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--now", NOW])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def ancient(tmp_path: Path) -> Path:
    path = tmp_path / "ancient.ics"
    path.write_text(ANCIENT, encoding="utf-8")
    return path


def _json_rows(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


# --- 1: years before 1000 -------------------------------------------------------------------


def _store_works(capsys, data: Path, calendar: Path) -> None:
    for args in (
        ["import", str(calendar)],
        ["import", str(calendar)],
        ["brief", "--no-mark-seen"],
        ["brief"],
        ["brief"],
    ):
        code, _, err = run(capsys, *args, "--data-dir", str(data))
        assert code == 0, (args, err)
        assert "Traceback" not in err
    code, out, err = run(
        capsys, "occurrences", "--data-dir", str(data), "--start", "0001-01-01",
        "--end", "0001-01-02", "--tz", "UTC", "--json",
    )  # fmt: skip
    assert code == 0, err
    (row,) = _json_rows(out)
    assert (row["start_utc"], row["end_utc"]) == ("0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z")
    assert (row["start_date"], row["end_date"]) == ("0001-01-01", "9999-12-31")
    code, _, err = run(capsys, "sources", "remove", "Ancient", "--data-dir", str(data))
    assert code == 0, err


def test_every_year_from_1_to_9999_survives_the_store_and_json(capsys, tmp_path, ancient):
    _store_works(capsys, tmp_path / "data", ancient)


def test_years_before_1000_read_from_a_file_come_out_padded(capsys, ancient):
    code, out, err = run(
        capsys, "occurrences", str(ancient), "--start", "0500-01-01", "--end", "0502-12-31",
        "--tz", "UTC", "--json",
    )  # fmt: skip
    assert code == 0, err
    old = [r for r in _json_rows(out) if r["uid"] == "old"]
    assert [r["start_utc"] for r in old] == [
        "0500-01-01T09:00:00Z",
        "0501-01-01T09:00:00Z",
        "0502-01-01T09:00:00Z",
    ]
    assert old[1]["recurrence_id"] == "0501-01-01T09:00:00Z"


def test_a_store_poisoned_by_an_older_version_is_repaired_on_open(capsys, tmp_path, ancient):
    data = tmp_path / "data"
    code, _, err = run(capsys, "import", str(ancient), "--data-dir", str(data))
    assert code == 0, err
    # A schema-8 store (as versions before the fix left it) holding the same calendar.
    current = data / "daybrief.sqlite3"
    old = tmp_path / "old.sqlite3"
    open_store(old, migrations=bundled_migrations()[:8]).close()
    con = sqlite3.connect(old)
    con.execute("ATTACH ? AS new", (str(current),))
    for table in ("sources", "source_content", "source_blocks", "occurrences", "source_sync"):
        # The columns schema 8 had; later schemas add some.
        columns = ", ".join(row[1] for row in con.execute(f"PRAGMA main.table_info({table})"))
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM new.{table}")
    con.commit()
    con.execute("DETACH new")
    con.close()
    for companion in ("-wal", "-shm"):
        current.with_name(current.name + companion).unlink(missing_ok=True)
    old.replace(current)
    # Timestamps as those versions wrote them: year 1 as "1-01-01T…", no padding.
    con = sqlite3.connect(data / "daybrief.sqlite3")
    con.execute(
        "UPDATE occurrences SET start_utc = substr(start_utc, 4) WHERE start_utc LIKE '0001-%'"
    )
    con.execute(
        "INSERT INTO meetings (meeting_key, uid, recurrence_id, summary, start_utc, calendar, "
        "created_at, updated_at) VALUES ('old' || char(31) || '501-01-01T09:00:00Z', 'old', "
        "'501-01-01T09:00:00Z', 'Old', '501-01-01T09:00:00.000000Z', 'Ancient', "
        "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
    )
    con.execute(
        "INSERT INTO notes (meeting_key, text, created_at, updated_at) VALUES "
        "('old' || char(31) || '501-01-01T09:00:00Z', 'kept', '2026-01-01T00:00:00.000000Z', "
        "'2026-01-01T00:00:00.000000Z')"
    )
    con.commit()
    assert con.execute("SELECT count(*) FROM occurrences WHERE start_utc = '1-01-01T00:00:00Z'")
    con.close()

    _store_works(capsys, data, ancient)
    con = sqlite3.connect(data / "daybrief.sqlite3")
    keys = [row[0] for row in con.execute("SELECT meeting_key FROM notes")]
    assert keys == ["old\x1f0501-01-01T09:00:00Z"]
    assert con.execute("SELECT start_utc, recurrence_id FROM meetings").fetchall() == [
        ("0501-01-01T09:00:00.000000Z", "0501-01-01T09:00:00Z")
    ]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


# --- 7: terminal escapes ---------------------------------------------------------------------

HOSTILE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    "X-WR-CALNAME:Evil\x1b]0;pwned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07\x9b31m\r\n"
    "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Bell\x07 and \x1b[2J clear\u202e\r\n"
    "DTSTART:20260303T090000Z\r\nDTEND:20260303T100000Z\r\n"
    "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:me@example.com\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Other\x1bP\r\n"
    "DTSTART:20260303T093000Z\r\nDTEND:20260303T103000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)
_CONTROLS = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]} | {"\u202e"}


def _assert_clean(text: str) -> None:
    found = {c for c in text if c in _CONTROLS}
    assert not found, f"control characters reached the terminal: {sorted(map(ord, found))}"


def test_no_control_character_from_a_calendar_reaches_the_terminal(capsys, tmp_path):
    path = tmp_path / "evil.ics"
    path.write_bytes(HOSTILE.encode())
    data = str(tmp_path / "data")
    window = ["--start", "2026-03-03", "--end", "2026-03-04", "--tz", "UTC"]
    runs = [
        ["occurrences", str(path), *window],
        ["conflicts", str(path), *window],
        ["unconfirmed", str(path), *window, "--me", "me@example.com"],
        ["import", str(path), "--data-dir", data],
        ["occurrences", "--data-dir", data, *window],
        ["sources", "list", "--data-dir", data],
        ["brief", "--data-dir", data, "--date", "2026-03-03"],
        ["sources", "remove", "1", "--data-dir", data],
    ]
    for args in runs:
        code, out, err = run(capsys, *args)
        assert code in (0, 1), (args, err)
        assert out.strip(), args
        _assert_clean(out)
        _assert_clean(err)
    code, out, _ = run(capsys, "occurrences", str(path), *window, "--json")
    _assert_clean(out)
    rows = _json_rows(out)  # still the calendar's text, escaped rather than lost
    assert rows[0]["summary"] == "Bell\x07 and \x1b[2J clear\u202e"
    assert rows[0]["calendar"].startswith("Evil\x1b]0;pwned")


# --- 9: faults get a line and an exit code; bugs get 70 and a log ------------------------------


def test_an_unexpected_error_exits_70_with_the_traceback_in_a_log(capsys, tmp_path, monkeypatch):
    data = tmp_path / "data"

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("daybrief.services.queries.occurrences_in_store", broken)
    path = tmp_path / "cal.ics"
    path.write_text(ANCIENT)
    assert run(capsys, "import", str(path), "--data-dir", str(data))[0] == 0
    code, _, err = run(capsys, "occurrences", "--data-dir", str(data))
    assert code == 70
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    (log,) = data.glob("crash-*.log")
    assert str(log) in err
    assert "RuntimeError: a bug" in log.read_text()
    assert log.stat().st_mode & 0o077 == 0


def _imported(capsys, tmp_path) -> Path:
    data = tmp_path / "data"
    path = tmp_path / "cal.ics"
    path.write_text(HOSTILE)
    assert run(capsys, "import", str(path), "--data-dir", str(data))[0] == 0
    return data


def test_a_store_kept_busy_by_another_process_is_exit_5(capsys, tmp_path, monkeypatch):
    data = _imported(capsys, tmp_path)
    monkeypatch.setattr(storage, "open_store", functools.partial(storage.open_store, timeout=0.2))
    holder = sqlite3.connect(data / "daybrief.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(capsys, "import", str(tmp_path / "cal.ics"), "--data-dir", str(data))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 5
    assert "busy" in err and "Traceback" not in err


def test_a_full_disk_is_exit_5_and_changes_nothing(capsys, tmp_path, monkeypatch):
    data = _imported(capsys, tmp_path)
    real = storage.open_store

    def small(path, **kwargs):
        store = real(path, **kwargs)
        pages = store.query_one("PRAGMA page_count")[0]
        store.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL on the next page
        return store

    monkeypatch.setattr(storage, "open_store", small)
    big = tmp_path / "big.ics"
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{i}\r\nSUMMARY:{'x' * 200}\r\nDTSTART:20260303T090000Z\r\n"
        "END:VEVENT\r\n"
        for i in range(500)
    )
    big.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n")
    code, _, err = run(capsys, "import", str(big), "--data-dir", str(data))
    assert code == 5, err
    assert "full" in err and "Traceback" not in err
    monkeypatch.undo()
    code, out, _ = run(capsys, "sources", "list", "--data-dir", str(data))
    assert code == 0 and "big" not in out


def test_a_damaged_store_is_exit_5_with_what_happened(capsys, tmp_path):
    data = _imported(capsys, tmp_path)
    path = data / "daybrief.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    raw = bytearray(path.read_bytes())
    for offset in range(4096, len(raw), 4096):  # every page but the header's
        raw[offset + 8 : offset + 4096] = b"\xa5" * (4096 - 8)
    path.write_bytes(bytes(raw))
    code, _, err = run(capsys, "occurrences", "--data-dir", str(data))
    assert code == 5, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


# --- 11: exports are private --------------------------------------------------------------------


def test_a_brief_written_to_a_file_is_readable_by_the_user_only(capsys, tmp_path):
    data = _imported(capsys, tmp_path)
    previous = os.umask(0o022)
    try:
        target = tmp_path / "brief.html"
        code, _, err = run(
            capsys, "brief", "--data-dir", str(data), "--date", "2026-03-03",
            "--format", "html", "--out", str(target),
        )  # fmt: skip
    finally:
        os.umask(previous)
    assert code in (0, 1), err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# --- 12: headless machines keep their subscriptions ------------------------------------------


def _run_in(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return run(capsys, *args)


def _protected(calendar_server, path: str, password: str) -> None:
    from tests.network import Reply, ics, tomorrow_at

    expected = "Basic " + base64.b64encode(f"me:{password}".encode()).decode()
    body = ics(("p-1", "Private", tomorrow_at(9)), name="Private")

    def route(handler):
        if handler.headers.get("Authorization") != expected:
            return Reply(401, b"no")
        return Reply(body=body)

    calendar_server.routes[path] = route


def test_without_a_keyring_a_password_command_keeps_a_subscription_alive(
    capsys, monkeypatch, tmp_path, calendar_server, no_keyring
):
    password = "pw-from-command-8Kq"
    _protected(calendar_server, "/p.ics", password)
    data = ["--data-dir", str(tmp_path / "data")]
    url = calendar_server.url("/p.ics")
    secret_file = tmp_path / "secret.txt"  # as `pass show` would print it
    secret_file.write_text(f"{password}\nsecond line\n")
    command = f"cat '{secret_file}'"
    code, out, err = _run_in(
        capsys, monkeypatch, "sources", "add", url, "--user", "me",
        "--password-command", command, *data,
    )  # fmt: skip
    assert code == 0, err
    assert "Added 'Private'" in out and "kept in the store" in err
    code, out, err = _run_in(capsys, monkeypatch, "sources", "refresh", *data)
    assert code == 0, err
    # The command ran again for the refresh; the password itself is nowhere on disk.
    for file in (tmp_path / "data").iterdir():
        assert password.encode() not in file.read_bytes(), file


def test_without_a_keyring_a_typed_password_is_refused_naming_the_way_out(
    capsys, monkeypatch, tmp_path, calendar_server, no_keyring
):
    _protected(calendar_server, "/p.ics", "typed")
    code, _, err = _run_in(
        capsys, monkeypatch, "sources", "add", calendar_server.url("/p.ics"), "--user", "me",
        "--password-stdin", "--data-dir", str(tmp_path / "data"), stdin="typed\n",
    )  # fmt: skip
    assert code == 2
    line = err.strip()
    assert "\n" not in line and "--password-command" in line
    assert line.endswith("(--session-only)"), line  # whole, not cut mid-word


def test_a_failing_password_command_is_one_clear_line(capsys, monkeypatch, tmp_path):
    code, _, err = _run_in(
        capsys, monkeypatch, "sources", "add", "https://cal.example/x.ics", "--user", "me",
        "--password-command", "exit 3", "--data-dir", str(tmp_path / "data"),
    )  # fmt: skip
    assert code == 2
    assert err.strip() == "daybrief: --password-command: failed (exit status 3)"


def test_password_from_command_takes_the_first_line():
    from daybrief.services.credentials import PasswordCommandFailed, password_from_command

    assert password_from_command("printf 'a b c\\r\\nnext\\n'") == "a b c"
    assert password_from_command("echo one | tr o O") == "One"
    with pytest.raises(PasswordCommandFailed, match="printed no password"):
        password_from_command("true")
    with pytest.raises(PasswordCommandFailed, match="gave no password within"):
        password_from_command("sleep 5", timeout=0.2)


# --- 9/10: hostile backups and oversized files ---------------------------------------------------


def _backup_with(tmp_path, capsys, change) -> tuple[int, str]:
    data = tmp_path / "data"
    source = tmp_path / "good.json"
    assert run(capsys, "export-data", str(source), "--data-dir", str(data))[0] == 0
    backup = json.loads(source.read_text())
    text = change(backup)
    hostile = tmp_path / "hostile.json"
    hostile.write_text(text if isinstance(text, str) else json.dumps(backup))
    code, _, err = run(capsys, "import-data", str(hostile), "--data-dir", str(tmp_path / "new"))
    return code, err


def _with_template(backup: dict, **fields) -> None:
    row = {"id": 1, "name": "T", "created_at": "2026-01-01T00:00:00.000000Z",
           "updated_at": "2026-01-01T00:00:00.000000Z"}  # fmt: skip
    row.update(fields)
    backup["tables"]["templates"] = [row]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (lambda b: '{"format": ' + "9" * 5000 + "}", "not a Daybrief backup"),
        (lambda b: _with_template(b, id=10**30), "too large"),
        (lambda b: _with_template(b, created_at="2026-99-99T99:99:99.000000Z"), "timestamp"),
    ],
    ids=["deep", "5000-digits", "huge-integer", "impossible-timestamp"],
)
def test_a_hostile_backup_is_refused_in_one_line(capsys, tmp_path, change, expected):
    code, err = _backup_with(tmp_path, capsys, change)
    assert code == 2, err
    assert expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_calendar_file_over_the_cap_is_refused_without_being_read(capsys, tmp_path):
    huge = tmp_path / "huge.ics"
    with huge.open("wb") as handle:  # sparse: 1 GB that costs nothing on disk
        handle.write(b"BEGIN:VCALENDAR\r\n")
        handle.truncate(1024**3)
    for args in (["import", str(huge), "--data-dir", str(tmp_path / "d")],
                 ["occurrences", str(huge)]):  # fmt: skip
        code, _, err = run(capsys, *args)
        assert code == 2, err
        assert "larger than 50 MB" in err and str(huge) in err


# --- 10: a read-only store is read, and every failure says what it is ---------------------------


def _read_only_mount_works() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind / /mnt 2>/dev/null || mount -t tmpfs t /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.skipif(
    not _read_only_mount_works(),
    reason="needs a private read-only bind mount (unshare -m); chmod cannot make a folder "
    "read-only for root",
)
def test_read_only_commands_work_on_a_read_only_store_and_writes_say_why(capsys, tmp_path):
    data = _imported(capsys, tmp_path)
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "DAYBRIEF_NOW": NOW}
    window = "--start 2026-03-03 --end 2026-03-04 --tz UTC"
    commands = {
        "occurrences": f"occurrences --data-dir {mounted} {window}",
        "brief": f"brief --no-mark-seen --data-dir {mounted} --date 2026-03-03",
        "list": f"sources list --data-dir {mounted}",
        "import": f"import {tmp_path / 'cal.ics'} --data-dir {mounted}",
    }
    script = f"mount --bind {data} {mounted} && mount -o remount,bind,ro {mounted}"
    for name, command in commands.items():
        script += (
            f" && {{ {sys.executable} -m daybrief {command} >{tmp_path}/{name}.out "
            f"2>{tmp_path}/{name}.err; echo $? >{tmp_path}/{name}.rc; }}"
        )
    subprocess.run(["unshare", "-m", "sh", "-c", script], env=env, check=True)

    def result(name: str) -> tuple[int, str, str]:
        rc = int((tmp_path / f"{name}.rc").read_text())
        return rc, (tmp_path / f"{name}.out").read_text(), (tmp_path / f"{name}.err").read_text()

    for name in ("occurrences", "brief", "list"):
        code, out, err = result(name)
        assert code == 0, (name, err)
        assert out.strip() and "not a Daybrief store" not in err
    code, _, err = result("import")
    assert code == 5
    assert "cannot be written" in err and "not a Daybrief store" not in err


def test_calendar_output_on_stdout_keeps_its_crlf_line_ends(capsys, tmp_path):
    data = _imported(capsys, tmp_path)
    code, out, err = run(
        capsys, "brief", "--data-dir", str(data), "--date", "2026-03-03",
        "--format", "prep-ics",
    )  # fmt: skip
    assert code in (0, 1), err
    assert out.startswith("BEGIN:VCALENDAR\r\n") and "\nEND:VCALENDAR\r\n" in out
    assert "\x1b" not in out
