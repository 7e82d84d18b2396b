"""The engine's answers over a window: occurrences, conflicts, unconfirmed; whoami; overview."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    UsageError,
    add_data_dir,
    describe,
    existing_store,
    json_lines,
    load,
    local_day,
    now_of,
    open_store_for,
    read_inputs,
    span,
    zone_name,
    zone_of,
)
from daybrief.core.confirmation import find_unconfirmed, identity
from daybrief.core.conflicts import MAX_CONFLICTS, clusters, find_double_bookings
from daybrief.core.engine import occurrences_between, suggest_identity_from
from daybrief.core.events import read_calendar
from daybrief.core.model import Occurrence
from daybrief.core.roles import is_context
from daybrief.core.serialize import conflict_to_dict, occurrence_to_dict, unconfirmed_to_dict


def register(commands: Any) -> None:
    for name, run, summary in (
        ("occurrences", _cmd_occurrences, "every meeting in the window, in order"),
        ("conflicts", _cmd_conflicts, "double-bookings: busy meetings that overlap"),
        ("unconfirmed", _cmd_unconfirmed, "meetings not confirmed by you or your invitees"),
        ("whoami", _cmd_whoami, "suggest your email addresses from the calendars"),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.set_defaults(run=run)
        command.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="ICS files ('-' for stdin); none: the calendars imported into the store",
        )
        command.add_argument("--demo", action="store_true", help="use the bundled demo calendar")
        add_data_dir(command)
        if name == "whoami":
            command.add_argument(
                "--save",
                nargs="*",
                metavar="EMAIL",
                help="remember these addresses (none given: the suggestions) as yours in the "
                "store; commands without --me use them",
            )
            continue
        command.add_argument(
            "--start",
            default="today",
            help="first day or moment: YYYY-MM-DD, ISO date-time, today, tomorrow (default today)",
        )
        command.add_argument(
            "--end",
            default="+14d",
            help="end, exclusive: YYYY-MM-DD, ISO date-time, or +Nd/+Nw after --start "
            "(default +14d); an end date equal to --start means that one day",
        )
        command.add_argument(
            "--tz",
            default=None,
            help="your time zone, for all-day and floating times and for display "
            "(default: the system's)",
        )
        command.add_argument(
            "--me",
            action="append",
            default=[],
            metavar="EMAIL",
            help="one of your email addresses (repeatable)",
        )
        command.add_argument("--json", action="store_true", help="JSON lines (docs/cli.md)")
        command.add_argument(
            "--quiet", "-q", action="store_true", help="do not print warnings about the files"
        )
        if name == "conflicts":
            command.add_argument(
                "--include-same-uid",
                action="store_true",
                help="also report instances of one series that overlap each other",
            )


def _cmd_occurrences(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    occurrences, me, zone = load(args, err)
    if args.json:
        json_lines(out, (occurrence_to_dict(o, me) for o in occurrences))
        return EXIT_OK
    if not occurrences:
        print("No meetings in this window.", file=out)
    day = None
    for occurrence in occurrences:
        this_day = local_day(occurrence, zone)
        if this_day != day:
            day = this_day
            print(f"\n{day:%A %d %B %Y}", file=out)
        flags = []
        if occurrence.event.status == "CANCELLED":
            flags.append("cancelled")
        elif occurrence.event.status == "TENTATIVE":
            flags.append("tentative")
        if occurrence.event.transp == "TRANSPARENT":
            flags.append("free")
        if is_context(occurrence, me):
            flags.append("context")  # another person's meeting, or an information entry
        suffix = f"  ({', '.join(flags)})" if flags else ""
        print(
            f"  {span(occurrence, zone)}  {occurrence.summary or '(no title)'}"
            f"  [{occurrence.calendar}]{suffix}",
            file=out,
        )
    return EXIT_OK


def _cmd_conflicts(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    occurrences, me, zone = load(args, err)
    conflicts = find_double_bookings(occurrences, me, include_same_uid=args.include_same_uid)
    if len(conflicts) >= MAX_CONFLICTS:
        print(
            f"warning: more than {MAX_CONFLICTS} double-bookings; only the first "
            f"{MAX_CONFLICTS} are listed",
            file=err,
        )
    if args.json:
        json_lines(out, (conflict_to_dict(c) for c in conflicts))
        return EXIT_OK
    if not conflicts:
        print("No double-bookings in this window.", file=out)
        return EXIT_OK
    for conflict in conflicts:
        print(
            f"{local_day(conflict.b, zone):%a %Y-%m-%d}  {conflict.overlap_minutes} min overlap: "
            f"{describe(conflict.a, zone)}  ×  {describe(conflict.b, zone)}",
            file=out,
        )
    for group in clusters(conflicts):
        if len(group) > 2:
            names = ", ".join(o.summary or "(no title)" for o in group)
            print(f"Cluster of {len(group)} overlapping meetings: {names}", file=out)
    return EXIT_OK


def _cmd_unconfirmed(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    occurrences, me, zone = load(args, err)
    found = find_unconfirmed(occurrences, me, _answered(args))
    if args.json:
        json_lines(out, (unconfirmed_to_dict(item, me) for item in found))
        return EXIT_OK
    if not found:
        print("Every meeting in this window is confirmed.", file=out)
        if not me:
            print("(Give --me EMAIL to check your own answers and your invitees'.)", file=out)
        return EXIT_OK
    for item in found:
        occurrence = item.occurrence
        print(
            f"{local_day(occurrence, zone):%a %Y-%m-%d}  {span(occurrence, zone)}  "
            f"{occurrence.summary or '(no title)'}: {item.description}",
            file=out,
        )
    return EXIT_OK


def _answered(args: argparse.Namespace) -> dict[tuple[str, str], str]:
    """Answers given but not yet shown by the store's calendars: no longer unconfirmed."""
    if args.files or args.demo:
        return {}
    from daybrief.services.answers import answered_map

    store = existing_store(args)
    if store is None:
        return {}
    with store:
        return answered_map(store)


