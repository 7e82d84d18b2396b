"""``daybrief followups …`` and ``daybrief tasks …``: the command-line contract of issue 18."""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path

import pytest
from tests.network import MemoryKeyring, Radicale

from daybrief.cli.main import main

NOW = "2026-03-02T17:30:00+00:00"


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


def test_followups_add_list_done_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--data-dir", str(tmp_path), "--now", NOW]
    code, out, err = run(
        capsys, monkeypatch, "followups", "add", "Send the deck", "--due", "2026-03-04",
        "--client", "Acme", "--meeting", "qbr-1@acme.example", *data,
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == "Added follow-up 1: Send the deck"
    code, out, err = run(capsys, monkeypatch, "followups", "add", "Call Jo", "--due", "+1d", *data)
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, "followups", "list", "--json", *data)
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == [
        {"id": 2, "text": "Call Jo", "due": "2026-03-03", "client": None, "done": False,
         "meeting_uid": None},
        {"id": 1, "text": "Send the deck", "due": "2026-03-04", "client": "Acme", "done": False,
         "meeting_uid": "qbr-1@acme.example"},
    ]  # fmt: skip
    code, out, _ = run(capsys, monkeypatch, "followups", "done", "2", *data)
    assert code == 0 and out.strip() == "Done: Call Jo"
    code, out, _ = run(
        capsys, monkeypatch, "followups", "edit", "1", "--text", "Send the final deck",
        "--due", "none", "--client", "", *data,
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, "followups", "list", "--json", *data)
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": 1, "text": "Send the final deck", "due": None, "client": None, "done": False,
         "meeting_uid": "qbr-1@acme.example"},
    ]  # fmt: skip
    code, out, _ = run(capsys, monkeypatch, "followups", "list", "--all", *data)
    assert "[x]" in out and "Call Jo" in out
    code, _, err = run(capsys, monkeypatch, "followups", "done", "9", *data)
    assert code == 2 and "no follow-up 9" in err
    code, _, err = run(capsys, monkeypatch, "followups", "edit", "1", *data)
    assert code == 2 and "nothing to change" in err
    code, _, err = run(capsys, monkeypatch, "followups", "add", "x", "--due", "soon", *data)
    assert code == 2 and "not a date" in err


def test_terminal_output_shows_no_control_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--data-dir", str(tmp_path), "--now", NOW]
    run(capsys, monkeypatch, "followups", "add", "Pay \x1b[31mnow\x1b[0m", *data)
    _, out, _ = run(capsys, monkeypatch, "followups", "list", *data)
    assert "\x1b" not in out and "Pay" in out
    _, out, _ = run(capsys, monkeypatch, "followups", "list", "--json", *data)
    assert json.loads(out)["text"] == "Pay \x1b[31mnow\x1b[0m"  # exact for scripts


def test_tasks_connect_sync_status_disconnect(
    tmp_path: Path,
    running_radicale: Radicale,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = running_radicale
    name = f"CLI list {secrets.token_hex(3)}"
    one = ["--data-dir", str(tmp_path / "one"), "--now", NOW]
    two = ["--data-dir", str(tmp_path / "two"), "--now", NOW]
    code, _, err = run(capsys, monkeypatch, "tasks", "sync", *one)
    assert code == 2 and "no task list connected" in err
    run(capsys, monkeypatch, "followups", "add", "Send the deck", "--client", "Acme", *one)
    code, out, err = run(
        capsys, monkeypatch, "tasks", "connect", server.url, "--user", server.user,
        "--password-stdin", "--list", name, *one, stdin=server.password + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert f"Connected to task list '{name}' (new list)." in out
    assert "Synced: 0 received, 1 sent." in out
    # The password is in the keyring only, never in the store.
    assert any(server.password in v for v in memory_keyring.entries.values())
    store_bytes = b"".join(p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert server.password.encode() not in store_bytes
    # The second device: the password from a command, run at every sync.
    secret_file = tmp_path / "pw"
    secret_file.write_text(server.password + "\n", encoding="utf-8")
    code, out, err = run(
        capsys, monkeypatch, "tasks", "connect", server.url, "--user", server.user,
        "--password-command", f"cat {secret_file}", "--list", name, *two,
    )  # fmt: skip
    assert code == 0, err
    assert "Synced: 1 received, 0 sent." in out
    code, out, _ = run(capsys, monkeypatch, "followups", "list", "--json", *two)
    assert json.loads(out)["client"] == "Acme"
    code, out, _ = run(capsys, monkeypatch, "tasks", "status", "--json", *two)
    status = json.loads(out)
    assert status == {
        "connected": True, "list": name, "address": f"http://127.0.0.1:{server.port}/…",
        "last_sync_at": "2026-03-02T17:30:00Z", "problem": None, "pending": 0,
    }  # fmt: skip
    # Offline: exit 4, a clear message, the edits stay queued.
    run(capsys, monkeypatch, "followups", "done", "1", *two)
    code, _, err = run(capsys, monkeypatch, "followups", "add", "Book a room", *two)
    assert "2 changes waiting for the server" in err
    server.stop()
    try:
        code, out, err = run(capsys, monkeypatch, "tasks", "sync", *two)
        assert code == 4
        assert err.startswith("daybrief: tasks not synced: ")
        assert "2 changes stay queued for the next sync" in err
        assert len(err.strip().splitlines()) == 1
        code, out, _ = run(capsys, monkeypatch, "tasks", "status", *two)
        assert "2 changes waiting for the server" in out and "Problem:" in out
    finally:
        server.start()
    code, out, err = run(capsys, monkeypatch, "tasks", "sync", *two)
    assert code == 0, err
    assert out.strip() == "Synced: 0 received, 2 sent."
    code, out, _ = run(capsys, monkeypatch, "tasks", "sync", *one)
    assert out.strip() == "Synced: 2 received, 0 sent."
    # Disconnect: the follow-ups stay, the keyring entry goes.
    code, out, _ = run(capsys, monkeypatch, "tasks", "disconnect", *one)
    assert code == 0 and "follow-ups stay" in out
    code, out, _ = run(capsys, monkeypatch, "followups", "list", "--all", "--json", *one)
    assert len(out.splitlines()) == 2
    code, out, _ = run(capsys, monkeypatch, "tasks", "status", *one)
    assert out.startswith("No task list connected")
    assert not any(server.password in v for v in memory_keyring.entries.values())


def test_tasks_connect_refuses_a_wrong_password_and_stores_nothing(
    tmp_path: Path,
    running_radicale: Radicale,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = ["--data-dir", str(tmp_path), "--now", NOW]
    code, _, err = run(
        capsys, monkeypatch, "tasks", "connect", running_radicale.url, "--user",
        running_radicale.user, "--password-stdin", *data, stdin="wrong\n",
    )  # fmt: skip
    assert code == 4 and "refused" in err and "nothing connected" in err
    assert memory_keyring.entries == {}
    code, _, err = run(
        capsys, monkeypatch, "tasks", "connect", running_radicale.url, "--user", "u",
        "--password-command", "exit 1", *data,
    )  # fmt: skip
    assert code == 2 and "--password-command: failed (exit status 1)" in err
    code, _, err = run(
        capsys, monkeypatch, "tasks", "connect", "ftp://files.example/tasks", "--user", "u",
        "--password-stdin", *data, stdin="pw\n",
    )  # fmt: skip
    assert code == 2 and "nothing connected" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as usage:  # argparse: --user and a password are required
        run(capsys, monkeypatch, "tasks", "connect", running_radicale.url, *data)
    assert usage.value.code == 2
