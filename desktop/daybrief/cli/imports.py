"""Getting calendars and data into the store: import, export-data, import-data."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    UsageError,
    add_data_dir,
    add_role,
    describe_day,
    local_day,
    now_of,
    open_store_for,
    span,
    zone_of,
)


def register(commands: Any) -> None:
    imports = commands.add_parser(
        "import",
        help="import ICS files into the store (again: only what changed)",
        description="Import ICS files into the store; prints what changed since last time. "
        "As the window's import: your template rules are applied to new or changed meetings, "
        "your addresses are suggested and saved when none are known, and the first calendar "
        "of your own removes the demo (see docs/application-layer.md).",
    )
    imports.set_defaults(run=_cmd_import)
    imports.add_argument("files", nargs="+", metavar="FILE")
    imports.add_argument("--name", help="calendar name (default: X-WR-CALNAME or file name)")
    imports.add_argument("--tz", default=None, help="your time zone (default: the system's)")
    add_role(imports)
    add_data_dir(imports)
    export = commands.add_parser("export-data", help="back up all your own data to one JSON file")
    export.set_defaults(run=_cmd_export_data)
    export.add_argument("file", metavar="FILE")
    add_data_dir(export)
    restore = commands.add_parser("import-data", help="restore your data from a backup file")
    restore.set_defaults(run=_cmd_import_data)
    restore.add_argument("file", metavar="FILE")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="replace the store's data with the backup's (otherwise only into an empty store)",
    )
    add_data_dir(restore)


def _cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.commands import DEMO_REMOVED, import_calendars

    zone = zone_of(args)
    with open_store_for(args) as store:
        outcome = import_calendars(
            store, args.files, zone=zone, now=now_of(args), name=args.name, role=args.role
        )
    for failure in outcome.failures:
        print(f"daybrief: {failure} (nothing imported from it)", file=err)
    for report in outcome.reports:
        print(report.summary(), file=out)
        role_line = report.role_line()
        if role_line and (report.role_guess is not None or args.role):
            print(role_line, file=out)
        for label, items in (
            ("added", report.added),
            ("cancelled", report.cancelled),
            ("removed", report.removed),
        ):
            for occurrence in items[:10]:
                print(f"  {label}: {describe_day(occurrence, zone)}", file=out)
        for before, after in report.moved[:10]:
            print(
                f"  moved: {describe_day(before, zone)} -> "
                f"{local_day(after, zone):%a %Y-%m-%d} {span(after, zone)}",
                file=out,
            )
        for warning in report.warnings:
            print(f"  skipped: {warning}", file=err)
    if outcome.reports:
        rules = outcome.rules
        items, meetings = (rules.items, rules.meetings) if rules is not None else (0, 0)
        print(f"applied templates: {items} items on {meetings} meetings", file=out)
    if outcome.demo_removed is not None:
        print(DEMO_REMOVED, file=out)
    if outcome.identity:
        print(
            f"These look like your addresses: {', '.join(outcome.identity)}; saved as yours "
            "(change them with: daybrief whoami --save ADDRESS...)",
            file=out,
        )
    return EXIT_UNUSABLE if outcome.failures else EXIT_OK


def _cmd_export_data(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.storage import export_backup

    with open_store_for(args) as store:
        counts = export_backup(store, args.file)
    print(f"Saved {sum(counts.values())} records to {args.file}", file=out)
    return EXIT_OK


def _cmd_import_data(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.storage import BackupError, StoreError, restore_backup

    try:
        with open_store_for(args) as store:
            counts = restore_backup(store, args.file, replace=args.replace)
    except (BackupError, StoreError, OSError) as error:
        raise UsageError(str(error)) from None
    print(f"Restored {sum(counts.values())} records from {args.file}", file=out)
    return EXIT_OK
