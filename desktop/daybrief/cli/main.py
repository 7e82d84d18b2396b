"""``daybrief`` on the command line: the engine's answers, for people and for scripts.

Exit codes:
    0  success;
    1  ``brief --check`` found problems on the day (the briefing is still written);
    2  unusable input: missing file, not a calendar, bad date or zone, no store and no
       calendar given, an unknown source, a CalDAV account with several calendars and no
       ``--calendar``, no keyring to keep a password in; a one-line reason on stderr;
    3  the output could not be made or written: ``--out`` not writable, no Qt for
       ``--format pdf``; a one-line reason on stderr;
    4  a calendar source could not be fetched (network, server, password, not a
       calendar): its last good data is kept and the reason is on stderr.

Warnings about broken events also go to stderr, so ``--json`` output on stdout stays clean.

Calendar sources (``daybrief sources add|list|remove|refresh``) keep addresses and
passwords in the OS keyring only; ``--password-stdin`` reads a password from the first
line of standard input, so it never appears in the process list or shell history.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, TextIO

from daybrief import __version__
from daybrief.core.confirmation import find_unconfirmed, identity
from daybrief.core.conflicts import MAX_CONFLICTS, clusters, find_double_bookings
from daybrief.core.engine import occurrences_between, suggest_identity_from
from daybrief.core.errors import InvalidCalendar
from daybrief.core.events import ParsedCalendar, read_calendar, read_file, zone_by_name
from daybrief.core.model import Occurrence
from daybrief.core.serialize import conflict_to_dict, occurrence_to_dict, unconfirmed_to_dict

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2
EXIT_OUTPUT = 3
EXIT_SOURCE_FAILED = 4
_RELATIVE = re.compile(r"([+-]?\d+)([dw])\Z")


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit code 2."""


