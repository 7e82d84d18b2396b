"""``daybrief sources …`` for scripts: add (ICS address or CalDAV), list, refresh, remove;
and a whole session with passwords, after which no password or secret address is anywhere
on disk, in the backup, the settings, the logs or the output."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from tests.network import CalendarServer, MemoryKeyring, Radicale, Reply, ics, tomorrow_at

from daybrief.cli.main import main
from daybrief.store import open_store, store_path
from daybrief.store.settings import Settings

TOKEN = "private-77aa0e3b9c214f6d"
PATH = f"/calendar/ical/me%40example.com/{TOKEN}/basic.ics"
ICS_PASSWORD = "ics-Pa55-word-1x"
WRONG_PASSWORD = "typo-Pa55-word-9y"


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_refresh_remove_an_ics_address(
    tmp_path: Path,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = ["--data-dir", str(tmp_path)]
    calendar_server.serve(PATH, ics(("q-1", "Acme QBR", tomorrow_at(10))))
    code, out, err = run(
        capsys, monkeypatch, "sources", "add", calendar_server.url(PATH), "--name", "Work", *data
    )
    assert code == 0, err
    assert out.startswith("Added 'Work' (id 1)")
    code, out, _ = run(capsys, monkeypatch, "sources", "list", "--json", *data)
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["name"] == "Work" and row["kind"] == "url" and row["occurrences"] == 1
    assert row["address"] == f"http://127.0.0.1:{calendar_server.port}/…"
    assert row["problem"] is None and row["last_success_at"]
    code, out, _ = run(capsys, monkeypatch, "sources", "refresh", "work", *data)
    assert code == 0 and out.strip() == "Work: unchanged"
    calendar_server.serve(PATH, b"", status=503)
    code, out, err = run(capsys, monkeypatch, "sources", "refresh", *data)
    assert code == 4
    assert "Work: http://127.0.0.1:" in err and "server error (503)" in err
    assert "keeping the data from" in err and "retrying after" in err
    code, out, _ = run(capsys, monkeypatch, "sources", "list", *data)
    assert "problem: " in out and "server error (503)" in out and "next try" in out
    code, out, _ = run(capsys, monkeypatch, "sources", "remove", "1", *data)
    assert code == 0 and "notes and checklists on its meetings stay" in out
    assert memory_keyring.entries == {}
    code, out, _ = run(capsys, monkeypatch, "sources", "list", *data)
    assert out.startswith("No calendars yet")


def test_unknown_source_and_unusable_addresses(
    tmp_path: Path,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = ["--data-dir", str(tmp_path)]
    code, _, err = run(capsys, monkeypatch, "sources", "add", "ftp://example.com/x.ics", *data)
    assert code == 4 and "not a calendar address" in err
    calendar_server.serve(PATH, b"x", status=404)
    code, _, err = run(capsys, monkeypatch, "sources", "add", calendar_server.url(PATH), *data)
    assert code == 4 and "no calendar at this address" in err and TOKEN not in err
    code, _, err = run(capsys, monkeypatch, "sources", "refresh", "Nope", *data)
    assert code == 2 and "no calendar source 'Nope'" in err


def test_without_a_keyring_the_address_is_kept_in_the_store(
    tmp_path: Path,
    calendar_server: CalendarServer,
    no_keyring: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 19: cron and servers have no keyring; a subscription must still keep working."""
    data = ["--data-dir", str(tmp_path)]
    calendar_server.serve(PATH, ics(("q-1", "Acme QBR", tomorrow_at(10))))
    code, _, err = run(capsys, monkeypatch, "sources", "add", calendar_server.url(PATH), *data)
    assert code == 0, err
    assert err.count("no keyring") == 1 and "kept in the store" in err
    code, out, err = run(capsys, monkeypatch, "sources", "refresh", *data)
    assert code == 0 and "unchanged" in out, err
    assert "no keyring" not in err  # said once, at add
    # A --session-only source is passed over by "refresh all" instead of failing each time.
    other = PATH.replace("basic", "other")
    calendar_server.serve(other, ics(("o-1", "Other", tomorrow_at(11)), name="Other"))
    code, _, err = run(
        capsys, monkeypatch, "sources", "add", calendar_server.url(other), "--session-only", *data
    )
    assert code == 0, err
    code, out, err = run(capsys, monkeypatch, "sources", "refresh", *data)
    assert code == 0, err
    assert "Other" not in out + err
    code, _, err = run(capsys, monkeypatch, "sources", "refresh", "Other", *data)
    assert code == 4 and "remove it and add it again" in err