def _cmd_whoami(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.commands import set_identity, suggested_identity
    from daybrief.services.queries import own_identity

    if args.files or args.demo:
        calendars = read_inputs(args)
        suggestions = suggest_identity_from(calendars)
    else:
        with open_store_for(args, create=False) as store:
            suggestions = suggested_identity(store)
            if args.save is None:
                saved = own_identity(store)
                if saved:
                    print(f"Saved: {', '.join(saved)}", file=out)
    if args.save is not None:
        chosen = sorted(identity(args.save or suggestions))
        if not chosen:
            raise UsageError("no address to save: give one, e.g. --save me@example.com")
        with open_store_for(args) as store:
            try:
                saved_now = set_identity(store, chosen)
            except ValueError as error:
                raise UsageError(f"--save: {error}") from None
        print(f"Saved as yours: {', '.join(saved_now)}", file=out)
        return EXIT_OK
    for address in suggestions:
        print(address, file=out)
    return EXIT_OK


def overview(args: argparse.Namespace, out: TextIO) -> int:
    """``daybrief`` alone: the next working day at a glance, from the store or the demo."""
    from daybrief.core.demo import DEMO_USER, demo_calendar, next_working_day

    zone = zone_of(args)
    today = now_of(args).astimezone(zone).date()
    day = next_working_day(today)
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = start + timedelta(days=1)
    occurrences, me = _store_day(args, start, end, zone)
    if occurrences is None:
        calendar = read_calendar(demo_calendar(today), "demo.ics", "Demo")
        occurrences = occurrences_between([calendar], start, end, zone).occurrences
        me = identity([DEMO_USER])
        print(
            "No calendars imported yet: showing the demo calendar "
            "(try: daybrief import YOUR.ics).\n",
            file=out,
        )
    conflicts = find_double_bookings(occurrences, me)
    unconfirmed = find_unconfirmed(occurrences, me)
    mine = sum(not is_context(o, me) for o in occurrences)
    context = f" (and {len(occurrences) - mine} for context)" if mine < len(occurrences) else ""
    print(
        f"{day:%A %d %B}: {mine} meetings{context}, {len(conflicts)} double-booking(s), "
        f"{len(unconfirmed)} unconfirmed\n",
        file=out,
    )
    for occurrence in occurrences:
        mark = "  (context)" if is_context(occurrence, me) else ""
        print(f"  {describe(occurrence, zone)}{mark}", file=out)
    if conflicts:
        print("\nDouble-booked:", file=out)
        for conflict in conflicts:
            print(
                f"  {conflict.a.summary} × {conflict.b.summary} ({conflict.overlap_minutes} min)",
                file=out,
            )
    if unconfirmed:
        print("\nNot confirmed:", file=out)
        for item in unconfirmed:
            print(f"  {item.occurrence.summary}: {item.description}", file=out)
    if not me:
        print("\nTell Daybrief who you are: daybrief whoami --save", file=out)
    print("\nMore: daybrief --help", file=out)
    return EXIT_OK


def _store_day(
    args: argparse.Namespace, start: datetime, end: datetime, zone: tzinfo
) -> tuple[list[Occurrence] | None, frozenset[str]]:
    """The store's meetings for the day, or None when no calendar has been imported."""
    from daybrief.services.queries import has_calendars, occurrences_in_store, saved_identity
    from daybrief.services.storage import StoreError, open_store, store_path

    path = store_path(getattr(args, "data_dir", None))
    if not path.exists():
        return None, frozenset()
    try:
        with open_store(path) as store:
            if not has_calendars(store):
                return None, frozenset()
            occurrences = occurrences_in_store(store, start, end, zone, zone_name(zone))
            return occurrences, identity(saved_identity(store))
    except StoreError as error:
        raise UsageError(f"{path}: {error}") from None
