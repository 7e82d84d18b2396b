"""``daybrief sources``: calendar subscriptions (ICS addresses, CalDAV accounts)."""

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
    terminal_safe,
)
from daybrief.core.errors import InvalidCalendar


def register(commands: Any) -> None:
    sources = commands.add_parser(
        "sources",
        help="calendar subscriptions (ICS addresses, CalDAV accounts): add, list, remove, refresh",
        description="Calendar sources kept current from the network. Addresses and passwords "
        "are kept in the OS keyring, never in the store.",
    )
    verbs = sources.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser(
        "add",
        help="subscribe to an ICS address or a CalDAV account's calendar",
        description="Subscribe to an ICS address (https, http, webcal) or a CalDAV account, "
        "and import it now. A CalDAV account with several calendars lists them: pick one "
        "with --calendar NAME, or --calendar all.",
    )
    add.set_defaults(run=_cmd_sources_add)
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="calendar name (default: the calendar's own)")
    add.add_argument("--user", help="user name for the server")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    _add_password_command(add)
    add.add_argument("--calendar", metavar="NAME", help="CalDAV: the calendar to add, or 'all'")
    add.add_argument(
        "--session-only",
        action="store_true",
        help="without a keyring: import once and store neither address nor password "
        "(refreshing it later asks for them again)",
    )
    add_data_dir(add)
    listing = verbs.add_parser("list", help="every source, with its state and last success")
    listing.set_defaults(run=_cmd_sources_list)
    listing.add_argument("--json", action="store_true", help="JSON lines, one per source")
    add_data_dir(listing)
    remove = verbs.add_parser(
        "remove", help="forget a source (your checklists and notes on its meetings stay)"
    )
    remove.set_defaults(run=_cmd_sources_remove)
    remove.add_argument("source", metavar="ID|NAME")
    add_data_dir(remove)
    refresh = verbs.add_parser("refresh", help="fetch sources again (all, or one)")
    refresh.set_defaults(run=_cmd_sources_refresh)
    refresh.add_argument("source", nargs="?", metavar="ID|NAME")
    refresh.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password for this refresh from standard input (not stored)",
    )
    _add_password_command(refresh, for_refresh=True)
    add_data_dir(refresh)


def _add_password_command(command: Any, *, for_refresh: bool = False) -> None:
    command.add_argument(
        "--password-command",
        metavar="CMD",
        help=(
            "run CMD for the password of this refresh (its first line of output; not stored)"
            if for_refresh
            else "run CMD for the password, now and at every refresh (its first line of "
            "output, e.g. 'pass show calendar'); the password itself is never stored. "
            "Without a keyring this is how a subscription keeps working (cron, servers)"
        ),
    )


def _read_password(args: argparse.Namespace) -> str | None:
    command = getattr(args, "password_command", None)
    if command is not None:
        from daybrief.services.credentials import PasswordCommandFailed, password_from_command

        if getattr(args, "password_stdin", False):
            raise UsageError("give --password-stdin or --password-command, not both")
        try:
            return password_from_command(command)
        except PasswordCommandFailed as error:
            raise UsageError(f"--password-command: {error}") from None
    if not getattr(args, "password_stdin", False):
        return None
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise UsageError("--password-stdin: standard input gave no password")
    return password


def _credentials(args: argparse.Namespace, store: Any) -> Any:
    from daybrief.services.credentials import (
        SessionCredentials,
        WithPasswordCommand,
        credentials_for,
    )

    if getattr(args, "session_only", False):
        return SessionCredentials()
    credentials = credentials_for(store)
    command = getattr(args, "password_command", None)
    return WithPasswordCommand(credentials, command) if command else credentials


