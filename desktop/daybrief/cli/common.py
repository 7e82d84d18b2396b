"""What every command shares: errors and exit codes, options, the clock, the store, output."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, TextIO

from daybrief.core.clock import Clock, FixedClock, SystemClock
from daybrief.core.confirmation import identity
from daybrief.core.engine import occurrences_between
from daybrief.core.errors import InvalidCalendar
from daybrief.core.events import (
    MAX_CALENDAR_BYTES,
    ParsedCalendar,
    read_calendar,
    read_file,
    too_big_text,
    zone_by_name,
)
from daybrief.core.model import Occurrence

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2
EXIT_OUTPUT = 3
EXIT_SOURCE_FAILED = 4
EXIT_STORE = 5
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h)
_RELATIVE = re.compile(r"([+-]?\d+)([dw])\Z")
# What json.dumps(ensure_ascii=False) leaves raw but a terminal may act on: C1 controls
# (0x9b is a one-byte CSI), line and paragraph separators, bidi overrides.
_LONE_CR = re.compile("\r(?!\n)")
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit code 2."""


class OutputError(Exception):
    """The output could not be made or written: reported in one line, exit code 3."""


def add_data_dir(command: argparse.ArgumentParser) -> None:
    """The options every command takes: where the store is, and what time it is.

    Not given after the command, they keep what was given before it (``daybrief --now X
    problems``): argparse would otherwise let the command's own default overwrite it."""
    command.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="folder of the store (default: $DAYBRIEF_DATA_DIR, else the platform's data folder)",
    )
    add_now(command)


ROLE_CHOICES = ("mine", "others", "info")
"""core.roles' values, spelt out: the command line's contract does not move with core."""


