"""``daybrief mail``: the SMTP account Daybrief sends with, a test message, the sent history."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    UsageError,
    add_data_dir,
    json_lines,
    now_of,
    open_store_for,
)


def register(commands: Any) -> None:
    mail = commands.add_parser(
        "mail",
        help="the mail account for answers, drafts and the briefing: setup, test, history",
        description="The SMTP account Daybrief sends with. The password is kept in the OS "
        "keyring, or comes from --password-command each time.",
    )
    verbs = mail.add_subparsers(dest="verb", metavar="VERB", required=True)
    setup = verbs.add_parser(
        "setup",
        help="set the SMTP account",
        description="Set the SMTP account. STARTTLS and TLS check the server's certificate; "
        "--security none only to this computer (a local relay).",
    )
    setup.set_defaults(run=_cmd_setup)
    setup.add_argument("--host", required=True, metavar="H")
    setup.add_argument("--port", required=True, type=int, metavar="P")
    setup.add_argument("--security", required=True, choices=("starttls", "tls", "none"))
    setup.add_argument("--from", dest="sender", required=True, metavar="ADDRESS")
    setup.add_argument("--user", metavar="U", help="user name to log in with")
    secret = setup.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (kept in the keyring)",
    )
    secret.add_argument(
        "--password-command",
        metavar="CMD",
        help="a command printing the password on its first line, run at each send "
        "(e.g. 'pass show mail'); nothing is kept in the keyring",
    )
    add_data_dir(setup)

    test = verbs.add_parser("test", help="send a test message through the account")
    test.set_defaults(run=_cmd_test)
    test.add_argument("--to", metavar="ADDRESS", help="recipient (default: the --from address)")
    add_data_dir(test)

    history = verbs.add_parser("history", help="messages sent or prepared, oldest first")
    history.set_defaults(run=_cmd_history)
    history.add_argument("--json", action="store_true", help="one JSON object per line")
    history.add_argument("--limit", type=int, default=None, help="only the last N")
    add_data_dir(history)


def _cmd_setup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import CredentialsUnavailable, KeyringStore
    from daybrief.services.mail import MailAccount, MailError, save_account

    if (args.password_stdin or args.password_command) and not args.user:
        raise UsageError("--password-stdin and --password-command need --user")
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: standard input gave no password")
    account = MailAccount(
        args.host, args.port, args.security, args.sender, args.user, args.password_command
    )
    with open_store_for(args) as store:
        try:
            saved = save_account(store, account, credentials=KeyringStore(), password=password)
        except (MailError, CredentialsUnavailable) as error:
            raise UsageError(f"{error} (nothing saved)") from None
    login = f" as {saved.user}" if saved.user else ""
    print(
        f"mail account: {saved.sender} via {saved.host}:{saved.port} ({saved.security}){login}",
        file=out,
    )
    return EXIT_OK


def _cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import CredentialsUnavailable, KeyringStore
    from daybrief.services.mail import MailError, check_address, send_test_message

    with open_store_for(args) as store:
        try:
            to = check_address(args.to, "--to") if args.to else None
            sent = send_test_message(store, credentials=KeyringStore(), now=now_of(args), to=to)
        except CredentialsUnavailable as error:
            raise UsageError(str(error)) from None
        except MailError as error:
            if error.unreachable:
                print(f"daybrief: {error.reason} (nothing sent)", file=err)
                return EXIT_SOURCE_FAILED
            raise UsageError(f"{error.reason} (nothing sent)") from None
    print(f"sent a test message to {', '.join(sent.recipients)}", file=out)
    return EXIT_OK


def _cmd_history(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.mail import sent_history

    with open_store_for(args) as store:
        rows = sent_history(store, args.limit)
    if args.json:
        json_lines(
            out,
            (
                {
                    "at": r.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "kind": r.kind,
                    "status": r.status,
                    "to": list(r.recipients),
                    "subject": r.subject,
                    "detail": r.detail,
                    "meeting": r.meeting_key.replace("\x1f", "@") if r.meeting_key else None,
                }
                for r in rows
            ),
        )
        return EXIT_OK
    for r in rows:
        to = ", ".join(r.recipients)
        print(
            f"{r.created_at:%Y-%m-%d %H:%M}Z {r.status:<8} {r.kind:<8} {to}: {r.subject}", file=out
        )
    return EXIT_OK


def send_briefing_to(args: argparse.Namespace, briefing: Any, out: TextIO, err: TextIO) -> int:
    """``brief --send-to``: mail it, or without an account prepare it; 4 when sending failed."""
    import os

    from daybrief.cli.common import existing_store
    from daybrief.services.credentials import KeyringStore
    from daybrief.services.sending import MailError, send_briefing

    store = existing_store(args)
    if store is None:
        raise UsageError("--send-to: no mail account yet: run 'daybrief mail setup' first")
    display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    with store:
        try:
            outcome = send_briefing(
                store, briefing, args.send_to, credentials=KeyringStore(), now=now_of(args),
                open_mail_program=display,
            )  # fmt: skip
        except MailError as error:
            if error.kind == "address":
                raise UsageError(error.reason) from None
            print(f"daybrief: {error.reason} (the briefing was not sent)", file=err)
            return EXIT_SOURCE_FAILED
    if not outcome.sent and not args.quiet:
        how = "opened in your mail program" if outcome.opened else "not sent"
        print(
            f"note: no mail account ('daybrief mail setup'): the briefing was {how}; "
            f"saved as {outcome.path}",
            file=err,
        )
    return EXIT_OK
