"""Store import speed and memory on big generated calendars, against plain icalendar parsing.

    python benchmarks/bench_import.py [--sizes 10000 100000] [--no-baseline-100k]

Calendars come from ``../shared/tools/gen_calendar.py`` (seed 42) and are cached in
``benchmarks/out/`` (gitignored), as is a copy with 1 % of the VEVENTs changed (seeded:
DTSTART/DTEND shifted by an hour, or SUMMARY edited). Per size, each in fresh processes:

* import: a fresh store; cold ``import_file``, the same file again, then the changed copy
  at the same path (so it is a re-import of the same source), then that copy again a day
  later (the rolling window moved on); peak RSS of that process;
* start-up: a new process opens that store and loads the next working day after ``NOW``
  through ``occurrences_in_store``; timed inside the process, and the whole process wall;
* import with rules: the import entry the window and ``daybrief import`` call (import,
  then the template rules on what is new or changed), cold, unchanged and 1 % changed, in
  a fresh store; with an older tree on ``PYTHONPATH`` (no ``services.commands``) it times
  that tree's ``import_and_apply`` instead, for a before/after figure;
* baseline: ``icalendar.Calendar.from_ical`` of the same file (recurring_ical_events is
  not installed, so parse only: the baseline flatters icalendar).

Targets are issue 4's, for the 100k file.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import OUT, calendar_for, in_subprocess, peak_rss_mb, worker_baseline

ZONE = "Europe/Berlin"
NOW = datetime(2026, 3, 13, 16, 0, tzinfo=UTC)  # a Friday inside the generated span
CHANGED_PERCENT = 1
OWNER = "alex.morgan@northwind.example"
"""Whose calendar gen_calendar.py makes (seed 42)."""
TARGETS_100K = {
    "cold_s": "< 18 s",
    "unchanged_s": "<= 1 s",
    "changed_s": "<= 1.5 s",
    "startup_s": "<= 0.5 s",
    "rss_mb": "<= 400 MB",
}


# ------------------------------------------------------------------ the 1 % changed copy

_VEVENT = re.compile(rb"BEGIN:VEVENT\r?\n.*?END:VEVENT\r?\n", re.DOTALL)
_WHEN = re.compile(rb"^(DTSTART|DTEND)([;:][^\r\n]*?:?)(\d{8}T\d{6})(Z?)(\r?)$", re.MULTILINE)


def _shift(block: bytes) -> bytes | None:
    """DTSTART/DTEND one hour later; None for an all-day event (nothing timed to shift)."""

    def later(match: re.Match[bytes]) -> bytes:
        name, params, stamp, zulu, cr = match.groups()
        moved = datetime.strptime(stamp.decode(), "%Y%m%dT%H%M%S") + timedelta(hours=1)
        return name + params + moved.strftime("%Y%m%dT%H%M%S").encode() + zulu + cr

    shifted, count = _WHEN.subn(later, block)
    return shifted if count else None


def changed_copy(path: Path, percent: int = CHANGED_PERCENT, seed: int = 42) -> tuple[Path, int]:
    """``path`` with ``percent`` % of its VEVENTs changed, cached next to it; (path, count)."""
    target = path.with_name(f"{path.stem}.changed{percent}pct.ics")
    data = path.read_bytes()
    blocks = list(_VEVENT.finditer(data))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(blocks)), max(1, len(blocks) * percent // 100)))
    if target.is_file() and target.stat().st_mtime >= path.stat().st_mtime:
        return target, len(chosen)
    pieces: list[bytes] = []
    last = 0
    for n, index in enumerate(chosen):
        match = blocks[index]
        block = match.group(0)
        # Half the changed events move, half are renamed (and all-day ones always renamed).
        edited = _shift(block) if n % 2 == 0 else None
        if edited is None:
            edited = block.replace(b"\nSUMMARY:", b"\nSUMMARY:(edited) ", 1)
        assert edited != block, f"could not change VEVENT #{index}"
        pieces += [data[last : match.start()], edited]
        last = match.end()
    pieces.append(data[last:])
    target.write_bytes(b"".join(pieces))
    return target, len(chosen)


# ------------------------------------------------------------------ workers (subprocesses)


def worker_import(original: Path, changed: Path, folder: Path) -> dict[str, float]:
    from zoneinfo import ZoneInfo

    from daybrief.services.importer import import_file
    from daybrief.store import open_store

    zone = ZoneInfo(ZONE)
    source = folder / "calendar.ics"  # one location for all three: re-imports of one source
    shutil.copyfile(original, source)
    result: dict[str, float] = {"mb": original.stat().st_size / 2**20}
    with open_store(folder / "daybrief.sqlite3") as store:

        def timed(name: str, now: datetime = NOW) -> None:
            cpu = time.process_time()
            start = time.perf_counter()
            report = import_file(store, str(source), user_zone=zone, zone_name=ZONE, now=now)
            result[f"{name}_s"] = time.perf_counter() - start
            result[f"{name}_cpu_s"] = time.process_time() - cpu
            result[f"{name}_occurrences"] = report.occurrences
            result[f"{name}_changes"] = (
                len(report.added) + len(report.moved) + len(report.cancelled) + len(report.removed)
            )
            result[f"{name}_unchanged"] = int(report.unchanged)

        timed("cold")
        timed("unchanged")
        shutil.copyfile(changed, source)
        timed("changed")
        timed("moved", NOW + timedelta(days=1))
    result["rss_mb"] = peak_rss_mb()
    return result


def worker_rules(original: Path, changed: Path, folder: Path) -> dict[str, float]:
    from zoneinfo import ZoneInfo

    from daybrief.store import open_store

    zone = ZoneInfo(ZONE)
    try:
        from daybrief.services.commands import import_calendars

        def entry(store: object, path: str) -> object:
            return import_calendars(store, [path], zone=zone, now=NOW)  # type: ignore[arg-type]

    except ImportError:  # a tree from before the application layer
        from daybrief.services.rules import import_and_apply  # type: ignore[attr-defined]

        def entry(store: object, path: str) -> object:
            return import_and_apply(store, path, user_zone=zone, zone_name=ZONE, now=NOW)

    source = folder / "with-rules.ics"
    shutil.copyfile(original, source)
    result: dict[str, float] = {}
    with open_store(folder / "with-rules.sqlite3") as store:
        # The calendar's owner, known from the start in both trees: the same rules fire.
        from daybrief.services.queries import save_identity

        save_identity(store, [OWNER])
        for name in ("cold", "unchanged", "changed"):
            if name == "changed":
                shutil.copyfile(changed, source)
            start = time.perf_counter()
            entry(store, str(source))
            result[f"rules_{name}_s"] = time.perf_counter() - start
    return result


def next_working_day(now: datetime) -> tuple[datetime, datetime]:
    from zoneinfo import ZoneInfo

    day = now.astimezone(ZoneInfo(ZONE)).replace(hour=0, minute=0, second=0, microsecond=0)
    day = (day + timedelta(days=1)).replace(tzinfo=None)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = day.replace(tzinfo=ZoneInfo(ZONE))
    return start, (day + timedelta(days=1)).replace(tzinfo=ZoneInfo(ZONE))


def worker_startup(folder: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    from zoneinfo import ZoneInfo

    from daybrief.services.queries import occurrences_in_store
    from daybrief.store import open_store

    t1 = time.perf_counter()
    start, end = next_working_day(NOW)
    with open_store(folder / "daybrief.sqlite3") as store:
        meetings = occurrences_in_store(store, start, end, ZoneInfo(ZONE), ZONE)
    t2 = time.perf_counter()
    return {
        "startup_imports_s": t1 - t0,
        "startup_s": t2 - t1,
        "startup_meetings": len(meetings),
    }


def run_worker(mode: str, args: list[str]) -> dict[str, float]:
    paths = [Path(a) for a in args]
    if mode == "import":
        return worker_import(*paths)
    if mode == "startup":
        return worker_startup(*paths)
    if mode == "rules":
        return worker_rules(*paths)
    return worker_baseline(*paths)


# ------------------------------------------------------------------ the table


def print_table(rows: list[dict[str, float]]) -> None:
    def secs(key: str, digits: int = 2) -> list[str]:
        return [f"{r[key]:.{digits}f} s" if key in r else "-" for r in rows]

    def ratio(key: str) -> list[str]:
        return [f"{r[key] / r['baseline_s']:.3f}x" if "baseline_s" in r else "-" for r in rows]

    def count(key: str) -> list[str]:
        return [f"{int(r[key]):,}" if key in r else "-" for r in rows]

    lines: list[tuple[str, list[str], str]] = [
        ("file size", [f"{r['mb']:.1f} MB" for r in rows], ""),
        ("cold import", secs("cold_s"), TARGETS_100K["cold_s"]),
        ("  of it CPU", secs("cold_cpu_s"), ""),
        ("  / from_ical", ratio("cold_s"), ""),
        ("  occurrences stored", count("cold_occurrences"), ""),
        ("re-import unchanged", secs("unchanged_s", 3), TARGETS_100K["unchanged_s"]),
        ("  / from_ical", ratio("unchanged_s"), ""),
        (
            f"re-import {CHANGED_PERCENT} % changed",
            secs("changed_s", 3),
            TARGETS_100K["changed_s"],
        ),
        ("  / from_ical", ratio("changed_s"), ""),
        ("  VEVENTs changed", count("vevents_changed"), ""),
        ("  changes reported", count("changed_changes"), ""),
        ("re-import a day later", secs("moved_s", 3), ""),
        ("  changes reported", count("moved_changes"), ""),
        ("import with rules, cold", secs("rules_cold_s"), ""),
        ("  again unchanged", secs("rules_unchanged_s", 3), ""),
        (f"  again {CHANGED_PERCENT} % changed", secs("rules_changed_s", 3), ""),
        ("start-up: open + next day", secs("startup_s", 3), TARGETS_100K["startup_s"]),
        ("  meetings loaded", count("startup_meetings"), ""),
        ("  module imports", secs("startup_imports_s", 3), ""),
        ("  whole process", secs("startup_process_s", 3), ""),
        ("peak RSS (import process)", [f"{r['rss_mb']:.0f} MB" for r in rows], "<= 400 MB"),
        ("icalendar from_ical", secs("baseline_s"), "(~60 s)"),
        ("  of it CPU", secs("baseline_cpu_s"), ""),
        (
            "  its peak RSS",
            [f"{r['baseline_rss_mb']:.0f} MB" if "baseline_rss_mb" in r else "-" for r in rows],
            "",
        ),
    ]
    header = ["", *(f"{int(r['size']):,} events" for r in rows), "target (100k)"]
    table = [header] + [[name, *values, target] for name, values, target in lines]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print(
            "  ".join(
                cell.ljust(width) if i in (0, len(row) - 1) else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--no-baseline-100k",
        action="store_true",
        help="skip icalendar's parse for sizes of 100,000 and more (about 90 s)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip icalendar's parse at every size"
    )
    parser.add_argument("--worker", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_worker(args.worker[0], args.worker[1:])))
        return 0
    rows = []
    for size in args.sizes:
        path = calendar_for(size)
        changed, vevents_changed = changed_copy(path)
        row: dict[str, float] = {"size": size, "vevents_changed": vevents_changed}
        with tempfile.TemporaryDirectory(prefix="bench_import_", dir=OUT) as folder:
            print(f"{size} events: import ...", file=sys.stderr, flush=True)
            row.update(in_subprocess(__file__, "import", path, changed, Path(folder)))
            print(f"{size} events: import with rules ...", file=sys.stderr, flush=True)
            row.update(in_subprocess(__file__, "rules", path, changed, Path(folder)))
            print(f"{size} events: start-up ...", file=sys.stderr, flush=True)
            row.update(in_subprocess(__file__, "startup", Path(folder)))
        if not args.no_baseline and not (args.no_baseline_100k and size >= 100_000):
            print(f"{size} events: icalendar baseline ...", file=sys.stderr, flush=True)
            row.update(in_subprocess(__file__, "baseline", path))
        rows.append(row)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
