"""``daybrief answer`` and ``daybrief mail`` for scripts: exit codes 0/2/4 exactly, the
iMIP reply to the organiser of a read-only calendar (sent through aiosmtpd on loopback,
or saved), the answer kept in the store across re-imports, and a CalDAV server that
cannot be reached changing nothing."""

from __future__ import annotations

import email
import email.policy
import io
import json
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from tests.network import (
    RADICALE_PASSWORD,
    RADICALE_USER,
    MemoryKeyring,
    Radicale,
    SmtpServer,
    free_port,
)

from daybrief.cli.main import main

NOW = "2026-03-14T18:00:00+00:00"
ME = "me@example.com"


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([*argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def calendar(*events: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Organiser//EN", *events,
                        "END:VCALENDAR"]) + "\r\n"  # fmt: skip


def event(
    uid: str, start: str, *, rrule: str = "", me: bool = True, title: str = "Acme QBR"
) -> str:
    lines = [
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260301T000000Z", "SEQUENCE:3",
        f"DTSTART:{start}", "DURATION:PT1H", f"SUMMARY:{title}",
        "ORGANIZER;CN=Boss:mailto:boss@example.org",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:boss@example.org",
    ]  # fmt: skip
    if me:
        lines.append("ATTENDEE;CN=Me;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:me@example.com")
    if rrule:
        lines.append(f"RRULE:{rrule}")
    return "\r\n".join([*lines, "END:VEVENT"])


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> list[str]:  # fmt: skip
    """A store with one read-only calendar (a file) and the user's address saved."""
    path = tmp_path / "work.ics"
    path.write_text(
        calendar(
            event("one-1", "20260316T100000Z"),
            event("weekly-1", "20260316T090000Z", rrule="FREQ=WEEKLY;COUNT=3"),
            event("other-1", "20260316T150000Z", me=False),
        )
    )
    options = ["--data-dir", str(tmp_path / "data"), "--now", NOW]
    assert run(capsys, monkeypatch, "import", str(path), *options)[0] == 0
    assert run(capsys, monkeypatch, "whoami", "--save", ME, *options)[0] == 0
    return [*options, "--start", "2026-03-15", "--end", "+21d"]


def options(data: list[str]) -> list[str]:
    return data[:4]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer("none")
    yield server
    server.stop()


def unconfirmed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                data: list[str]) -> list[tuple[str, str]]:  # fmt: skip
    code, out, err = run(capsys, monkeypatch, "unconfirmed", "--json", *data)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    return [(r["uid"], r["start_utc"]) for r in rows]


