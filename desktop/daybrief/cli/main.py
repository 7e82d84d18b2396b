"""``daybrief`` on the command line: the engine's answers, for people and for scripts.

Exit codes:
    0   success;
    1   ``brief --check`` found problems on the day (the briefing is still written);
        nothing else exits 1, so cron can rely on it;
    2   unusable input: missing file, not a calendar, a file over the size cap, bad date or
        zone, a bad backup, no store and no calendar given, an unknown source, a CalDAV
        account with several calendars and no ``--calendar``, no password and no way to
        get one; a one-line reason on stderr;
    3   the output could not be made or written: ``--out`` not writable, no Qt for
        ``--format pdf``; a one-line reason on stderr;
    4   a calendar source could not be fetched (network, server, password, not a
        calendar): its last good data is kept and the reason is on stderr; or the task
        list could not be reached (``tasks sync``): local changes stay queued;
    5   the store or its data folder cannot be used right now: another Daybrief kept it
        busy for more than 5 s, the disk is full, the folder is read-only, the file is
        damaged or from a newer Daybrief; nothing was changed, a one-line reason on stderr;
    70  an internal error (a bug): the traceback is written to a ``crash-*.log`` file in
        the data folder, whose path is printed; nothing acknowledged was lost;
    130 interrupted (Ctrl-C).

Warnings about broken events also go to stderr, so ``--json`` output on stdout stays clean.
Everything written to the terminal is stripped of control characters (calendar text may
hold escape sequences); ``--json`` escapes them instead.

Calendar sources (``daybrief sources add|list|remove|refresh``) keep addresses and
passwords in the OS keyring when there is one; ``--password-stdin`` reads a password from
the first line of standard input and ``--password-command CMD`` from the first line CMD
prints, so it never appears in the process list or shell history.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
import traceback
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
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_PROBLEMS,
    EXIT_SOURCE_FAILED,
    EXIT_STORE,
    EXIT_UNUSABLE,
    OutputError,
    TerminalSafe,
    UsageError,
    add_data_dir,
    add_now,
    terminal_safe,
)

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_PROBLEMS",
    "EXIT_SOURCE_FAILED",
    "EXIT_STORE",
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
    out, err = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr)
    try:
        if not getattr(args, "command", None):
            from daybrief.app import has_display, run

            return run((), args.data_dir) if has_display() else calendar.overview(args, out)
        return int(args.run(args, out, err))
    except UsageError as error:
        return _fail(err, error, EXIT_UNUSABLE)
    except OutputError as error:
        return _fail(err, error, EXIT_OUTPUT)
    except BrokenPipeError:
        # `daybrief ... | head` is fine; keep Python from complaining again at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except KeyboardInterrupt:
        return _fail(err, "interrupted", 130)
    except Exception as error:
        expected = _expected(error)
        if expected is not None:
            return _fail(err, expected[1], expected[0])
        return _crashed(args, err, error)


def _fail(err: TextIO, message: object, code: int) -> int:
    text = terminal_safe(str(message)) or type(message).__name__
    print(f"daybrief: {text}", file=err)
    return code


def _expected(error: Exception) -> tuple[int, str] | None:
    """(exit code, one-line message) for a failure of the machine, not of Daybrief."""
    from daybrief.services.storage import BackupError, StoreError

    if isinstance(error, BackupError):
        return EXIT_UNUSABLE, str(error)
    if isinstance(error, StoreError):
        return EXIT_STORE, str(error)
    if isinstance(error, MemoryError):
        return EXIT_STORE, "not enough memory for this; nothing was changed"
    if isinstance(error, OSError) and error.errno is not None:
        where = f"{error.filename}: " if error.filename else ""
        reason = error.strerror or errno.errorcode.get(error.errno, str(error.errno))
        if error.errno == errno.ENOSPC:
            reason = "the disk is full"
        return EXIT_STORE, f"{where}{reason}; nothing was changed"
    return None


def _crashed(args: argparse.Namespace, err: TextIO, error: BaseException) -> int:
    """A bug: the traceback to a log file in the data folder (else the temp folder)."""
    text = "".join(traceback.format_exception(error))
    from daybrief.services.storage import data_dir

    for folder in (data_dir(getattr(args, "data_dir", None)), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkstemp: a new name each time, readable by the user only.
            handle, name = tempfile.mkstemp(prefix="crash-", suffix=".log", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as log:
                log.write(f"daybrief {__version__}: {' '.join(sys.argv)}\n{text}")
        except OSError:
            continue
        print(
            f"daybrief: internal error ({type(error).__name__}); please report it with the "
            f"log {name}",
            file=err,
        )
        return EXIT_INTERNAL
    print(text, file=err)
    return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="daybrief",
        description="Meeting prep and calendar hygiene: occurrences, double-bookings and "
        "unconfirmed meetings of your ICS calendars.",
    )
    parser.add_argument("--version", action="version", version=f"daybrief {__version__}")
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    add_now(parser)
    # Before or after the command: one value, and None when given nowhere.
    parser.set_defaults(data_dir=None, now=None)
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