def _cmd_sources_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import (
        CredentialsUnavailable,
        FallbackCredentials,
        PasswordCommandFailed,
        remember_session_only,
    )
    from daybrief.services.fetch import FetchError
    from daybrief.services.sources import SourceExists, subscribe

    password = _read_password(args)
    with open_store_for(args) as store:
        credentials = _credentials(args, store)
        try:
            subscription = subscribe(
                store, args.url, credentials=credentials, now=now_of(args),
                name=args.name, username=args.user, password=password, calendar=args.calendar,
            )  # fmt: skip
        except (CredentialsUnavailable, SourceExists, LookupError, PasswordCommandFailed) as error:
            raise UsageError(str(error).strip("'\"")) from None
        except FetchError as error:
            print(f"daybrief: {error.reason} (nothing added)", file=err)
            return EXIT_SOURCE_FAILED
        except InvalidCalendar as error:
            raise UsageError(f"{error} (nothing added)") from None
        if getattr(args, "session_only", False):
            remember_session_only(store, [result.source_id for result in subscription.added])
    stored = getattr(credentials, "inner", credentials)
    if isinstance(stored, FallbackCredentials) and stored.fell_back:
        print(
            "note: this machine has no keyring, so the address is kept in the store "
            "(readable by you only); the password is never stored: it comes from "
            "--password-command at each refresh",
            file=err,
        )
    if subscription.choices:
        print("This CalDAV account has several calendars:", file=err)
        for calendar in subscription.choices:
            print(f"  {terminal_safe(calendar.name)}", file=err)
        raise UsageError("pick one with --calendar NAME (or --calendar all)")
    for result in subscription.added:
        print(
            f"Added '{terminal_safe(result.name)}' (id {result.source_id}): "
            f"{terminal_safe(result.summary())}",
            file=out,
        )
        if result.report is not None:
            for warning in result.report.warnings:
                print(f"  skipped: {warning}", file=err)
    return EXIT_OK


def _cmd_sources_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.sources import list_sources

    with open_store_for(args, read_only_ok=True) as store:
        statuses = list_sources(store)
    if args.json:
        json_lines(out, (status.to_dict() for status in statuses))
        return EXIT_OK
    if not statuses:
        print("No calendars yet: daybrief sources add URL, or daybrief import FILE.ics", file=out)
    for status in statuses:
        row = status.to_dict()
        when = str(row["last_success_at"] or "never")[:16].replace("T", " ")
        print(
            f"{row['id']:>3}  {terminal_safe(row['name'])}  [{row['kind']}]  "
            f"{terminal_safe(row['address'])}  "
            f"{row['occurrences']} occurrences, last good {when}",
            file=out,
        )
        if status.problem:
            retry = status.next_retry_at
            again = f"; next try {retry:%Y-%m-%d %H:%M} UTC" if retry else ""
            print(f"     problem: {terminal_safe(status.problem)}{again}", file=out)
    return EXIT_OK


def _one_source(store: Any, text: str) -> Any:
    from daybrief.services.sources import find_sources

    found = find_sources(store, text)
    if not found:
        raise UsageError(f"no calendar source {text!r} (see: daybrief sources list)")
    if len(found) > 1:
        ids = ", ".join(str(s.id) for s in found)
        raise UsageError(f"several sources are called {text!r} (ids {ids}): give the id")
    return found[0]


def _cmd_sources_remove(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import credentials_for
    from daybrief.services.sources import remove_source

    with open_store_for(args, create=False) as store:
        source = _one_source(store, args.source)
        remove_source(store, source.id, credentials_for(store))
    print(
        f"Removed '{terminal_safe(source.name)}'; your notes and checklists on its meetings stay.",
        file=out,
    )
    return EXIT_OK


def _cmd_sources_refresh(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import CredentialsUnavailable, credentials_for
    from daybrief.services.fetch import FetchError
    from daybrief.services.refresh import refresh_all, refresh_source
    from daybrief.services.sources import secret_with_password

    if args.source is None and (args.password_stdin or args.password_command):
        raise UsageError(
            "--password-stdin and --password-command need the source to refresh (ID or NAME)"
        )
    password = _read_password(args)
    now = now_of(args)
    with open_store_for(args, create=False) as store:
        credentials = credentials_for(store)
        if args.source is None:
            results = refresh_all(store, now=now, credentials=credentials)
        else:
            source = _one_source(store, args.source)
            secret = None
            if password is not None:
                try:
                    secret = secret_with_password(store, source.id, credentials, password)
                except KeyError:
                    raise UsageError(f"{source.name}: a local file has no password") from None
                except (CredentialsUnavailable, FetchError) as error:
                    raise UsageError(f"{source.name}: {error}") from None
            results = [
                refresh_source(store, source.id, now=now, credentials=credentials, secret=secret)
            ]
    for result in results:
        print(result.summary(), file=err if result.failed else out)
    return EXIT_SOURCE_FAILED if any(r.failed for r in results) else EXIT_OK