def test_accept_sends_an_imip_reply_and_the_meeting_is_no_longer_unconfirmed(
    data: list[str], smtp: SmtpServer, memory_keyring: MemoryKeyring, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    code, out, err = run(
        capsys, monkeypatch, "mail", "setup", "--host", "127.0.0.1", "--port", str(smtp.port),
        "--security", "none", "--from", ME, *options(data),
    )  # fmt: skip
    assert code == 0, err
    assert "one-1" in [uid for uid, _ in unconfirmed(capsys, monkeypatch, data)]
    code, out, err = run(
        capsys, monkeypatch, "answer", "one-1", "accept", "--comment", "See you, then",
        "--send", *options(data),
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == "accepted this meeting: the reply was sent to the organiser"
    [(sender, rcpt, raw)] = smtp.messages
    assert rcpt == ["boss@example.org"] and sender == ME
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert (
        message["Subject"] == "Accepted: Acme QBR" and message["From"].addresses[0].addr_spec == ME
    )
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REPLY"
    reply = icalendar.Calendar.from_ical(part.get_content())
    assert str(reply["METHOD"]) == "REPLY"
    [vevent] = reply.walk("VEVENT")
    assert str(vevent["UID"]) == "one-1" and int(vevent["SEQUENCE"]) == 3
    assert "RECURRENCE-ID" not in vevent and str(vevent["COMMENT"]) == "See you, then"
    attendee = vevent["ATTENDEE"]
    assert not isinstance(attendee, list) and str(attendee) == f"mailto:{ME}"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    # Answered, waiting for the calendar: not unconfirmed any more, also after a re-import.
    assert "one-1" not in [uid for uid, _ in unconfirmed(capsys, monkeypatch, data)]
    assert run(capsys, monkeypatch, "import", str(tmp_path / "work.ics"), *options(data))[0] == 0
    assert "one-1" not in [uid for uid, _ in unconfirmed(capsys, monkeypatch, data)]
    code, out, _ = run(capsys, monkeypatch, "mail", "history", "--json", *options(data))
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["kind"], row["status"], row["to"]) == ("reply", "sent", ["boss@example.org"])
    assert row["meeting"] == "one-1" and row["subject"] == "Accepted: Acme QBR"


def test_declining_one_instance_into_a_file(
    data: list[str], memory_keyring: MemoryKeyring, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    out_file = tmp_path / "reply.eml"
    code, out, err = run(
        capsys, monkeypatch, "answer", "weekly-1@20260323T090000Z", "decline",
        "--out", str(out_file), *options(data),
    )  # fmt: skip
    assert code == 0, err and out
    message = email.message_from_bytes(out_file.read_bytes(), policy=email.policy.default)
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [vevent] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert vevent["RECURRENCE-ID"].to_ical() == b"20260323T090000Z"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "DECLINED" and "COMMENT" not in vevent
    left = [start for uid, start in unconfirmed(capsys, monkeypatch, data) if uid == "weekly-1"]
    assert left == ["2026-03-16T09:00:00Z", "2026-03-30T09:00:00Z"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope-1", "accept"], "no meeting with UID 'nope-1'"),
        (["other-1", "accept"], "you are not an attendee of 'Acme QBR'"),
        (["weekly-1", "accept", "--instance"], "weekly-1 is a series: name the instance"),
        (["weekly-1@20260324T090000Z", "accept"], "weekly-1: no instance at"),
        (["one-1", "maybe"], "invalid choice"),
    ],
)
def test_unusable_requests_exit_2_and_change_nothing(
    data: list[str], memory_keyring: MemoryKeyring, argv: list[str], message: str,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    before = unconfirmed(capsys, monkeypatch, data)
    with pytest.raises(SystemExit) if message == "invalid choice" else _nothing():
        code, _, err = run(capsys, monkeypatch, "answer", *argv, *options(data))
        assert code == 2 and message in err and err.count("\n") == 1
    assert unconfirmed(capsys, monkeypatch, data) == before


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_an_unreachable_mail_server_exits_4_and_nothing_is_answered(
    data: list[str], memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    run(capsys, monkeypatch, "mail", "setup", "--host", "127.0.0.1", "--port",
        str(free_port()), "--security", "none", "--from", ME, *options(data))  # fmt: skip
    code, out, err = run(capsys, monkeypatch, "answer", "one-1", "accept", "--send", *options(data))
    assert code == 4 and out == ""
    assert "refused the connection" in err and "nothing was answered" in err
    assert "one-1" in [uid for uid, _ in unconfirmed(capsys, monkeypatch, data)]


def test_an_unreachable_caldav_server_exits_4_and_changes_nothing(
    tmp_path: Path, running_radicale: Radicale, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    principal = running_radicale.client().principal()
    work = principal.make_calendar(name="cli-answers", cal_id="cli-answers")
    work.save_event(calendar(event("dav-1", "20260316T100000Z")))
    data = ["--data-dir", str(tmp_path / "data"), "--now", NOW]
    code, _, err = run(
        capsys, monkeypatch, "sources", "add", str(work.url), "--user", RADICALE_USER,
        "--password-stdin", "--calendar", "cli-answers", *data, stdin=RADICALE_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert run(capsys, monkeypatch, "whoami", "--save", ME, *data)[0] == 0
    window = [*data, "--start", "2026-03-15", "--end", "+14d"]
    running_radicale.stop()
    code, out, err = run(capsys, monkeypatch, "answer", "dav-1", "accept", *data)
    assert code == 4 and out == ""
    assert "refused the connection" in err and "nothing was answered" in err
    assert [uid for uid, _ in unconfirmed(capsys, monkeypatch, window)] == ["dav-1"]
    running_radicale.start()
    code, out, err = run(capsys, monkeypatch, "answer", "dav-1", "accept", *data)
    assert code == 0, err
    assert out.strip() == "accepted this meeting: written to cli-answers"
    assert unconfirmed(capsys, monkeypatch, window) == []


def test_mail_setup_and_test(
    tmp_path: Path, smtp: SmtpServer, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    data = ["--data-dir", str(tmp_path / "data"), "--now", NOW]
    code, _, err = run(
        capsys, monkeypatch, "mail", "setup", "--host", "smtp.example.com", "--port", "25",
        "--security", "none", "--from", ME, *data,
    )  # fmt: skip
    assert code == 2 and "plain SMTP only to this computer" in err and "nothing saved" in err
    code, _, err = run(
        capsys, monkeypatch, "mail", "setup", "--host", "127.0.0.1", "--port", "25",
        "--security", "none", "--from", ME, "--password-stdin", *data, stdin="pw\n",
    )  # fmt: skip
    assert code == 2 and "need --user" in err
    code, _, err = run(
        capsys, monkeypatch, "mail", "setup", "--host", "127.0.0.1", "--port", "25",
        "--security", "none", "--from", "me@example.com\r\nBcc: x@evil.example", *data,
    )  # fmt: skip
    assert code == 2 and "--from: not a plain e-mail address" in err
    code, out, err = run(
        capsys, monkeypatch, "mail", "setup", "--host", "127.0.0.1", "--port", str(smtp.port),
        "--security", "none", "--from", ME, *data,
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == f"mail account: {ME} via 127.0.0.1:{smtp.port} (none)"
    code, out, err = run(capsys, monkeypatch, "mail", "test", "--to", "boss@example.org", *data)
    assert code == 0, err
    assert [m[1] for m in smtp.messages] == [["boss@example.org"]]
    smtp.stop()
    code, out, err = run(capsys, monkeypatch, "mail", "test", *data)
    assert code == 4 and "refused the connection" in err


def test_brief_send_to(
    data: list[str], smtp: SmtpServer, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    brief = ["brief", "--date", "2026-03-16", "--tz", "UTC", *options(data)]
    # No account yet: the briefing is prepared (saved), and the note says where.
    code, out, err = run(capsys, monkeypatch, *brief, "--send-to", "boss@example.org")
    assert code == 0 and out == ""
    saved = Path(err.split("saved as ")[1].strip())
    assert email.message_from_bytes(saved.read_bytes())["To"] == "boss@example.org"
    run(capsys, monkeypatch, "mail", "setup", "--host", "127.0.0.1", "--port", str(smtp.port),
        "--security", "none", "--from", ME, *options(data))  # fmt: skip
    code, out, err = run(capsys, monkeypatch, *brief, "--send-to", "boss@example.org")
    assert code == 0 and out == "" and err == "", err
    [(sender, rcpt, raw)] = smtp.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert rcpt == ["boss@example.org"] and sender == ME
    assert message["Subject"].startswith("Briefing for Mon 16 Mar 2026: 3 meetings")
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    code, _, err = run(capsys, monkeypatch, *brief, "--send-to", "x@y\r\nBcc: z@evil.example")
    assert code == 2 and "--send-to: not a plain e-mail address" in err
    smtp.stop()
    code, out, err = run(capsys, monkeypatch, *brief, "--send-to", "boss@example.org")
    assert code == 4 and "refused the connection" in err and "not sent" in err
    code, out, _ = run(capsys, monkeypatch, "mail", "history", "--json", *options(data))
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["kind"], r["status"]) for r in rows] == [
        ("briefing", "prepared"), ("briefing", "sent"), ("briefing", "failed")
    ]  # fmt: skip


def test_without_an_account_or_a_display_the_reply_is_saved_in_the_outbox(
    data: list[str], memory_keyring: MemoryKeyring, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import stat
    import sys

    marker = tmp_path / "xdg-email-ran"
    program = tmp_path / "bin" / "xdg-email"
    program.parent.mkdir()
    program.write_text(f"#!{sys.executable}\nopen({str(marker)!r}, 'w').close()\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{program.parent}:{__import__('os').environ['PATH']}")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, out, err = run(capsys, monkeypatch, "answer", "one-1", "tentative", *options(data))
    assert code == 0, err
    saved = Path(out.strip().split("saved as ")[1])
    assert saved.parent == tmp_path / "data" / "outbox" and saved.suffix == ".eml"
    assert not marker.exists()  # no mail program popped up on a machine without a display
    message = email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Tentative: Acme QBR" and message["To"] == "boss@example.org"
    # Answered (tentatively): no longer waiting for the user.
    assert "one-1" not in [uid for uid, _ in unconfirmed(capsys, monkeypatch, data)]


def test_answering_a_review_problem_by_its_id(
    data: list[str], memory_keyring: MemoryKeyring, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The review model honours the answer: the problem is gone, also for the series."""

    def problems() -> list[dict[str, object]]:
        code, out, err = run(capsys, monkeypatch, "problems", "--json", "--tz", "UTC",
                             "--days", "21", *options(data))  # fmt: skip
        assert code == 0, err
        return [json.loads(line) for line in out.splitlines()]

    def unconfirmed_uids() -> list[object]:
        return [
            m["uid"]  # type: ignore[index]
            for p in problems()
            if p["kind"] == "unconfirmed" and p["state"] == "open"
            for m in p["meetings"]  # type: ignore[attr-defined]
        ]

    before = unconfirmed_uids()
    assert before.count("one-1") == 1 and before.count("weekly-1") == 3
    [one] = [
        p for p in problems()
        if p["kind"] == "unconfirmed" and p["meetings"][0]["uid"] == "one-1"  # type: ignore[index]
    ]  # fmt: skip
    code, _, err = run(capsys, monkeypatch, "answer", str(one["id"])[:8], "accept",
                         "--out", str(tmp_path / "r.eml"), *options(data))  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, monkeypatch, "answer", "weekly-1", "decline", "--series",
                       "--out", str(tmp_path / "w.eml"), *options(data))  # fmt: skip
    assert code == 0, err
    assert unconfirmed_uids() == []


def test_a_problem_about_two_meetings_asks_which(
    tmp_path: Path, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    path = tmp_path / "clash.ics"
    path.write_text(calendar(event("a-1", "20260316T100000Z", title="Acme QBR"),
                             event("b-1", "20260316T103000Z", title="Globex sync")))  # fmt: skip
    options = ["--data-dir", str(tmp_path / "data"), "--now", NOW]
    assert run(capsys, monkeypatch, "import", str(path), *options)[0] == 0
    assert run(capsys, monkeypatch, "whoami", "--save", ME, *options)[0] == 0
    code, out, err = run(capsys, monkeypatch, "problems", "--json", "--tz", "UTC", "--days", "7",
                         *options)  # fmt: skip
    assert code == 0, err
    [clash] = [json.loads(x) for x in out.splitlines() if '"double-booking"' in x]
    code, out, err = run(capsys, monkeypatch, "answer", clash["id"], "decline", *options)
    assert code == 2 and out == ""
    assert "is about 2 meetings ('Acme QBR', 'Globex sync'): answer one of them by its UID" in err
