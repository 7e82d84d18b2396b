"""Sending mail through a real SMTP server (aiosmtpd on 127.0.0.1): plain to loopback,
STARTTLS and TLS with a certificate the client must check, a login from the keyring or a
password command; the sent history; headers safe from calendar text; the fallback."""

from __future__ import annotations

import email
import email.policy
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.network import MemoryKeyring, SmtpServer

from daybrief.services.credentials import KeyringStore
from daybrief.services.mail import (
    Attachment,
    MailAccount,
    MailError,
    deliver,
    load_account,
    new_message,
    prepare_message,
    save_account,
    send_message,
    send_test_message,
    sent_history,
)
from daybrief.store import Store

# The implicit-TLS server cannot tell aiosmtpd its sessions are encrypted (see SmtpServer).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

NOW = datetime(2026, 3, 15, 18, 0, tzinfo=UTC)
USER, PASSWORD = "me@example.com", "smtp-Pa55-3xq"


@pytest.fixture
def plain_smtp() -> Iterator[SmtpServer]:
    server = SmtpServer("none")
    yield server
    server.stop()


@pytest.fixture
def trust(tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the test certificate the way it trusts any: the default paths."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[0]))


def _message(to: str = "boss@example.org", subject: str = "Hello") -> object:
    return new_message(sender=USER, to=[to], subject=subject, text="Body\n", now=NOW)


def test_plain_to_loopback_is_sent_and_recorded(
    source_store: Store, plain_smtp: SmtpServer, memory_keyring: MemoryKeyring
) -> None:
    save_account(
        source_store, MailAccount("127.0.0.1", plain_smtp.port, "none", USER),
        credentials=KeyringStore(),
    )  # fmt: skip
    record = send_test_message(source_store, credentials=KeyringStore(), now=NOW)
    assert record.status == "sent" and record.recipients == (USER,)
    [(sender, rcpt, data)] = plain_smtp.messages
    assert sender == USER and rcpt == [USER]
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["Subject"] == "Daybrief test message"
    [row] = sent_history(source_store)
    assert (row.kind, row.status, row.subject) == ("test", "sent", "Daybrief test message")
    assert row.created_at == NOW


def test_plain_smtp_is_refused_to_a_host_on_the_network(
    source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(MailError, match="plain SMTP only to this computer"):
        save_account(
            source_store, MailAccount("smtp.example.com", 25, "none", USER),
            credentials=KeyringStore(),
        )  # fmt: skip
    assert load_account(source_store) is None


def test_starttls_with_a_login_from_the_keyring(
    source_store: Store, tls_files: tuple[Path, Path], trust: None,
    memory_keyring: MemoryKeyring,
) -> None:  # fmt: skip
    server = SmtpServer("starttls", tls_files, login=("me", PASSWORD))
    try:
        save_account(
            source_store, MailAccount("127.0.0.1", server.port, "starttls", USER, "me"),
            credentials=KeyringStore(), password=PASSWORD,
        )  # fmt: skip
        # The password is in the keyring, and nowhere in the store's settings.
        assert any(PASSWORD in v for v in memory_keyring.entries.values())
        assert PASSWORD.encode() not in source_store.path.read_bytes()
        send_message(source_store, _message(), kind="draft", credentials=KeyringStore(), now=NOW)  # type: ignore[arg-type]
        assert server.logins == ["me"]
        assert [m[1] for m in server.messages] == [["boss@example.org"]]
    finally:
        server.stop()


def test_tls_with_a_password_command(
    source_store: Store, tls_files: tuple[Path, Path], trust: None, tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:  # fmt: skip
    script = tmp_path / "pass.py"
    script.write_text(f"print({PASSWORD!r})\nprint('second line ignored')\n")
    server = SmtpServer("tls", tls_files, login=("me", PASSWORD))
    try:
        save_account(
            source_store,
            MailAccount("127.0.0.1", server.port, "tls", USER, "me",
                        f"{sys.executable} {script}"),
            credentials=KeyringStore(),
        )  # fmt: skip
        assert not memory_keyring.entries  # nothing kept: the command gives it each time
        send_message(source_store, _message(), kind="draft", credentials=KeyringStore(), now=NOW)  # type: ignore[arg-type]
        assert server.logins == ["me"] and len(server.messages) == 1
    finally:
        server.stop()


def test_an_untrusted_certificate_sends_nothing(
    source_store: Store, tls_files: tuple[Path, Path], memory_keyring: MemoryKeyring
) -> None:
    server = SmtpServer("starttls", tls_files)
    try:
        save_account(
            source_store, MailAccount("127.0.0.1", server.port, "starttls", USER),
            credentials=KeyringStore(),
        )  # fmt: skip
        with pytest.raises(MailError, match="certificate") as caught:
            send_test_message(source_store, credentials=KeyringStore(), now=NOW)
        assert caught.value.unreachable
        assert server.messages == []
        [row] = sent_history(source_store)
        assert row.status == "failed" and "certificate" in row.detail
    finally:
        server.stop()


def test_a_wrong_password_is_said_so(
    source_store: Store, tls_files: tuple[Path, Path], trust: None,
    memory_keyring: MemoryKeyring,
) -> None:  # fmt: skip
    server = SmtpServer("starttls", tls_files, login=("me", PASSWORD))
    try:
        save_account(
            source_store, MailAccount("127.0.0.1", server.port, "starttls", USER, "me"),
            credentials=KeyringStore(), password="wrong",
        )  # fmt: skip
        with pytest.raises(MailError, match="refused the user name or password") as caught:
            send_test_message(source_store, credentials=KeyringStore(), now=NOW)
        assert not caught.value.unreachable and server.messages == []
    finally:
        server.stop()


def test_an_unreachable_server(source_store: Store, memory_keyring: MemoryKeyring) -> None:
    from tests.network import free_port

    save_account(
        source_store, MailAccount("127.0.0.1", free_port(), "none", USER),
        credentials=KeyringStore(),
    )  # fmt: skip
    with pytest.raises(MailError, match="refused the connection") as caught:
        send_test_message(source_store, credentials=KeyringStore(), now=NOW)
    assert caught.value.unreachable


def test_calendar_text_cannot_inject_a_header_or_a_recipient(
    source_store: Store, plain_smtp: SmtpServer, memory_keyring: MemoryKeyring
) -> None:
    save_account(
        source_store, MailAccount("127.0.0.1", plain_smtp.port, "none", USER),
        credentials=KeyringStore(),
    )  # fmt: skip
    evil = "Lunch\r\nBcc: spy@evil.example\r\n\r\nfake body"
    send_message(
        source_store, _message(subject=evil), kind="draft",  # type: ignore[arg-type]
        credentials=KeyringStore(), now=NOW,
    )  # fmt: skip
    [(_, rcpt, data)] = plain_smtp.messages
    assert rcpt == ["boss@example.org"]
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["Bcc"] is None and "spy@evil" not in str(parsed["To"])
    assert parsed["Subject"] == "Lunch Bcc: spy@evil.example fake body"
    for bad in ("boss@example.org\r\nBcc: spy@evil.example", "a@b.c, spy@evil.example",
                "Boss <boss@example.org>", "not-an-address"):  # fmt: skip
        with pytest.raises(MailError, match="to: not a plain e-mail address"):
            new_message(sender=USER, to=[bad], subject="x", text="y", now=NOW)


def test_without_an_account_the_message_is_prepared(
    source_store: Store, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """xdg-email is a real program on the path here: a script that writes down its arguments."""
    log = tmp_path / "xdg-email.log"
    program = tmp_path / "xdg-email"
    program.write_text(
        f"#!{sys.executable}\nimport sys, json\n"
        f"open({str(log)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    message = new_message(
        sender=USER, to=["boss@example.org"], subject="Accepted: QBR", text="See you\n",
        attachments=[Attachment("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                "text", "calendar", (("method", "REPLY"),))],
        now=NOW,
    )  # fmt: skip
    outcome = prepare_message(source_store, message, kind="reply", now=NOW, xdg_email=str(program))
    assert outcome.opened and outcome.path is not None and outcome.path.is_file()
    import json

    args = json.loads(log.read_text())
    assert args[args.index("--subject") + 1] == "Accepted: QBR"
    assert args[args.index("--body") + 1] == "See you\n"
    attached = Path(args[args.index("--attach") + 1])
    assert attached.read_bytes().startswith(b"BEGIN:VCALENDAR") and args[-1] == "boss@example.org"
    [row] = sent_history(source_store)
    assert row.status == "prepared" and str(outcome.path) in row.detail
    # --send with no account prepares too, rather than failing.
    out = tmp_path / "reply.eml"
    second = deliver(
        source_store, message, kind="reply", credentials=KeyringStore(), now=NOW, send=False,
        out=out,
    )  # fmt: skip
    assert second.path == out and not second.opened
    assert email.message_from_bytes(out.read_bytes())["Subject"] == "Accepted: QBR"


def test_send_draft_with_and_without_an_account(
    source_store: Store, plain_smtp: SmtpServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    from daybrief.core.review import Draft
    from daybrief.services.sending import send_draft

    draft = Draft("abc123", ("ann@example.org",), ("bob@example.net",),
                  "Are you able to join “QBR”?", "Hi\n", "qbr-1")  # fmt: skip
    prepared = send_draft(
        source_store, draft, credentials=KeyringStore(), now=NOW, sender=USER,
        open_mail_program=False,
    )  # fmt: skip
    assert not prepared.sent and prepared.path is not None and prepared.path.is_file()
    save_account(
        source_store, MailAccount("127.0.0.1", plain_smtp.port, "none", USER),
        credentials=KeyringStore(),
    )  # fmt: skip
    sent = send_draft(source_store, draft, credentials=KeyringStore(), now=NOW)
    assert sent.sent
    [(_, rcpt, data)] = plain_smtp.messages
    assert rcpt == ["ann@example.org", "bob@example.net"]
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["Subject"] == "Are you able to join “QBR”?"
    assert parsed["Cc"] == "bob@example.net" and parsed["To"] == "ann@example.org"
    assert [(r.kind, r.status, r.meeting_key) for r in sent_history(source_store)] == [
        ("draft", "prepared", "qbr-1"), ("draft", "sent", "qbr-1")
    ]  # fmt: skip


def test_the_daily_briefing_is_due_once_per_working_day(
    source_store: Store, memory_keyring: MemoryKeyring
) -> None:
    from datetime import time, timedelta

    from daybrief.services.sending import daily_briefing_due, set_daily_briefing
    from daybrief.store.answers import SentHistory

    def weekdays(day: object) -> bool:
        return day.weekday() < 5  # type: ignore[attr-defined]

    monday_7 = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)
    assert daily_briefing_due(source_store, monday_7, UTC, weekdays) is None  # not set
    with pytest.raises(MailError, match="set up the mail account"):
        set_daily_briefing(source_store, time(7, 30))
    set_daily_briefing(source_store, time(7, 30), "me@example.com")
    assert daily_briefing_due(source_store, monday_7, UTC, weekdays) is None  # too early
    at = monday_7 + timedelta(minutes=45)
    assert daily_briefing_due(source_store, at, UTC, weekdays) == at.date()
    SentHistory(source_store).record("briefing", "x", [USER], "failed", at=at)
    assert daily_briefing_due(source_store, at, UTC, weekdays) == at.date()  # try again
    SentHistory(source_store).record("briefing", "x", [USER], "sent", at=at)
    assert daily_briefing_due(source_store, at + timedelta(hours=1), UTC, weekdays) is None
    saturday = datetime(2026, 3, 21, 8, 0, tzinfo=UTC)
    assert daily_briefing_due(source_store, saturday, UTC, weekdays) is None
    tuesday_late = datetime(2026, 3, 17, 14, 0, tzinfo=UTC)  # missed by more than 6 h
    assert daily_briefing_due(source_store, tuesday_late, UTC, weekdays) is None
    set_daily_briefing(source_store, None)
    assert daily_briefing_due(source_store, at + timedelta(days=1), UTC, weekdays) is None
