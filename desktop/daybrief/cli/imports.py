"""Getting calendars and data into the store: import, export-data, import-data."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    UsageError,
    add_data_dir,
    describe_day,
    local_day,
    now_of,
    open_store_for,
    span,
    zone_name,
    zone_of,
)
from daybrief.core.errors import InvalidCalendar


def register(commands: Any) -> None:
    imports = commands.add_parser(
        "import",
        help="import ICS files into the store (again: only what changed)",
        description="Import ICS files into the store; prints what changed since last time.",
    )
    imports.set_defaults(run=_cmd_import)
    imports.add_argument("files", nargs="+", metavar="FILE")
    imports.add_argument("--name", help="calendar name (default: X-WR-CALNAME or file name)")
    imports.add_argument("--tz", default=None, help="your time zone (default: the system's)")
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
    from daybrief.services.rules import import_and_apply

    zone = zone_of(args)
    failures = 0
    imported = 0
    items_added = meetings_touched = 0
    with open_store_for(args) as store:
        for path in args.files:
            try:
                outcome = import_and_apply(
                    store,
                    path,
                    user_zone=zone,
                    zone_name=zone_name(zone),
                    now=now_of(args),
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
                    print(f"  {label}: {describe_day(occurrence, zone)}", file=out)
            for before, after in report.moved[:10]:
                print(
                    f"  moved: {describe_day(before, zone)} -> "
                    f"{local_day(after, zone):%a %Y-%m-%d} {span(after, zone)}",
                    file=out,
                )
            for warning in report.warnings:
                print(f"  skipped: {warning}", file=err)
    if imported:
        print(f"applied templates: {items_added} items on {meetings_touched} meetings", file=out)
    return EXIT_UNUSABLE if failures else EXIT_OK


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