class OutputError(Exception):
    """The output could not be made or written: reported in one line, exit code 3."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and all(_is_calendar_file(arg) for arg in argv):
        # `daybrief FILE.ics`, as a file manager or a double-click runs it; with no display
        # (a server, a cron job) the files go into the store instead.
        from daybrief.app import has_display

        argv = ["window" if has_display() else "import", *argv]
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if not getattr(args, "command", None):
            from daybrief.app import has_display, run

            return run() if has_display() else _overview(sys.stdout)
        return int(args.run(args, sys.stdout, sys.stderr))
    except UsageError as error:
        print(f"daybrief: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except OutputError as error:
        print(f"daybrief: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    except BrokenPipeError:
        # `daybrief ... | head` is fine; keep Python from complaining again at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="daybrief",
        description="Meeting prep and calendar hygiene: occurrences, double-bookings and "
        "unconfirmed meetings of your ICS calendars.",
    )
    parser.add_argument("--version", action="version", version=f"daybrief {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
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
        _add_data_dir(command)
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
        command.add_argument("--json", action="store_true", help="JSON lines (SPEC §7)")
        command.add_argument(
            "--quiet", "-q", action="store_true", help="do not print warnings about the files"
        )
        if name == "conflicts":
            command.add_argument(
                "--include-same-uid",
                action="store_true",
                help="also report instances of one series that overlap each other",
            )
    imports = commands.add_parser(
        "import",
        help="import ICS files into the store (again: only what changed)",
        description="Import ICS files into the store; prints what changed since last time.",
    )
    imports.set_defaults(run=_cmd_import)
    imports.add_argument("files", nargs="+", metavar="FILE")
    imports.add_argument("--name", help="calendar name (default: X-WR-CALNAME or file name)")
    imports.add_argument("--tz", default=None, help="your time zone (default: the system's)")
    _add_data_dir(imports)
    _add_brief(commands)
    export = commands.add_parser("export-data", help="back up all your own data to one JSON file")
    export.set_defaults(run=_cmd_export_data)
    export.add_argument("file", metavar="FILE")
    _add_data_dir(export)
    restore = commands.add_parser("import-data", help="restore your data from a backup file")
    restore.set_defaults(run=_cmd_import_data)
    restore.add_argument("file", metavar="FILE")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="replace the store's data with the backup's (otherwise only into an empty store)",
    )
    _add_data_dir(restore)
    _add_sources_parser(commands)
    window = commands.add_parser(
        "window",
        help="open the desktop window (the default when a display is available)",
        description="Open the desktop window, importing any calendar files given.",
    )
    window.set_defaults(run=_cmd_window)
    window.add_argument("files", nargs="*", metavar="FILE")
    window.add_argument("--demo", action="store_true", help="load the demo calendar")
    _add_data_dir(window)
    for noun, run, summary in (
        ("templates", _cmd_templates, "your checklist templates"),
        ("rules", _cmd_rules, "the rules that apply templates to meetings"),
    ):
        group = commands.add_parser(noun, help=summary, description=summary)
        verbs = group.add_subparsers(dest="verb", metavar="VERB", required=True)
        listing = verbs.add_parser("list", help=f"list {summary} (read-only)")
        listing.set_defaults(run=run)
        listing.add_argument("--json", action="store_true", help="JSON lines")
        _add_data_dir(listing)
    return parser


def _is_calendar_file(arg: str) -> bool:
    return arg.lower().endswith((".ics", ".ical", ".ifb")) and Path(arg).is_file()


def _cmd_window(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.app import run

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file")
    return run(args.files, args.data_dir, demo=args.demo)


def _add_brief(commands: Any) -> None:
    from daybrief.services.briefing import FORMATS

    brief = commands.add_parser(
        "brief",
        help="the day's briefing: problems first, then meetings, follow-ups and goals",
        description="The briefing of one day (SPEC §4), from the store or only the given "
        "calendars; works without a display, e.g. from cron.",
    )
    brief.set_defaults(run=_cmd_brief)
    brief.add_argument(
        "--date",
        default=None,
        help="YYYY-MM-DD, today, tomorrow or next (the next working day); default: today "
        "until the working day ends, then the next working day",
    )
    brief.add_argument("--format", choices=FORMATS, default="txt", help="default txt")
    brief.add_argument("--out", metavar="FILE", help="write here instead of to stdout")
    brief.add_argument(
        "--calendar",
        action="append",
        default=[],
        metavar="FILE.ics",
        help="use only these calendars, not the store (repeatable)",
    )
    brief.add_argument(
        "--redact",
        action="store_true",
        help="leave out descriptions, dial-in codes and links, and attendee emails",
    )
    brief.add_argument("--demo", action="store_true", help="the bundled demo calendar and data")
    _add_data_dir(brief)
    brief.add_argument("--tz", default=None, help="your time zone (default: the system's)")
    brief.add_argument(
        "--me", action="append", default=[], metavar="EMAIL", help="one of your addresses"
    )
    brief.add_argument("--check", action="store_true", help="exit with 1 when the day has problems")
    brief.add_argument(
        "--no-mark-seen",
        action="store_true",
        help="do not remember this briefing as seen (the next one then still shows what "
        "changed since the last look)",
    )
    brief.add_argument("--quiet", "-q", action="store_true", help="no warnings about files")


def _add_data_dir(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--data-dir",
        default=None,
        help="folder of the store (default: $DAYBRIEF_DATA_DIR, else the platform's data folder)",
    )


# ---------------------------------------------------------------------------- inputs


def _user_zone(name: str | None) -> tzinfo:
    if name:
        zone = zone_by_name(name)
        if zone is None:
            raise UsageError(f"--tz: unknown time zone {name!r}")
        return zone
    try:
        from tzlocal import get_localzone

        return get_localzone()
    except Exception:  # an unset or broken system zone must not stop a cron job
        return UTC


def _read_inputs(args: argparse.Namespace) -> list[ParsedCalendar]:
    calendars: list[ParsedCalendar] = []
    if args.demo:
        from daybrief.core.demo import demo_calendar

        calendars.append(read_calendar(demo_calendar(date.today()), "demo.ics", "Demo"))
    for path in args.files:
        try:
            if path == "-":
                calendars.append(read_calendar(sys.stdin.buffer.read(), "<stdin>"))
            else:
                calendars.append(read_file(path))
        except InvalidCalendar as error:
            raise UsageError(str(error)) from None
    return calendars


def parse_moment(text: str, zone: tzinfo, *, base: datetime | None = None) -> tuple[datetime, bool]:
    """A command-line moment: (aware datetime, whether it was a bare date)."""
    value = text.strip().lower()
    today = datetime.now(zone).date()
    if value in ("today", "now"):
        return datetime.combine(today, time(), zone), True
    if value == "tomorrow":
        return datetime.combine(today + timedelta(days=1), time(), zone), True
    relative = _RELATIVE.match(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        days = amount * (7 if unit == "w" else 1)
        anchor = base.date() if base is not None else today
        return datetime.combine(anchor + timedelta(days=days), time(), zone), True
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), zone), True
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"not a date: {text!r} (use YYYY-MM-DD, an ISO date-time, today, tomorrow or +Nd)"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)), False


def _window(args: argparse.Namespace, zone: tzinfo) -> tuple[datetime, datetime]:
    start, _ = parse_moment(args.start, zone)
    end, end_is_date = parse_moment(args.end, zone, base=start)
    if end_is_date and end == start:
        end = start + timedelta(days=1)
    if end <= start:
        raise UsageError(f"--end ({args.end}) is not after --start ({args.start})")
    return start.astimezone(UTC), end.astimezone(UTC)


def _load(
    args: argparse.Namespace, out_err: TextIO
) -> tuple[list[Occurrence], frozenset[str], tzinfo]:
    zone = _user_zone(args.tz)
    start, end = _window(args, zone)
    if not args.files and not args.demo:
        return _load_from_store(args, zone, start, end)
    calendars = _read_inputs(args)
    expansion = occurrences_between(calendars, start, end, zone)
    if not args.quiet:
        for warning in expansion.warnings:
            print(f"warning: {warning}", file=out_err)
    return expansion.occurrences, identity(args.me), zone


def _load_from_store(
    args: argparse.Namespace, zone: tzinfo, start: datetime, end: datetime
) -> tuple[list[Occurrence], frozenset[str], tzinfo]:
    from daybrief.services.queries import occurrences_in_store, saved_identity

    with _open_store(args, create=False) as store:
        occurrences = occurrences_in_store(store, start, end, zone, _zone_name(zone))
        me = identity(args.me) or identity(saved_identity(store))
    return occurrences, me, zone


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def _open_store(args: argparse.Namespace, *, create: bool = True) -> Any:
    from daybrief.store import StoreError, open_store, store_path

    path = store_path(args.data_dir)
    if not create and not path.exists():
        raise UsageError(
            f"no calendar given, and no store at {path} yet: name ICS files, use --demo, "
            "or run 'daybrief import FILE.ics' first"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open_store(path)
    except (OSError, StoreError) as error:
        raise UsageError(f"{path}: {error}") from None


# ---------------------------------------------------------------------------- commands


def _cmd_occurrences(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    occurrences, me, zone = _load(args, err)
    if args.json:
        _json_lines(out, (occurrence_to_dict(o, me) for o in occurrences))
        return EXIT_OK
    if not occurrences:
        print("No meetings in this window.", file=out)
    day = None
    for occurrence in occurrences:
        local_day = _local_day(occurrence, zone)
        if local_day != day:
            day = local_day
            print(f"\n{day:%A %d %B %Y}", file=out)
        flags = []
        if occurrence.event.status == "CANCELLED":
            flags.append("cancelled")
        elif occurrence.event.status == "TENTATIVE":
            flags.append("tentative")
        if occurrence.event.transp == "TRANSPARENT":
            flags.append("free")
        suffix = f"  ({', '.join(flags)})" if flags else ""
        print(
            f"  {_span(occurrence, zone)}  {occurrence.summary or '(no title)'}"
            f"  [{occurrence.calendar}]{suffix}",
            file=out,
        )
    return EXIT_OK


def _cmd_conflicts(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    occurrences, me, zone = _load(args, err)
    conflicts = find_double_bookings(occurrences, me, include_same_uid=args.include_same_uid)
    if len(conflicts) >= MAX_CONFLICTS:
        print(
            f"warning: more than {MAX_CONFLICTS} double-bookings; only the first "
            f"{MAX_CONFLICTS} are listed",
            file=err,
        )
    if args.json:
        _json_lines(out, (conflict_to_dict(c) for c in conflicts))
        return EXIT_OK
    if not conflicts:
        print("No double-bookings in this window.", file=out)
        return EXIT_OK
    for conflict in conflicts:
        print(
            f"{_local_day(conflict.b, zone):%a %Y-%m-%d}  {conflict.overlap_minutes} min overlap: "
            f"{_describe(conflict.a, zone)}  ×  {_describe(conflict.b, zone)}",
            file=out,
        )
    for group in clusters(conflicts):
        if len(group) > 2:
            names = ", ".join(o.summary or "(no title)" for o in group)
            print(f"Cluster of {len(group)} overlapping meetings: {names}", file=out)
    return EXIT_OK


def _cmd_unconfirmed(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    occurrences, me, zone = _load(args, err)
    found = find_unconfirmed(occurrences, me)
    if args.json:
        _json_lines(out, (unconfirmed_to_dict(item, me) for item in found))
        return EXIT_OK
    if not found:
        print("Every meeting in this window is confirmed.", file=out)
        if not me:
            print("(Give --me EMAIL to check your own answers and your invitees'.)", file=out)
        return EXIT_OK
    for item in found:
        occurrence = item.occurrence
        print(
            f"{_local_day(occurrence, zone):%a %Y-%m-%d}  {_span(occurrence, zone)}  "
            f"{occurrence.summary or '(no title)'}: {item.description}",
            file=out,
        )
    return EXIT_OK


def _cmd_whoami(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.queries import save_identity, saved_identity, stored_calendars

    if args.files or args.demo:
        calendars = _read_inputs(args)
        suggestions = suggest_identity_from(calendars)
    else:
        with _open_store(args, create=False) as store:
            suggestions = suggest_identity_from(stored_calendars(store))
            if args.save is None:
                saved = saved_identity(store)
                if saved:
                    print(f"Saved: {', '.join(saved)}", file=out)
    if args.save is not None:
        chosen = sorted(identity(args.save or suggestions))
        if not chosen:
            raise UsageError("no address to save: give one, e.g. --save me@example.com")
        with _open_store(args) as store:
            save_identity(store, chosen)
        print(f"Saved as yours: {', '.join(chosen)}", file=out)
        return EXIT_OK
    for address in suggestions:
        print(address, file=out)
    return EXIT_OK


def _overview(out: TextIO) -> int:
    """``daybrief`` alone: the next working day at a glance, from the store or the demo."""
    from daybrief.core.demo import DEMO_USER, demo_calendar, next_working_day

    zone = _user_zone(None)
    today = datetime.now(zone).date()
    day = next_working_day(today)
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = start + timedelta(days=1)
    occurrences, me = _store_day(start, end, zone)
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
    print(
        f"{day:%A %d %B}: {len(occurrences)} meetings, {len(conflicts)} double-booking(s), "
        f"{len(unconfirmed)} unconfirmed\n",
        file=out,
    )
    for occurrence in occurrences:
        print(f"  {_describe(occurrence, zone)}", file=out)
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
    start: datetime, end: datetime, zone: tzinfo
) -> tuple[list[Occurrence] | None, frozenset[str]]:
    """The store's meetings for the day, or None when no calendar has been imported."""
    from daybrief.services.queries import has_calendars, occurrences_in_store, saved_identity
    from daybrief.store import StoreError, open_store, store_path

    path = store_path()
    if not path.exists():
        return None, frozenset()
    try:
        with open_store(path) as store:
            if not has_calendars(store):
                return None, frozenset()
            occurrences = occurrences_in_store(store, start, end, zone, _zone_name(zone))
            return occurrences, identity(saved_identity(store))
    except StoreError as error:
        raise UsageError(f"{path}: {error}") from None


