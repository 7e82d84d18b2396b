"""The crash-safety test ×1000: SIGKILL a child mid-edit, check the store after every kill.

    python benchmarks/stress_crash.py [--kills 1000] [--seed 1] [--spawn-every 20] [--dir D]

Same harness as ``tests/store/test_store_crash.py`` (``tests/store/crash_loop.py``): after
each kill, ``PRAGMA integrity_check`` must be ok and every edit the child reported as
committed must be in the store. Prints kills done, integrity failures and lost edits; exits
1 if any. POSIX only (SIGKILL, fork).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "store"))

from crash_loop import Outcome, kill_loop  # noqa: E402  (the harness lives with the tests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--spawn-every",
        type=int,
        default=20,
        help="every Nth child is a fresh interpreter instead of a fork (0: never)",
    )
    parser.add_argument("--batch", type=int, default=100, help="kills per progress line")
    parser.add_argument("--dir", type=Path, help="where to keep the store (default: a temp dir)")
    args = parser.parse_args()
    if not hasattr(__import__("os"), "fork"):
        print("stress_crash: needs POSIX fork and SIGKILL", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="daybrief-crash-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        store = folder / "daybrief.sqlite3"
        started = time.perf_counter()

        def show(done: Outcome) -> None:
            others = len(done.problems) - done.lost_edits - done.integrity_failures
            print(
                f"kills {done.kills:5d}  integrity failures {done.integrity_failures}  "
                f"lost edits {done.lost_edits}  other problems {others}  "
                f"edits committed {done.edits_reported}  "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )

        # One store for every kill, so later kills hit a store with a long history.
        total = kill_loop(
            store,
            args.kills,
            args.seed,
            spawn_every=args.spawn_every,
            progress=show,
            progress_every=args.batch,
        )
        size = store.stat().st_size if store.exists() else 0
    print(
        f"done: {total.kills} kills, {total.integrity_failures} integrity failures, "
        f"{total.lost_edits} lost edits, {total.edits_reported} edits committed and checked, "
        f"store {size / 1024:.0f} KiB"
    )
    for problem in total.problems[:20]:
        print("  " + problem)
    return 1 if total.problems else 0


if __name__ == "__main__":
    sys.exit(main())
