"""Sending mail: one SMTP account, and a record of every message sent or prepared.

The account (host, port, security, sender, user, password command) is a setting; its
password lives in the keyring (:mod:`daybrief.services.credentials`) or comes from a
command the user names (``--password-command``, the vdirsyncer/aerc convention: its first
line of output). STARTTLS or TLS always verify the server's certificate; plain SMTP is
only allowed to a loopback host (a local relay), where nothing crosses a network.

Headers never carry raw calendar text: every value goes through
:func:`~daybrief.services.export.eml.header_value` (no CR, LF or other controls) and every
address must be a plain ``local@domain``, so a meeting title cannot add a header or a
recipient.

Without an account a message is *prepared*: saved as an ``.eml`` (and its attachments)
in the outbox folder beside the store, and handed to the user's mail program with
``xdg-email --attach`` where that exists.
"""

from __future__ import annotations

import ipaddress
import shlex
import shutil
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from daybrief.core.errors import DaybriefError
from daybrief.services.credentials import CredentialStore, Secret
from daybrief.services.export.eml import header_value, mail_address
from daybrief.store.answers import SentHistory, SentMail
from daybrief.store.db import Store
from daybrief.store.settings import Settings

__all__ = [
    "SECURITY",
    "Attachment",
    "MailAccount",
    "MailError",
    "Outcome",
    "SentMail",
    "check_address",
    "deliver",
    "load_account",
    "new_message",
    "remove_account",
    "save_account",
    "send_message",
    "send_test_message",
    "sent_history",
]

SECURITY = ("starttls", "tls", "none")
ACCOUNT_SETTING = "mail.account"
PASSWORD_REF = "smtp"
"""The keyring entry of the account's password (source entries are 12 hex digits)."""
TIMEOUT_SECONDS = 30
COMMAND_TIMEOUT_SECONDS = 60


class MailError(DaybriefError):
    """Mail could not be set up or sent. ``kind``: account, address, password, network, tls,
    auth, refused (the server refused the sender or a recipient)."""

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(reason)

    @property
    def unreachable(self) -> bool:
        """The server could not be reached (try again later), not a setup mistake."""
        return self.kind in ("network", "tls")


@dataclass(frozen=True)
class MailAccount:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password_command: str | None = None
    """Run (without a shell) to get the password; its first line is used."""

    def to_json(self) -> dict[str, str | int | None]:
        return {
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "from": self.sender,
            "user": self.user,
            "password_command": self.password_command,
        }

    @classmethod
    def from_json(cls, value: object) -> MailAccount | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(
                host=str(value["host"]),
                port=int(value["port"]),
                security=str(value["security"]),
                sender=str(value["from"]),
                user=str(value["user"]) if value.get("user") else None,
                password_command=(
                    str(value["password_command"]) if value.get("password_command") else None
                ),
            )
        except (KeyError, TypeError, ValueError):
            return None


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_address(text: str, field: str = "address") -> str:
    """A plain ``local@domain`` address, or MailError naming the field."""
    found = mail_address(text)
    if found is None or found.addr_spec != text.strip():
        shown = header_value(text, 80)
        raise MailError("address", f"{field}: not a plain e-mail address: {shown!r}")
    return found.addr_spec


def validate_account(account: MailAccount) -> MailAccount:
    host = account.host.strip()
    if not host or any(c.isspace() or c in "/@" for c in host):
        raise MailError("account", f"--host: not a host name: {header_value(host, 80)!r}")
    if not 0 < account.port < 65536:
        raise MailError("account", f"--port: not a port: {account.port}")
    if account.security not in SECURITY:
        raise MailError("account", f"--security: one of {', '.join(SECURITY)}")
    if account.security == "none" and not is_loopback(host):
        raise MailError(
            "account",
            f"--security none: plain SMTP only to this computer (localhost), not to {host}; "
            "use starttls or tls",
        )
    sender = check_address(account.sender, "--from")
    user = account.user.strip() if account.user else None
    if user and any(c in user for c in "\r\n\x00"):
        raise MailError("account", "--user: no line breaks")
    command = account.password_command.strip() if account.password_command else None
    if command:
        try:
            shlex.split(command)
        except ValueError as error:
            raise MailError("account", f"--password-command: {error}") from None
    return MailAccount(host, account.port, account.security, sender, user or None, command)