def _cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.rules import import_and_apply

    zone = _user_zone(args.tz)
    failures = 0
    imported = 0
    items_added = meetings_touched = 0
    with _open_store(args) as store:
        for path in args.files:
            try:
                outcome = import_and_apply(
                    store,
                    path,
                    user_zone=zone,
                    zone_name=_zone_name(zone),
                    now=datetime.now(UTC),
                    name=args.name,
                )
            except InvalidCalendar as error:
                print(f"daybrief: {error} (nothing imported from it)", file=err)
                failures += 1
                continue
            imported += 1
            items_added += outcome.rules.items
            meetings_touched += outcome.rules.meetings
            report = outcome.report
            print(report.summary(), file=out)
            for label, items in (
                ("added", report.added),
                ("cancelled", report.cancelled),
                ("removed", report.removed),
            ):
                for occurrence in items[:10]:
                    print(f"  {label}: {_describe_day(occurrence, zone)}", file=out)
            for before, after in report.moved[:10]:
                print(
                    f"  moved: {_describe_day(before, zone)} -> "
                    f"{_local_day(after, zone):%a %Y-%m-%d} {_span(after, zone)}",
                    file=out,
                )
            for warning in report.warnings:
                print(f"  skipped: {warning}", file=err)
    if imported:
        print(f"applied templates: {items_added} items on {meetings_touched} meetings", file=out)
    return EXIT_UNUSABLE if failures else EXIT_OK


