"""What the window and the tray compute per refresh, on big stores.

    python benchmarks/bench_window.py [--sizes 10000 100000]

Per size: the generated calendar (``../shared/tools/gen_calendar.py``, seed 42) imported
into a fresh store, then each view timed (best of 5) and printed as a ratio against the
baseline in the same process: the store's plain indexed query for the same day
(``occurrences_in_store``). The window's refresh is day + week + hygiene, measured after a
calendar change (a new service) and after an edit (the service's calendar-only results
kept); the tray's re-plan is ``ReminderService.next_due``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common import calendar_for

ZONE = "Europe/Berlin"
NOW = datetime(2026, 3, 13, 16, 0, tzinfo=UTC)  # a Friday inside the generated span
DAY = date(2026, 3, 16)  # the next working day


def best_of(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(size: int) -> None:
    from daybrief.core.engine import suggest_identity_from
    from daybrief.services.agenda import AgendaService, day_bounds
    from daybrief.services.clients import clients_overview
    from daybrief.services.importer import import_file
    from daybrief.services.preferences import Preferences, save_preferences
    from daybrief.services.queries import occurrences_in_store, stored_calendars
    from daybrief.services.reminders import ReminderService
    from daybrief.store import open_store

    zone = ZoneInfo(ZONE)
    path = calendar_for(size)
    with (
        tempfile.TemporaryDirectory() as folder,
        open_store(Path(folder) / "daybrief.sqlite3") as store,
    ):
        started = time.perf_counter()
        import_file(store, str(path), user_zone=zone, zone_name=ZONE, now=NOW)
        imported = time.perf_counter() - started
        me = suggest_identity_from(stored_calendars(store))
        preferences = Preferences(addresses=tuple(me), zone_name=ZONE)
        save_preferences(store, preferences)
        agenda = AgendaService(store, preferences, lambda: NOW)
        reminders = ReminderService(store, preferences, lambda: NOW)
        start, end = day_bounds(DAY, zone)
        baseline = best_of(lambda: occurrences_in_store(store, start, end, zone, ZONE))
        monday = DAY - timedelta(days=DAY.weekday())

        def fresh() -> AgendaService:
            return AgendaService(store, preferences, lambda: NOW)

        agenda.week(monday), agenda.hygiene(DAY)  # warm: what an edit's refresh finds
        rows = {
            "day": best_of(lambda: fresh().day(DAY)),
            "week": best_of(lambda: fresh().week(monday)),
            "hygiene (14 days)": best_of(lambda: fresh().hygiene(DAY)),
            "window refresh, calendars changed": best_of(
                lambda: (s := fresh(), s.day(DAY), s.week(monday), s.hygiene(DAY))
            ),
            "window refresh after an edit": best_of(
                lambda: (agenda.day(DAY), agenda.week(monday), agenda.hygiene(DAY))
            ),
            "tray re-plan": best_of(lambda: reminders.next_due(NOW)),
            "clients page (3 months of meetings)": best_of(
                lambda: clients_overview(store, preferences, NOW), runs=3
            ),
        }
        meetings = len(agenda.day(DAY).rows)
        problems = len(agenda.hygiene(DAY))
    print(
        f"\n{size} events (import {imported:.1f} s; {meetings} meetings on {DAY}, "
        f"{problems} hygiene items)"
    )
    print(f"  baseline: store query for one day  {baseline * 1000:8.2f} ms   1.0×")
    for name, seconds in rows.items():
        print(f"  {name:<34}{seconds * 1000:8.2f} ms {seconds / baseline:6.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    for size in parser.parse_args().sizes:
        measure(size)


if __name__ == "__main__":
    main()