def save_account(
    store: Store,
    account: MailAccount,
    *,
    credentials: CredentialStore,
    password: str | None = None,
) -> MailAccount:
    """Keep the account (a setting) and its password (the keyring) for later sends.

    A password command replaces a stored password and vice versa.

    Raises:
        MailError: the account is not usable (nothing is stored).
        CredentialsUnavailable: no keyring for the password (nothing is stored).
    """
    account = validate_account(account)
    if password is not None and account.password_command:
        raise MailError("account", "give a password or a password command, not both")
    if password is not None:
        credentials.set(PASSWORD_REF, Secret(f"smtp://{account.host}", account.user, password))
    elif account.password_command or not account.user:
        credentials.delete(PASSWORD_REF)
    Settings(store).set(ACCOUNT_SETTING, account.to_json())  # type: ignore[arg-type]
    return account


def load_account(store: Store) -> MailAccount | None:
    return MailAccount.from_json(Settings(store).get(ACCOUNT_SETTING))


def remove_account(store: Store, credentials: CredentialStore) -> None:
    Settings(store).delete(ACCOUNT_SETTING)
    credentials.delete(PASSWORD_REF)


def account_password(account: MailAccount, credentials: CredentialStore) -> str | None:
    """The password: from the command when there is one, else the keyring; None: no login."""
    if not account.user:
        return None
    if account.password_command:
        try:
            done = subprocess.run(
                shlex.split(account.password_command),
                capture_output=True,
                timeout=COMMAND_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise MailError(
                "password", f"--password-command could not run: {type(error).__name__}"
            ) from None
        if done.returncode != 0:
            raise MailError(
                "password", f"--password-command failed (exit status {done.returncode})"
            )
        lines = done.stdout.decode("utf-8", errors="replace").splitlines()
        if not lines or not lines[0]:
            raise MailError("password", "--password-command printed no password")
        return lines[0]
    secret = credentials.get(PASSWORD_REF)
    if secret is None or secret.password is None:
        raise MailError(
            "password",
            "the mail password is not in the keyring: run 'daybrief mail setup' again",
        )
    return secret.password


# ---------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"
    params: tuple[tuple[str, str], ...] = ()
    inline: bool = False
    """Shown as part of the message (an iMIP text/calendar part), not as a file."""


def new_message(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    now: datetime,
    sender_name: str = "",
    cc: Sequence[str] = (),
) -> EmailMessage:
    """A message whose headers cannot be injected from calendar text.

    Raises:
        MailError: the sender or a recipient is not a plain address.
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = Address(
        header_value(sender_name, 80), addr_spec=check_address(sender, "from")
    )
    recipients = [check_address(a, "to") for a in to]
    if not recipients:
        raise MailError("address", "to: no recipient")
    message["To"] = ", ".join(recipients)
    copies = [check_address(a, "cc") for a in cc]
    if copies:
        message["Cc"] = ", ".join(copies)
    message["Subject"] = header_value(subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("daybrief", domain=sender.rpartition("@")[2] or None)
    message.set_content(text, subtype="plain", charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    for attachment in attachments:
        name = header_value(attachment.filename, 80).replace("/", "_") or "attachment"
        if attachment.maintype == "text":
            message.add_attachment(
                attachment.data.decode("utf-8"),
                subtype=attachment.subtype,
                charset="utf-8",
                params=dict(attachment.params),
                disposition="inline" if attachment.inline else "attachment",
                filename=name,
            )
        else:
            message.add_attachment(
                attachment.data,
                maintype=attachment.maintype,
                subtype=attachment.subtype,
                filename=name,
            )
    return message


def recipients_of(message: EmailMessage) -> list[str]:
    """To and Cc: whom the server is asked to deliver to."""
    return [a.addr_spec for name in ("To", "Cc") if message[name] for a in message[name].addresses]


# ---------------------------------------------------------------------------- sending


SmtpFactory = Callable[[MailAccount, ssl.SSLContext], smtplib.SMTP]


def _connect(account: MailAccount, context: ssl.SSLContext) -> smtplib.SMTP:
    if account.security == "tls":
        return smtplib.SMTP_SSL(
            account.host, account.port, timeout=TIMEOUT_SECONDS, context=context
        )
    client = smtplib.SMTP(account.host, account.port, timeout=TIMEOUT_SECONDS)
    if account.security == "starttls":
        client.ehlo()
        if not client.has_extn("starttls"):
            client.close()
            raise MailError(
                "tls",
                f"{account.host} does not offer STARTTLS; nothing was sent (try --security tls)",
            )
        client.starttls(context=context)
        client.ehlo()
    return client


def _reason(error: BaseException, host: str) -> MailError:
    if isinstance(error, MailError):
        return error
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailError("auth", f"{host} refused the user name or password")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return MailError("refused", f"{host} refused the recipients")
    if isinstance(error, smtplib.SMTPSenderRefused):
        return MailError("refused", f"{host} refused the sender address")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailError("auth", f"{host} does not accept a login here ({error})")
    if isinstance(error, ssl.SSLCertVerificationError):
        return MailError("tls", f"{host}: the server's certificate is not valid")
    if isinstance(error, ssl.SSLError):
        return MailError("tls", f"{host}: the secure connection failed")
    if isinstance(error, socket.gaierror):
        return MailError("network", f"cannot find the mail server {host}")
    if isinstance(error, ConnectionRefusedError):
        return MailError("network", f"{host} refused the connection")
    if isinstance(error, TimeoutError | socket.timeout):
        return MailError("network", f"{host} took too long to answer")
    if isinstance(error, smtplib.SMTPResponseException):
        return MailError("refused", f"{host} refused the message ({error.smtp_code})")
    return MailError("network", f"{host}: sending failed ({type(error).__name__})")


def send_message(
    store: Store,
    message: EmailMessage,
    *,
    kind: str,
    credentials: CredentialStore,
    now: datetime,
    account: MailAccount | None = None,
    meeting_key: str | None = None,
    context: ssl.SSLContext | None = None,
    connect: SmtpFactory | None = None,
) -> SentMail:
    """Send through the account and record it; a failure is recorded and raised.

    Raises:
        MailError: no account, a bad password command, or the server could not be reached
            or refused (``unreachable`` tells the two apart).
    """
    account = account or load_account(store)
    if account is None:
        raise MailError("account", "no mail account: run 'daybrief mail setup' first")
    recipients = recipients_of(message)
    subject = str(message["Subject"] or "")
    message_id = str(message["Message-ID"] or "") or None
    try:
        password = account_password(account, credentials)
        with (connect or _connect)(account, context or ssl.create_default_context()) as client:
            if account.user and password is not None:
                client.login(account.user, password)
            client.send_message(message, from_addr=account.sender, to_addrs=recipients)
    except Exception as error:
        failure = _reason(error, account.host)
        SentHistory(store).record(
            kind, subject, recipients, "failed", detail=failure.reason,
            meeting_key=meeting_key, message_id=message_id, at=now,
        )  # fmt: skip
        raise failure from None
    return SentHistory(store).record(
        kind, subject, recipients, "sent", detail=f"via {account.host}",
        meeting_key=meeting_key, message_id=message_id, at=now,
    )  # fmt: skip


def outbox_of(store: Store) -> Path:
    return store.path.parent / "outbox"


@dataclass(frozen=True)
class Outcome:
    record: SentMail
    path: Path | None = None
    """Where the .eml was saved, when it was prepared rather than sent."""
    opened: bool = False
    """Handed to the user's mail program."""

    @property
    def sent(self) -> bool:
        return self.record.status == "sent"


def save_eml(message: EmailMessage, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(message.as_bytes())
    partial.replace(path)
    return path


def _safe_stem(text: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:40].strip("-")
    return stem or "message"


def prepare_message(
    store: Store,
    message: EmailMessage,
    *,
    kind: str,
    now: datetime,
    out: Path | None = None,
    meeting_key: str | None = None,
    open_mail_program: bool = True,
    xdg_email: str | None = None,
) -> Outcome:
    """Save the message as an .eml (``out``, else the outbox) and, unless ``out`` was given,
    open it in the user's mail program (``xdg-email``); recorded as prepared."""
    path = out or outbox_of(store) / f"{now:%Y%m%dT%H%M%S}-{_safe_stem(kind)}.eml"
    save_eml(message, path)
    opened = False
    program = xdg_email or shutil.which("xdg-email")
    if out is None and open_mail_program and program:
        opened = _open_in_mail_program(program, message, path)
    record = SentHistory(store).record(
        kind,
        str(message["Subject"] or ""),
        recipients_of(message),
        "prepared",
        detail=("opened in the mail program; saved as " if opened else "saved as ") + str(path),
        meeting_key=meeting_key,
        message_id=str(message["Message-ID"] or "") or None,
        at=now,
    )
    return Outcome(record, path, opened)


def _open_in_mail_program(program: str, message: EmailMessage, eml: Path) -> bool:
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    command = [program, "--utf8", "--subject", str(message["Subject"] or ""), "--body", text]
    for index, part in enumerate(message.iter_attachments()):
        if not isinstance(part, EmailMessage):
            continue
        name = _safe_stem(Path(part.get_filename() or f"part{index}").stem)
        suffix = Path(part.get_filename() or "").suffix[:8] or ".bin"
        attached = eml.with_name(f"{eml.stem}-{name}{suffix}")
        payload = part.get_payload(decode=True)
        attached.write_bytes(payload if isinstance(payload, bytes) else b"")
        command += ["--attach", str(attached)]
    command += recipients_of(message)
    try:
        done = subprocess.run(command, capture_output=True, timeout=COMMAND_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def deliver(
    store: Store,
    message: EmailMessage,
    *,
    kind: str,
    credentials: CredentialStore,
    now: datetime,
    send: bool,
    out: Path | None = None,
    meeting_key: str | None = None,
    context: ssl.SSLContext | None = None,
    open_mail_program: bool = True,
) -> Outcome:
    """Send (``send``: through the account) or prepare (save ``out``, or the outbox and the
    mail program). ``send`` without an account prepares instead.

    Raises:
        MailError: sending failed (recorded as failed; nothing else changed).
    """
    if out is not None:
        outcome = prepare_message(
            store, message, kind=kind, now=now, out=out, meeting_key=meeting_key
        )
        if not send:
            return outcome
    if send and load_account(store) is not None:
        return Outcome(
            send_message(
                store, message, kind=kind, credentials=credentials, now=now,
                meeting_key=meeting_key, context=context,
            )
        )  # fmt: skip
    return prepare_message(
        store, message, kind=kind, now=now, meeting_key=meeting_key,
        open_mail_program=open_mail_program,
    )  # fmt: skip


def send_test_message(
    store: Store,
    *,
    credentials: CredentialStore,
    now: datetime,
    to: str | None = None,
    context: ssl.SSLContext | None = None,
) -> SentMail:
    """Send a short test message to ``to`` (default: the account's own address)."""
    account = load_account(store)
    if account is None:
        raise MailError("account", "no mail account: run 'daybrief mail setup' first")
    message = new_message(
        sender=account.sender,
        to=[to or account.sender],
        subject="Daybrief test message",
        text="This message was sent by 'daybrief mail test': the mail account works.\n",
        now=now,
        sender_name="Daybrief",
    )
    return send_message(
        store, message, kind="test", credentials=credentials, now=now, account=account,
        context=context,
    )  # fmt: skip


def sent_history(store: Store, limit: int | None = None) -> list[SentMail]:
    return SentHistory(store).all(limit)
