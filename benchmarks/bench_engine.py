"""Engine speed and memory on big generated calendars, against plain icalendar parsing.

    python benchmarks/bench_engine.py [--sizes 10000 100000] [--no-baseline-100k]

Calendars come from ``../shared/tools/gen_calendar.py`` (seed 42) and are cached in
``benchmarks/out/`` (gitignored). For each size, in a fresh subprocess so peak RSS is
that size's alone: read_calendar, expansion of 2026 in Europe/Berlin, double-bookings
and unconfirmed meetings (as the calendar's owner). The baseline,
``icalendar.Calendar.from_ical(data)``, runs in its own subprocess too; ratios are
ours / baseline (below 1: faster than merely parsing with icalendar).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from common import calendar_for, in_subprocess, peak_rss_mb, worker_baseline

ZONE = "Europe/Berlin"
WINDOW = ("2026-01-01", "2027-01-01")


def worker_engine(path: Path) -> dict[str, float]:
    from daybrief.core.confirmation import find_unconfirmed
    from daybrief.core.conflicts import find_double_bookings
    from daybrief.core.engine import occurrences_between
    from daybrief.core.events import read_calendar

    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    me = frozenset({truth["user"]})
    zone = ZoneInfo(ZONE)
    start, end = (datetime.fromisoformat(day).replace(tzinfo=zone) for day in WINDOW)
    data = path.read_bytes()
    rss_before = peak_rss_mb()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    calendar = read_calendar(data, str(path))
    t1 = time.perf_counter()
    expansion = occurrences_between([calendar], start, end, zone)
    t2 = time.perf_counter()
    conflicts = find_double_bookings(expansion.occurrences, me)
    t3 = time.perf_counter()
    unconfirmed = find_unconfirmed(expansion.occurrences, me)
    t4 = time.perf_counter()
    return {
        "mb": len(data) / 2**20,
        "read_s": t1 - t0,
        "expand_s": t2 - t1,
        "occurrences": len(expansion.occurrences),
        "conflicts_s": t3 - t2,
        "conflicts": len(conflicts),
        "unconfirmed_s": t4 - t3,
        "unconfirmed": len(unconfirmed),
        "warnings": len(expansion.warnings),
        "cpu_s": time.process_time() - cpu0,  # wall vs CPU shows a busy machine
        "rss_mb": peak_rss_mb(),
        "rss_start_mb": rss_before,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--no-baseline-100k",
        action="store_true",
        help="skip icalendar's parse for sizes of 100,000 and more (about a minute)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        mode, path = args.worker
        work = worker_engine if mode == "engine" else worker_baseline
        print(json.dumps(work(Path(path))))
        return 0
    rows = []
    for size in args.sizes:
        path = calendar_for(size)
        print(f"{size} events: engine ...", file=sys.stderr, flush=True)
        row: dict[str, float] = {"size": size, **in_subprocess(__file__, "engine", path)}
        if not (args.no_baseline_100k and size >= 100_000):
            print(f"{size} events: icalendar baseline ...", file=sys.stderr, flush=True)
            row.update(in_subprocess(__file__, "baseline", path))
        rows.append(row)
    print_table(rows)
    return 0


def print_table(rows: list[dict[str, float]]) -> None:
    def ratio(row: dict[str, float], key: str) -> str:
        base = row.get("baseline_s")
        return f"{row[key] / base:.2f}x" if base else "-"

    header = ["", *(f"{int(r['size']):,} events" for r in rows)]
    lines = [
        ("file size", [f"{r['mb']:.1f} MB" for r in rows]),
        ("read_calendar", [f"{r['read_s']:.2f} s" for r in rows]),
        ("expand 2026 (Berlin)", [f"{r['expand_s']:.2f} s" for r in rows]),
        ("  occurrences", [f"{int(r['occurrences']):,}" for r in rows]),
        ("find_double_bookings", [f"{r['conflicts_s']:.3f} s" for r in rows]),
        ("  conflicts", [f"{int(r['conflicts']):,}" for r in rows]),
        ("find_unconfirmed", [f"{r['unconfirmed_s']:.3f} s" for r in rows]),
        ("  unconfirmed", [f"{int(r['unconfirmed']):,}" for r in rows]),
        ("total", [f"{_total(r):.2f} s" for r in rows]),
        ("  of it CPU", [f"{r['cpu_s']:.2f} s" for r in rows]),
        ("peak RSS", [f"{r['rss_mb']:.0f} MB" for r in rows]),
        (
            "icalendar from_ical",
            [f"{r['baseline_s']:.2f} s" if "baseline_s" in r else "skipped" for r in rows],
        ),
        (
            "  of it CPU",
            [f"{r['baseline_cpu_s']:.2f} s" if "baseline_cpu_s" in r else "-" for r in rows],
        ),
        (
            "  its peak RSS",
            [f"{r['baseline_rss_mb']:.0f} MB" if "baseline_rss_mb" in r else "-" for r in rows],
        ),
        ("read / from_ical", [ratio(r, "read_s") for r in rows]),
        (
            "total / from_ical",
            [f"{_total(r) / r['baseline_s']:.2f}x" if "baseline_s" in r else "-" for r in rows],
        ),
    ]
    widths = [max(len(name) for name, _ in lines)] + [
        max(len(header[i + 1]), *(len(values[i]) for _, values in lines)) for i in range(len(rows))
    ]
    print(
        "  ".join(
            h.rjust(w) if i else h.ljust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for name, values in lines:
        cells = [name.ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(values, widths[1:], strict=True)
        ]
        print("  ".join(cells))


def _total(row: dict[str, float]) -> float:
    return row["read_s"] + row["expand_s"] + row["conflicts_s"] + row["unconfirmed_s"]


if __name__ == "__main__":
    sys.exit(main())