def test_a_caldav_account_with_several_calendars_asks_to_pick(
    tmp_path: Path,
    running_radicale: Radicale,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = ["--data-dir", str(tmp_path)]
    base = ["sources", "add", running_radicale.url, "--user", running_radicale.user]
    pw = running_radicale.password + "\n"
    code, out, err = run(capsys, monkeypatch, *base, "--password-stdin", *data, stdin=pw)
    assert code == 2
    assert "several calendars" in err and "  Work\n" in err and "  Home\n" in err
    assert "pick one with --calendar NAME (or --calendar all)" in err
    assert not store_path(str(tmp_path)).exists() or "Added" not in out
    code, _, err = run(
        capsys, monkeypatch, *base, "--password-stdin", "--calendar", "Nope", *data, stdin=pw
    )
    assert code == 2 and "no calendar named 'Nope'" in err
    code, out, err = run(
        capsys, monkeypatch, *base, "--password-stdin", "--calendar", "work", *data, stdin=pw
    )
    assert code == 0, err
    assert "Added 'Work'" in out
    code, out, _ = run(capsys, monkeypatch, "sources", "list", "--json", *data)
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["kind"] == "caldav" and row["address"].endswith("/… (Work)")
    code, _, err = run(capsys, monkeypatch, *base, "--calendar", "Work", *data)
    assert code == 4 and "refused the user name or password" in err


def test_a_whole_session_leaves_no_secret_anywhere(
    tmp_path: Path,
    calendar_server: CalendarServer,
    running_radicale: Radicale,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    data_dir = tmp_path / "data"
    data = ["--data-dir", str(data_dir)]
    outputs: list[str] = []

    def step(*argv: str, stdin: str = "", expect: int = 0) -> None:
        code, out, err = run(capsys, monkeypatch, *argv, *data, stdin=stdin)
        outputs.extend([out, err])
        assert code == expect, (argv, out, err)

    def needs_password(handler: object) -> Reply:
        import base64

        expected = base64.b64encode(f"me:{ICS_PASSWORD}".encode()).decode()
        if handler.headers.get("Authorization") != f"Basic {expected}":
            return Reply(401, b"who?")
        body = ics(("q-1", "Acme QBR", tomorrow_at(10)), name="Clients")
        return Reply(body=body, headers={"ETag": '"e1"'})

    calendar_server.routes[PATH] = needs_password
    # Held open all session: the last connection to close would fold the WAL into the
    # main file and delete it, and the WAL is one of the places to search.
    holder = open_store(store_path(str(data_dir)))
    step("sources", "add", calendar_server.url(PATH), "--user", "me", "--password-stdin",
         stdin=ICS_PASSWORD + "\n")  # fmt: skip
    step("sources", "add", running_radicale.url, "--user", running_radicale.user,
         "--password-stdin", "--calendar", "Work",
         stdin=running_radicale.password + "\n")  # fmt: skip
    step("sources", "refresh")
    # Fail once each way: the server is down, and a mistyped password for one refresh.
    calendar_server.routes[PATH] = lambda _handler: Reply(500, b"down")
    step("sources", "refresh", expect=4)
    step("sources", "refresh", "Work", "--password-stdin", stdin=WRONG_PASSWORD + "\n", expect=4)
    backup = tmp_path / "backup.json"
    step("export-data", str(backup))
    step("sources", "list")
    step("sources", "list", "--json")
    with holder as store:
        settings = json.dumps(Settings(store).all())
        rows = json.dumps(
            [dict(r) for r in store.query("SELECT * FROM sources")]
            + [dict(r) for r in store.query("SELECT * FROM source_sync")],
            default=str,
        )
        files = {p.name: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}

    secrets = [ICS_PASSWORD, running_radicale.password, WRONG_PASSWORD, TOKEN]
    assert any(name.endswith("-wal") and content for name, content in files.items())
    places = {
        **{f"file {name}": content for name, content in files.items()},
        "backup": backup.read_bytes(),
        "settings": settings.encode(),
        "source rows": rows.encode(),
        "logs": caplog.text.encode(),
        "output": "\n".join(outputs).encode(),
    }
    for secret in secrets:
        for place, content in places.items():
            assert secret.encode() not in content, f"{secret!r} found in {place}"
    # The secrets are somewhere, of course: in the keyring.
    kept = " ".join(memory_keyring.entries.values())
    assert ICS_PASSWORD in kept and TOKEN in kept and running_radicale.password in kept
    assert WRONG_PASSWORD not in kept
    assert "server error (500)" in "\n".join(outputs)
    assert "refused the user name or password" in "\n".join(outputs)