def add_role(command: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--role mine|others|info``: whose calendar it is (docs/roles.md)."""
    command.add_argument(
        "--role",
        choices=ROLE_CHOICES,
        required=required,
        default=None,
        help="whose calendar it is: mine (your own), others (another person's or a team's: "
        "only meetings you organise or attend count), info (holidays, rosters: shown, never "
        "counted); default: guessed on the first import, kept after",
    )


def add_scope(command: argparse.ArgumentParser, *, defaults: bool) -> None:
    """``--tz``, ``--data-dir`` and ``--now``, for a command and its verbs.

    On a verb (``defaults=False``) they default to "not given", so in
    ``problems --tz X handle ID`` the verb keeps what was given before it; ``--data-dir``
    and ``--now`` always do, so what was given before the command counts too.
    """
    default: Any = None if defaults else argparse.SUPPRESS
    command.add_argument(
        "--tz", default=default, help="your time zone (default: your setting, else the system's)"
    )
    command.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="folder of the store (default: $DAYBRIEF_DATA_DIR, else the platform's data folder)",
    )
    command.add_argument(
        "--now",
        default=argparse.SUPPRESS,
        metavar="ISO-8601",
        help="run as if it were this moment (default: $DAYBRIEF_NOW, else the real time)",
    )


def add_now(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--now",
        default=argparse.SUPPRESS,
        metavar="ISO-8601",
        help="run as if it were this moment (default: $DAYBRIEF_NOW, else the real time); "
        "a time without an offset is in your zone",
    )


def clock_of(args: argparse.Namespace) -> Clock:
    """The one clock of this run: ``--now``, else ``$DAYBRIEF_NOW``, else the system's."""
    text = getattr(args, "now", None) or os.environ.get("DAYBRIEF_NOW") or ""
    if not text.strip():
        return SystemClock()
    source = "--now" if getattr(args, "now", None) else "DAYBRIEF_NOW"
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{source}: not an ISO 8601 moment: {text!r} (e.g. 2026-03-16T17:30:00+01:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_of(args))
    return FixedClock(moment)


def now_of(args: argparse.Namespace) -> datetime:
    """This run's "now", aware, UTC."""
    return clock_of(args).now()


def zone_of(args: argparse.Namespace) -> tzinfo:
    """``--tz``, else the zone saved in the store's settings, else the system's.

    The window uses the saved zone, so the command line does too: the same day, the same
    problems.
    """
    name = getattr(args, "tz", None)
    if name:
        return user_zone(name)
    from daybrief.services.preferences import saved_zone_name
    from daybrief.services.storage import StoreError, open_store, store_path

    path = store_path(getattr(args, "data_dir", None))
    if path.exists():
        try:
            with open_store(path) as store:
                saved = saved_zone_name(store)
        except (OSError, StoreError):
            saved = ""  # the command itself reports a store it cannot open
        if saved and zone_by_name(saved) is not None:
            return user_zone(saved)
    return user_zone(None)


def user_zone(name: str | None) -> tzinfo:
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


def read_inputs(args: argparse.Namespace) -> list[ParsedCalendar]:
    calendars: list[ParsedCalendar] = []
    if args.demo:
        from daybrief.core.demo import demo_calendar

        today = now_of(args).astimezone(zone_of(args)).date()
        calendars.append(read_calendar(demo_calendar(today), "demo.ics", "Demo"))
    for path in args.files:
        try:
            if path == "-":
                data = sys.stdin.buffer.read(MAX_CALENDAR_BYTES + 1)
                if len(data) > MAX_CALENDAR_BYTES:
                    raise InvalidCalendar("<stdin>", too_big_text())
                calendars.append(read_calendar(data, "<stdin>"))
            else:
                calendars.append(read_file(path))
        except InvalidCalendar as error:
            raise UsageError(str(error)) from None
    return calendars


def parse_moment(
    text: str, zone: tzinfo, *, base: datetime | None = None, now: datetime | None = None
) -> tuple[datetime, bool]:
    """A command-line moment: (aware datetime, whether it was a bare date)."""
    value = text.strip().lower()
    today = (now or datetime.now(UTC)).astimezone(zone).date()
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


def window_of(args: argparse.Namespace, zone: tzinfo) -> tuple[datetime, datetime]:
    now = now_of(args)
    start, _ = parse_moment(args.start, zone, now=now)
    end, end_is_date = parse_moment(args.end, zone, base=start, now=now)
    if end_is_date and end == start:
        end = start + timedelta(days=1)
    if end <= start:
        raise UsageError(f"--end ({args.end}) is not after --start ({args.start})")
    return start.astimezone(UTC), end.astimezone(UTC)


def load(
    args: argparse.Namespace, out_err: TextIO
) -> tuple[list[Occurrence], frozenset[str], tzinfo]:
    zone = zone_of(args) if not args.files and not args.demo else user_zone(args.tz)
    start, end = window_of(args, zone)
    if not args.files and not args.demo:
        return load_from_store(args, zone, start, end)
    calendars = read_inputs(args)
    expansion = occurrences_between(calendars, start, end, zone)
    if not args.quiet:
        for warning in expansion.warnings:
            print(f"warning: {warning}", file=out_err)
    return expansion.occurrences, identity(args.me), zone


def load_from_store(
    args: argparse.Namespace, zone: tzinfo, start: datetime, end: datetime
) -> tuple[list[Occurrence], frozenset[str], tzinfo]:
    from daybrief.services.queries import occurrences_in_store, saved_identity

    with open_store_for(args, create=False, read_only_ok=True) as store:
        occurrences = occurrences_in_store(store, start, end, zone, zone_name(zone))
        me = identity(args.me) or identity(saved_identity(store))
    return occurrences, me, zone


def zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def open_store_for(
    args: argparse.Namespace, *, create: bool = True, read_only_ok: bool = False
) -> Any:
    """The store of ``--data-dir``. ``read_only_ok``: a command that only reads still works
    where the store cannot be written (a read-only folder or disk, a full disk)."""
    from daybrief.services.storage import StoreUnwritable, open_store, store_path

    path = store_path(args.data_dir)
    if not create and not path.exists():
        raise UsageError(
            f"no calendar given, and no store at {path} yet: name ICS files, use --demo, "
            "or run 'daybrief import FILE.ics' first"
        )
    # A store that cannot be opened (busy, damaged, newer, read-only folder) is exit 5,
    # said as what it is; main() turns StoreError and OSError into one line.
    try:
        return open_store(path)
    except (StoreUnwritable, OSError):
        if not read_only_ok or not path.exists():
            raise
    return open_store(path, read_only=True)


def existing_store(args: argparse.Namespace) -> Any:
    """The store for a read-only view, or None when there is none yet (none is created)."""
    from daybrief.services.storage import store_path

    return open_store_for(args) if store_path(args.data_dir).exists() else None


def json_lines(out: TextIO, rows: Any) -> None:
    for row in rows:
        text = json.dumps(row, ensure_ascii=False)
        # \u escapes are the same JSON, and nothing a terminal could act on.
        text = _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        out.write(text + "\n")


def terminal_safe(text: str | None) -> str:
    """Untrusted text (a title, a calendar's name) for one terminal line: no ESC, BEL or
    other C0/C1 control, no bidi override, line breaks as spaces.

    Calendar text reaches the terminal of whoever runs the command; ESC sequences there
    recolour, retitle, or (OSC 52) write the clipboard. The briefing's plain-text export
    cleans the same characters.
    """
    if not text:
        return ""
    from daybrief.services.export import without_controls

    return " ".join(without_controls(text).split())


class TerminalSafe:
    """A text stream that drops controls from whatever is written (tab and newline kept).

    ``main()`` hands every command its output through this, so no message, warning or
    line made from calendar text can reach the terminal with an escape sequence in it,
    even where a command forgot :func:`terminal_safe`. Bytes (``.buffer``, a PDF) pass
    as they are.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from daybrief.services.export import without_controls

        # A lone CR could overwrite the line; CRLF stays (ICS and mail written to stdout).
        self._stream.write(_LONE_CR.sub("", without_controls(text)))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def describe(occurrence: Occurrence, zone: tzinfo) -> str:
    title = terminal_safe(occurrence.summary) or "(no title)"
    return f"{span(occurrence, zone)} {title} [{terminal_safe(occurrence.calendar)}]"


def local_day(occurrence: Occurrence, zone: tzinfo) -> date:
    if occurrence.all_day and occurrence.start_date is not None:
        return occurrence.start_date
    return occurrence.start.astimezone(zone).date()


def span(occurrence: Occurrence, zone: tzinfo) -> str:
    if occurrence.all_day:
        return "all day    "
    start = occurrence.start.astimezone(zone)
    end = occurrence.end.astimezone(zone)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{start:%H:%M}–{end_text}"


def describe_day(occurrence: Occurrence, zone: tzinfo) -> str:
    return f"{day_text(local_day(occurrence, zone))} {describe(occurrence, zone)}"


def day_text(day: date) -> str:
    """``Mon 2026-03-02``; not ``%Y``, which leaves years before 1000 unpadded."""
    return f"{day:%a} {day.isoformat()}"


def write_output(data: bytes, path: str | None, fmt: str, out: TextIO) -> None:
    if path:
        from daybrief.services.storage import write_private_file

        try:
            write_private_file(path, data)
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
