"""What calendar roles (docs/roles.md) cost the engine, as ratios within one run.

    python benchmarks/bench_roles.py [--sizes 10000 100000] [--repeat 3]

For a generated calendar (``../shared/tools/gen_calendar.py``, seed 42), one year of it is
expanded twice: read as ``mine`` (the baseline: what every calendar was before roles) and as
``others``. Then, best of ``--repeat``:

* rules: double-bookings + unconfirmed over the ``others`` copy / over the ``mine`` copy
  (the ``others`` copy asks, per event, whether the user organises or attends it);
* merge: one meeting in two calendars of different roles (the same file as ``mine`` and as
  ``info``: every meeting twice, each taking the stronger role) / the same in two ``mine``
  calendars;
* guess: the first-import guess of the role / reading the calendar it is made from, on a
  calendar not yet expanded (every event's people read: the cost of guessing another
  person's calendar; on the user's own, after the import's expansion, it stops early).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from common import calendar_for

ZONE = ZoneInfo("Europe/Berlin")
WINDOW = (datetime(2026, 1, 1, tzinfo=ZONE), datetime(2027, 1, 1, tzinfo=ZONE))


def best(repeat: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(path: Path, repeat: int) -> dict[str, float]:
    from daybrief.core.confirmation import find_unconfirmed
    from daybrief.core.conflicts import find_double_bookings
    from daybrief.core.engine import guess_calendar_role
    from daybrief.core.events import read_calendar
    from daybrief.core.recurrence import expand_calendar, merge_calendars

    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    me = frozenset({truth["user"]})
    data = path.read_bytes()

    def expanded(role: str) -> list:
        calendar = read_calendar(data, str(path), role=role)
        return expand_calendar(calendar, *WINDOW, ZONE).occurrences

    mine, others, info = expanded("mine"), expanded("others"), expanded("info")

    def rules(occurrences: list) -> Callable[[], object]:
        return lambda: (find_double_bookings(occurrences, me), find_unconfirmed(occurrences, me))

    result = {"events": float(truth.get("events", 0) or 0), "occurrences": float(len(mine))}
    result["rules_mine_s"] = best(repeat, rules(mine))
    result["rules_others_s"] = best(repeat, rules(others))
    result["merge_same_role_s"] = best(repeat, lambda: merge_calendars([mine, list(mine)]))
    result["merge_two_roles_s"] = best(repeat, lambda: merge_calendars([info, mine]))
    result["read_s"] = best(repeat, lambda: read_calendar(data, str(path)))

    def guess() -> object:
        return guess_calendar_role(read_calendar(data, str(path)), [], me)

    result["read_and_guess_s"] = best(repeat, guess)
    result["guess_s"] = max(result["read_and_guess_s"] - result["read_s"], 0.0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        r = measure(calendar_for(size), args.repeat)
        print(f"{size} events, {int(r['occurrences'])} occurrences in 2026:")
        print(
            f"  rules   others/mine      {r['rules_others_s'] / r['rules_mine_s']:.2f}"
            f"  ({r['rules_others_s']:.3f} s / {r['rules_mine_s']:.3f} s)"
        )
        print(
            f"  merge   two roles/same   {r['merge_two_roles_s'] / r['merge_same_role_s']:.2f}"
            f"  ({r['merge_two_roles_s']:.3f} s / {r['merge_same_role_s']:.3f} s)"
        )
        print(
            f"  guess   guess/read       {r['guess_s'] / r['read_s']:.2f}"
            f"  ({r['guess_s']:.3f} s / {r['read_s']:.3f} s)"
        )


if __name__ == "__main__":
    main()
