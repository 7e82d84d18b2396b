"""``daybrief sources``: calendar subscriptions (ICS addresses, CalDAV accounts)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    ROLE_CHOICES,
    UsageError,
    add_data_dir,
    add_role,
    json_lines,
    now_of,
    open_store_for,
    terminal_safe,
)
from daybrief.core.errors import InvalidCalendar


def register(commands: Any) -> None:
    sources = commands.add_parser(
        "sources",
        help="calendar subscriptions (ICS addresses, CalDAV accounts): add, list, set, remove, "
        "refresh",
        description="Calendar sources kept current from the network; adding and refreshing "
        "apply your template rules to new or changed meetings, as the window does. "
        "Addresses and passwords "
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
    add_role(add)
    add_data_dir(add)
    listing = verbs.add_parser(
        "list", help="every source, with its role (guessed or set), state and last success"
    )
    listing.set_defaults(run=_cmd_sources_list)
    listing.add_argument("--json", action="store_true", help="JSON lines, one per source")
    add_data_dir(listing)
    change = verbs.add_parser(
        "set",
        help="a calendar's role (whose it is) and colour",
        description="Set whose calendar a source is, and its colour in the window. A new "
        "role takes effect at once: nothing is fetched again and your own data is untouched.",
    )
    change.set_defaults(run=_cmd_sources_set)
    change.add_argument("source", metavar="ID|NAME")
    change.add_argument(
        "--role",
        choices=ROLE_CHOICES,
        help="mine (your own), others (another person's or a team's: only meetings you "
        "organise or attend count), info (holidays, rosters: shown, never counted)",
    )
    change.add_argument(
        "--colour", metavar="#RRGGBB", help="its colour in the window; 'none' for the default"
    )
    add_data_dir(change)
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
            raise UsageError(str(error)) from None
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
    from daybrief.services.commands import DEMO_REMOVED, subscribe_calendar
    from daybrief.services.credentials import (
        CredentialsUnavailable,
        FallbackCredentials,
        PasswordCommandFailed,
        remember_session_only,
    )
    from daybrief.services.fetch import FetchError
    from daybrief.services.sources import SourceExists

    password = _read_password(args)
    with open_store_for(args) as store:
        credentials = _credentials(args, store)
        try:
            outcome = subscribe_calendar(
                store, args.url, credentials=credentials, zone=_zone(store), now=now_of(args),
                name=args.name, username=args.user, password=password, calendar=args.calendar,
                role=args.role,
            )  # fmt: skip
        except (CredentialsUnavailable, SourceExists, LookupError, PasswordCommandFailed) as error:
            raise UsageError(str(error).strip("'\"")) from None
        except FetchError as error:
            print(f"daybrief: {error.reason} (nothing added)", file=err)
            return EXIT_SOURCE_FAILED
        except InvalidCalendar as error:
            raise UsageError(f"{error} (nothing added)") from None
        subscription = outcome.subscription
        assert subscription is not None
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
        if result.report is not None and result.report.role_guess is not None:
            guess = result.report.role_guess
            print(f"  role {guess.role.value}, guessed: {guess.reason}", file=out)
            print(f"  (change it: daybrief sources set {result.source_id} --role ...)", file=out)
        elif args.role:
            print(f"  role {args.role}", file=out)
        if result.report is not None:
            for warning in result.report.warnings:
                print(f"  skipped: {warning}", file=err)
    _tell_after_adding(outcome, out, DEMO_REMOVED)
    return EXIT_OK


def _zone(store: Any) -> Any:
    """The zone the user set (the system's when none), as the window uses."""
    from daybrief.services.preferences import stored_preferences

    return stored_preferences(store).zone()


def _tell_after_adding(outcome: Any, out: TextIO, demo_removed: str) -> None:
    if outcome.rules is not None and outcome.rules.items:
        print(outcome.rules.text(), file=out)
    if outcome.demo_removed is not None:
        print(demo_removed, file=out)
    if outcome.identity:
        print(
            f"These look like your addresses: {', '.join(outcome.identity)}; saved as yours "
            "(change them with: daybrief whoami --save ADDRESS...)",
            file=out,
        )


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
        guessed = row["role_how"] == "guessed" and row["role_reason"]
        reason = f": {row['role_reason']}" if guessed else ""
        colour = f"; colour {row['colour']}" if row["colour"] else ""
        print(f"     role {row['role']} ({row['role_how']}{reason}){colour}", file=out)
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


def _cmd_sources_set(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.sources import parse_colour, set_source_colour, set_source_role

    if args.role is None and args.colour is None:
        raise UsageError("sources set: give --role mine|others|info and/or --colour #RRGGBB")
    colour: str | None = None
    if args.colour is not None and args.colour.strip().lower() != "none":
        try:
            colour = parse_colour(args.colour)
        except ValueError as error:
            raise UsageError(f"--colour: {error}") from None
    with open_store_for(args, create=False) as store:
        source = _one_source(store, args.source)
        with store.transaction():  # both or neither
            if args.role is not None:
                set_source_role(store, source.id, args.role)
            if args.colour is not None:
                set_source_colour(store, source.id, colour)
    parts = []
    if args.role is not None:
        parts.append(f"role {args.role}")
    if args.colour is not None:
        parts.append(f"colour {colour or 'default'}")
    print(f"{source.name!r} (id {source.id}): {', '.join(parts)}", file=out)
    return EXIT_OK


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
    from daybrief.services.commands import refresh_calendars
    from daybrief.services.credentials import CredentialsUnavailable, credentials_for
    from daybrief.services.fetch import FetchError
    from daybrief.services.sources import secret_with_password

    if args.source is None and (args.password_stdin or args.password_command):
        raise UsageError(
            "--password-stdin and --password-command need the source to refresh (ID or NAME)"
        )
    password = _read_password(args)
    now = now_of(args)
    with open_store_for(args, create=False) as store:
        credentials = credentials_for(store)
        zone = _zone(store)
        if args.source is None:
            outcome = refresh_calendars(store, credentials=credentials, zone=zone, now=now)
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
            outcome = refresh_calendars(
                store, credentials=credentials, zone=zone, now=now, source_id=source.id,
                secret=secret,
            )  # fmt: skip
    for result in outcome.results:
        print(result.summary(), file=err if result.failed else out)
    if outcome.rules is not None and outcome.rules.items:
        print(outcome.rules.text(), file=out)
    return EXIT_SOURCE_FAILED if outcome.failed else EXIT_OK
