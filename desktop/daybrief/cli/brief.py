"""``daybrief brief``: the day's briefing, for people and for cron."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_SOURCE_FAILED,
    OutputError,
    UsageError,
    add_data_dir,
    clock_of,
    open_store_for,
    write_output,
    zone_of,
)
from daybrief.core.errors import InvalidCalendar
from daybrief.core.events import read_file


def register(commands: Any) -> None:
    from daybrief.services.briefing import FORMATS

    brief = commands.add_parser(
        "brief",
        help="the day's briefing: problems first, then meetings, follow-ups and goals",
        description="The briefing of one day (see docs/semantics.md), from the store or only "
        "the given calendars; works without a display, e.g. from cron.",
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
    add_data_dir(brief)
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
    brief.add_argument(
        "--send-to",
        metavar="ADDRESS",
        help="mail the briefing here through the mail account ('daybrief mail setup'); "
        "nothing goes to stdout then unless --out is given",
    )


def _cmd_brief(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.core.briefing import BriefingSettings
    from daybrief.services.briefing import (
        briefing_from_calendars,
        briefing_from_store,
        demo_briefing,
        mark_seen,
        resolve_day,
        settings_of,
    )
    from daybrief.services.queries import has_calendars
    from daybrief.services.storage import StoreError

    zone = zone_of(args)
    clock = clock_of(args)
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
            store = open_store_for(args, create=False)
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
        if args.send_to:
            from daybrief.cli.mail import send_briefing_to

            if send_briefing_to(args, briefing, out, err) != EXIT_OK:
                return EXIT_SOURCE_FAILED
        if args.out or not args.send_to:
            data = _brief_bytes(briefing, args.format)
            write_output(data, args.out, args.format, out)
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
