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
       calendar): its last good data is kept and the reason is on stderr; or the task
       list could not be reached (``tasks sync``): local changes stay queued.

Warnings about broken events also go to stderr, so ``--json`` output on stdout stays clean.

Calendar sources (``daybrief sources add|list|remove|refresh``) keep addresses and
passwords in the OS keyring only; ``--password-stdin`` reads a password from the first
line of standard input, so it never appears in the process list or shell history.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from daybrief import __version__
from daybrief.cli import (
    answer,
    brief,
    calendar,
    followups,
    goals,
    imports,
    mail,
    problems,
    sources,
    tasks,
    templates,
)
from daybrief.cli.common import (
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_PROBLEMS,
    EXIT_SOURCE_FAILED,
    EXIT_UNUSABLE,
    OutputError,
    UsageError,
    add_data_dir,
    add_now,
)

__all__ = [
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_PROBLEMS",
    "EXIT_SOURCE_FAILED",
    "EXIT_UNUSABLE",
    "main",
]

# Each command lives in its own module with a register(commands) function.
_COMMAND_MODULES = (
    calendar, imports, brief, problems, goals, sources, templates, answer, mail, followups,
    tasks,
)  # fmt: skip


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

            return run() if has_display() else calendar.overview(args, sys.stdout)
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
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    add_now(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(commands)
    window = commands.add_parser(
        "window",
        help="open the desktop window (the default when a display is available)",
        description="Open the desktop window, importing any calendar files given.",
    )
    window.set_defaults(run=_cmd_window)
    window.add_argument("files", nargs="*", metavar="FILE")
    window.add_argument("--demo", action="store_true", help="load the demo calendar")
    add_data_dir(window)
    return parser


def _is_calendar_file(arg: str) -> bool:
    return arg.lower().endswith((".ics", ".ical", ".ifb")) and Path(arg).is_file()


def _cmd_window(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.app import run

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file")
    return run(args.files, args.data_dir, demo=args.demo)


if __name__ == "__main__":
    raise SystemExit(main())
