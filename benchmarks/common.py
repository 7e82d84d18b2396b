"""What the benchmarks share: generated calendars, peak memory, the icalendar baseline,
and running one measurement in a fresh process (so its peak RSS is its own)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
GENERATOR = ROOT.parent / "shared" / "tools" / "gen_calendar.py"


def calendar_for(size: int) -> Path:
    """The generated calendar of ``size`` events (seed 42), made once and kept in OUT."""
    path = OUT / f"big_{size}.ics"
    if not path.is_file() or not path.with_suffix(".truth.json").is_file():
        if not GENERATOR.is_file():
            sys.exit(f"calendar generator not found at {GENERATOR}")
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        subprocess.run(
            [
                *(sys.executable, str(GENERATOR), "--events", str(size)),
                *("--seed", "42", "--out", str(path)),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20  # KiB on Linux


def worker_baseline(path: Path) -> dict[str, float]:
    """Plain ``icalendar.Calendar.from_ical`` of the same file: the baseline of every ratio."""
    import icalendar

    data = path.read_bytes()
    cpu = time.process_time()
    start = time.perf_counter()
    icalendar.Calendar.from_ical(data)
    return {
        "baseline_s": time.perf_counter() - start,
        "baseline_cpu_s": time.process_time() - cpu,
        "baseline_rss_mb": peak_rss_mb(),
    }


def in_subprocess(script: str, mode: str, *args: Path) -> dict[str, float]:
    """Run ``script --worker mode args`` and return its JSON result plus the process time."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, script, "--worker", mode, *map(str, args)],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{mode} run failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout)
    result[f"{mode}_process_s"] = wall
    return result
