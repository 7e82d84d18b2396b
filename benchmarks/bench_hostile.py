"""The hostile calendars of issue 19, each read and expanded in a fresh process.

    python benchmarks/bench_hostile.py

Each case is timed (wall and processor) with its peak memory, next to a plain calendar of
about the same size read the same way (the baseline of the ratio): a hostile input must
cost about what an honest one of its size does, within the budgets of docs/faults.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime

from common import ROOT, peak_rss_mb

WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 30, tzinfo=UTC))


def _calendar(lines: list[str]) -> bytes:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""]).encode()


def _series(count: int, freq: str) -> list[str]:
    lines: list[str] = []
    for n in range(count):
        lines += [
            "BEGIN:VEVENT",
            f"UID:s{n}",
            f"SUMMARY:Series {n}",
            "DTSTART:20260101T090000Z",
            "DURATION:PT1S",
            f"RRULE:FREQ={freq}",
            "END:VEVENT",
        ]
    return lines


def _one_offs(count: int) -> list[str]:
    lines: list[str] = []
    for n in range(count):
        lines += ["BEGIN:VEVENT", f"UID:o{n}", f"SUMMARY:Meeting {n}",
                  f"DTSTART:202602{1 + n % 28:02d}T{8 + n % 9:02d}0000Z", "END:VEVENT"]  # fmt: skip
    return lines


def cases() -> dict[str, tuple[bytes, bytes]]:
    """name → (hostile bytes, honest bytes of about the same size)."""
    spaces = _calendar(["BEGIN:VEVENT" + " " * 100_000 + "x", "UID:a",
                        "DTSTART:20260105T090000Z", "END:VEVENT"])  # fmt: skip
    nested = _calendar(["BEGIN:VEVENT", "UID:outer", "DTSTART:20260105T090000Z",
                        *(["BEGIN:VALARM", "ACTION:DISPLAY"] * 20_000)])  # fmt: skip
    secondly = _calendar(_series(40, "SECONDLY"))
    daily = _calendar(_series(5000, "DAILY"))

    def honest(like: bytes) -> bytes:
        # One-off events of about the same size: what an honest calendar of it costs.
        return _calendar(_one_offs(max(1, len(like) // 110)))

    return {
        "BEGIN line + 100 kB of spaces": (spaces, honest(spaces)),
        "20,000 unclosed nested VALARMs": (nested, honest(nested)),
        "40 endless SECONDLY series": (secondly, honest(secondly)),
        "5,000 daily series": (daily, honest(daily)),
    }


def worker(name: str, which: int) -> None:
    from daybrief.core.engine import occurrences_between
    from daybrief.core.events import read_calendar

    data = cases()[name][which]
    cpu, start = time.process_time(), time.perf_counter()
    calendar = read_calendar(data, "bench.ics")
    result = occurrences_between([calendar], *WINDOW, UTC)
    print(
        json.dumps(
            {
                "wall_s": time.perf_counter() - start,
                "cpu_s": time.process_time() - cpu,
                "rss_mb": peak_rss_mb(),
                "occurrences": len(result.occurrences),
                "cut": sum("budget" in str(w) for w in result.warnings),
                "bytes": len(data),
            }
        )
    )


def run(name: str, which: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", name, str(which)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin"},
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    print(f"{'case':34} {'bytes':>9} {'cpu s':>7} {'wall s':>7} {'MB':>6} {'x base cpu':>10}  "
          "occurrences / series cut")  # fmt: skip
    for name in cases():
        hostile, honest = run(name, 0), run(name, 1)
        ratio = hostile["cpu_s"] / max(honest["cpu_s"], 1e-3)
        print(
            f"{name:34} {hostile['bytes']:>9} {hostile['cpu_s']:>7.2f} {hostile['wall_s']:>7.2f} "
            f"{hostile['rss_mb']:>6.0f} {ratio:>10.1f}  {hostile['occurrences']} / "
            f"{hostile['cut']}   (honest: {honest['cpu_s']:.2f} s, {honest['rss_mb']:.0f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], int(sys.argv[3]))
    else:
        main()