def _existing_store(args: argparse.Namespace) -> Any:
    """The store for a read-only view, or None when there is none yet (none is created)."""
    from daybrief.store import store_path

    return _open_store(args) if store_path(args.data_dir).exists() else None


def _cmd_templates(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.rules import templates_and_rules
    from daybrief.store.models import Rule, Template

    store = _existing_store(args)
    templates: list[Template] = []
    rules: list[Rule] = []
    if store is not None:
        with store:
            templates, rules = templates_and_rules(store)
    if args.json:
        _json_lines(
            out,
            (
                {
                    "id": t.id,
                    "name": t.name,
                    "items": [
                        {"text": i.text, "required": i.required, "file_pattern": i.file_pattern}
                        for i in t.items
                    ],
                    "rules": [r.id for r in rules if r.template_id == t.id],
                }
                for t in templates
            ),
        )
        return EXIT_OK
    if not templates:
        print("No templates yet: the starter ones come with your first import.", file=out)
    for template in templates:
        print(template.name, file=out)
        for item in template.items:
            kind = "required" if item.required else "optional"
            where = f"  [{item.file_pattern}]" if item.file_pattern else ""
            print(f"  - {item.text} ({kind}){where}", file=out)
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.rules import rule_target, templates_and_rules

    store = _existing_store(args)
    if store is None:
        rows: list[dict[str, Any]] = []
    else:
        with store:
            templates, rules = templates_and_rules(store)
            names = {t.id: t.name for t in templates}
            rows = [
                {
                    "id": r.id,
                    "kind": r.kind.value,
                    "value": r.value,
                    "target": rule_target(store, r),
                    "template_id": r.template_id,
                    "template": names.get(r.template_id, ""),
                    "enabled": r.enabled,
                }
                for r in rules
            ]
    if args.json:
        _json_lines(out, rows)
        return EXIT_OK
    if not rows:
        print("No rules yet: the starter ones come with your first import.", file=out)
    described = {
        "title_keyword": "title has",
        "client": "client is",
        "external_attendees": "has external attendees",
        "recurring_series": "recurring series",
    }
    for row in rows:
        what = described.get(row["kind"], row["kind"])
        target = f" {row['target']}" if row["target"] else ""
        off = "  (off)" if not row["enabled"] else ""
        print(f"{row['id']:>3}  {what}{target} → {row['template']}{off}", file=out)
    return EXIT_OK


def _cmd_export_data(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.store import write_backup

    with _open_store(args) as store:
        counts = write_backup(store, args.file)
    print(f"Saved {sum(counts.values())} records to {args.file}", file=out)
    return EXIT_OK


def _cmd_import_data(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.store import BackupError, StoreError, import_user_data, read_backup

    try:
        data = read_backup(args.file)
        with _open_store(args) as store:
            counts = import_user_data(store, data, replace=args.replace)
    except (BackupError, StoreError, OSError) as error:
        raise UsageError(str(error)) from None
    print(f"Restored {sum(counts.values())} records from {args.file}", file=out)
    return EXIT_OK


def _cmd_brief(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.core.briefing import BriefingSettings
    from daybrief.core.clock import SystemClock
    from daybrief.services.briefing import (
        briefing_from_calendars,
        briefing_from_store,
        demo_briefing,
        mark_seen,
        resolve_day,
        settings_of,
    )
    from daybrief.services.queries import has_calendars
    from daybrief.store import StoreError

    zone = _user_zone(args.tz)
    clock = SystemClock()
    now = clock.now().astimezone(zone)
    store = None
    warnings: tuple[str, ...] = ()
    try:
        if args.demo or args.calendar:
            settings = BriefingSettings()
            day = _brief_day(resolve_day, args.date, now, settings)
            if args.demo:
                # Without --date, the day the demo is about (its next working day) rather
                # than a quiet today.
                chosen = day if args.date else None
                gathered = demo_briefing(now.date(), chosen, zone, clock, redact=args.redact)
            else:
                calendars = []
                for path in args.calendar:
                    try:
                        calendars.append(read_file(path))
                    except InvalidCalendar as error:
                        raise UsageError(str(error)) from None
                gathered = briefing_from_calendars(
                    calendars, day, zone, clock, me=args.me, redact=args.redact
                )
            briefing, warnings = gathered.briefing, gathered.warnings
        else:
            store = _open_store(args, create=False)
            if not has_calendars(store):
                raise UsageError(
                    "no calendar imported yet: run 'daybrief import FILE.ics', give "
                    "--calendar FILE.ics, or try --demo"
                )
            settings = settings_of(store)
            day = _brief_day(resolve_day, args.date, now, settings)
            briefing = briefing_from_store(
                store, day, zone, clock, me=args.me or None, redact=args.redact
            )
        if not args.quiet:
            for warning in warnings:
                print(f"warning: {warning}", file=err)
        if not briefing.me and not args.quiet:
            print(
                "note: without your address (--me, or 'daybrief whoami --save') only "
                "meetings that are tentative themselves count as unconfirmed",
                file=err,
            )
        data = _brief_bytes(briefing, args.format)
        _write_output(data, args.out, args.format, out)
        if store is not None and not args.no_mark_seen:
            mark_seen(store, briefing)
    except StoreError as error:
        raise UsageError(str(error)) from None
    finally:
        if store is not None:
            store.close()
    if args.check and briefing.problems:
        return EXIT_PROBLEMS
    return EXIT_OK


def _brief_day(resolve: Any, text: str | None, now: datetime, settings: Any) -> date:
    try:
        day: date = resolve(text, now, settings)
    except ValueError as error:
        raise UsageError(f"--date: {error}") from None
    return day


def _brief_bytes(briefing: Any, fmt: str) -> bytes:
    from daybrief.services.briefing import render

    if fmt != "pdf":
        return render(briefing, fmt)
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        # Cron has no display; Qt's offscreen platform draws fonts without one.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from daybrief.ui.pdf import html_to_pdf
    except ImportError as error:
        raise OutputError(f"PDF needs Qt (PySide6), which did not load: {error}") from None
    try:
        return html_to_pdf(render(briefing, "html").decode("utf-8"))
    except RuntimeError as error:
        raise OutputError(f"could not make the PDF: {error}") from None


def _write_output(data: bytes, path: str | None, fmt: str, out: TextIO) -> None:
    if path:
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise OutputError(f"{path}: {error.strerror or error}") from None
        return
    if fmt == "pdf":
        if out.isatty():
            raise UsageError("a PDF is not for a terminal: give --out FILE.pdf")
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            raise OutputError("this output takes no bytes: give --out FILE.pdf")
        out.flush()
        buffer.write(data)
        buffer.flush()
        return
    out.write(data.decode("utf-8"))


# ---------------------------------------------------------------------------- sources


def _add_sources_parser(commands: Any) -> None:
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
    add.add_argument("--calendar", metavar="NAME", help="CalDAV: the calendar to add, or 'all'")
    add.add_argument(
        "--session-only",
        action="store_true",
        help="without a keyring: import once and store neither address nor password "
        "(refreshing it later asks for them again)",
    )
    _add_data_dir(add)
    listing = verbs.add_parser("list", help="every source, with its state and last success")
    listing.set_defaults(run=_cmd_sources_list)
    listing.add_argument("--json", action="store_true", help="JSON lines, one per source")
    _add_data_dir(listing)
    remove = verbs.add_parser(
        "remove", help="forget a source (your checklists and notes on its meetings stay)"
    )
    remove.set_defaults(run=_cmd_sources_remove)
    remove.add_argument("source", metavar="ID|NAME")
    _add_data_dir(remove)
    refresh = verbs.add_parser("refresh", help="fetch sources again (all, or one)")
    refresh.set_defaults(run=_cmd_sources_refresh)
    refresh.add_argument("source", nargs="?", metavar="ID|NAME")
    refresh.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password for this refresh from standard input (not stored)",
    )
    _add_data_dir(refresh)


def _read_password(args: argparse.Namespace) -> str | None:
    if not getattr(args, "password_stdin", False):
        return None
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise UsageError("--password-stdin: standard input gave no password")
    return password


def _credentials(args: argparse.Namespace) -> Any:
    from daybrief.services.credentials import KeyringStore, SessionCredentials

    return SessionCredentials() if getattr(args, "session_only", False) else KeyringStore()


def _cmd_sources_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import CredentialsUnavailable
    from daybrief.services.fetch import FetchError
    from daybrief.services.sources import SourceExists, subscribe

    password = _read_password(args)
    credentials = _credentials(args)
    with _open_store(args) as store:
        try:
            subscription = subscribe(
                store, args.url, credentials=credentials, now=datetime.now(UTC),
                name=args.name, username=args.user, password=password, calendar=args.calendar,
            )  # fmt: skip
        except (CredentialsUnavailable, SourceExists, LookupError) as error:
            raise UsageError(str(error).strip("'\"")) from None
        except FetchError as error:
            print(f"daybrief: {error.reason} (nothing added)", file=err)
            return EXIT_SOURCE_FAILED
        except InvalidCalendar as error:
            raise UsageError(f"{error} (nothing added)") from None
    if subscription.choices:
        print("This CalDAV account has several calendars:", file=err)
        for calendar in subscription.choices:
            print(f"  {calendar.name}", file=err)
        raise UsageError("pick one with --calendar NAME (or --calendar all)")
    for result in subscription.added:
        print(f"Added {result.name!r} (id {result.source_id}): {result.summary()}", file=out)
        if result.report is not None:
            for warning in result.report.warnings:
                print(f"  skipped: {warning}", file=err)
    return EXIT_OK


def _cmd_sources_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.sources import list_sources

    with _open_store(args) as store:
        statuses = list_sources(store)
    if args.json:
        _json_lines(out, (status.to_dict() for status in statuses))
        return EXIT_OK
    if not statuses:
        print("No calendars yet: daybrief sources add URL, or daybrief import FILE.ics", file=out)
    for status in statuses:
        row = status.to_dict()
        when = str(row["last_success_at"] or "never")[:16].replace("T", " ")
        print(
            f"{row['id']:>3}  {row['name']}  [{row['kind']}]  {row['address']}  "
            f"{row['occurrences']} occurrences, last good {when}",
            file=out,
        )
        if status.problem:
            retry = status.next_retry_at
            again = f"; next try {retry:%Y-%m-%d %H:%M} UTC" if retry else ""
            print(f"     problem: {status.problem}{again}", file=out)
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
    from daybrief.services.credentials import KeyringStore
    from daybrief.services.sources import remove_source

    with _open_store(args, create=False) as store:
        source = _one_source(store, args.source)
        remove_source(store, source.id, KeyringStore())
    print(f"Removed {source.name!r}; your notes and checklists on its meetings stay.", file=out)
    return EXIT_OK


def _cmd_sources_refresh(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import CredentialsUnavailable, KeyringStore
    from daybrief.services.fetch import FetchError
    from daybrief.services.refresh import refresh_all, refresh_source
    from daybrief.services.sources import secret_with_password

    password = _read_password(args)
    credentials = KeyringStore()
    now = datetime.now(UTC)
    with _open_store(args, create=False) as store:
        if args.source is None:
            if password is not None:
                raise UsageError("--password-stdin needs the source to refresh (ID or NAME)")
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


def _describe_day(occurrence: Occurrence, zone: tzinfo) -> str:
    return f"{_local_day(occurrence, zone):%a %Y-%m-%d} {_describe(occurrence, zone)}"


# ---------------------------------------------------------------------------- output


def _json_lines(out: TextIO, rows: Any) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _describe(occurrence: Occurrence, zone: tzinfo) -> str:
    return f"{_span(occurrence, zone)} {occurrence.summary or '(no title)'} [{occurrence.calendar}]"


def _local_day(occurrence: Occurrence, zone: tzinfo) -> date:
    if occurrence.all_day and occurrence.start_date is not None:
        return occurrence.start_date
    return occurrence.start.astimezone(zone).date()


def _span(occurrence: Occurrence, zone: tzinfo) -> str:
    if occurrence.all_day:
        return "all day    "
    start = occurrence.start.astimezone(zone)
    end = occurrence.end.astimezone(zone)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{start:%H:%M}–{end_text}"


if __name__ == "__main__":
    raise SystemExit(main())
