"""What the window and the tray compute per refresh, on big stores.

    python benchmarks/bench_window.py [--sizes 10000 100000]
    python benchmarks/bench_window.py --window [--sizes 100000]

``--window`` runs the real window as the app wires it (tray reminders included; offscreen
unless a display is set, e.g. under ``xvfb-run``), each run in a new process on a new copy
of its store, on a fresh store with the demo and on the generated store, ``--runs`` times
(3). It reports the time to the first painted window (median; the ratio is the generated
store's against the fresh one's, target at most 1.5) and the longest UI-thread stall (worst
of the runs), a 10 ms QTimer heartbeat's worst lateness in the real event loop, while the
window is on screen: from the first paint until it is filled (start-up), a day change, a
refresh of the calendars and an import (target: none over 100 ms); then, beyond what the
issue asked, every page looked at in turn, a problem handled from the Hygiene page, and a
search for a meeting that is not there (a year: past the stored months, the calendars are
read again). ``before_paint`` is the
UI thread's longest busy stretch before the window first showed: part of the first paint's
time, reported and not held to 100 ms since no window is there to freeze.

``DAYBRIEF_BENCH_TRACE=1 python bench_window.py --window-worker STORE`` runs one window and
prints, on stderr, each stall over 50 ms with the stacks of every thread sampled during it
and the longest garbage-collector pauses: how each stall here was found.

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
from typing import Any
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


SMALL_CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//daybrief//bench//EN
BEGIN:VEVENT
UID:bench-import-1@daybrief
DTSTART;TZID=Europe/Berlin:20260316T080000
DTEND;TZID=Europe/Berlin:20260316T083000
SUMMARY:Imported while the window is open
END:VEVENT
END:VCALENDAR
"""


def window_store(size: int, folder: Path) -> Path:
    """A store holding the generated calendar (imported once, then copied per run)."""
    from common import OUT
    from daybrief.core.engine import suggest_identity_from
    from daybrief.services.importer import import_file
    from daybrief.services.preferences import Preferences, save_preferences
    from daybrief.services.queries import stored_calendars
    from daybrief.store import open_store

    kept = OUT / f"window_store_{size}.sqlite3"
    if not kept.is_file():
        print(f"importing {size} events into {kept.name} ...", flush=True)
        building = kept.with_suffix(".building")
        building.unlink(missing_ok=True)
        with open_store(building) as store:
            zone = ZoneInfo(ZONE)
            import_file(store, str(calendar_for(size)), user_zone=zone, zone_name=ZONE, now=NOW)
            me = suggest_identity_from(stored_calendars(store))
            save_preferences(store, Preferences(addresses=tuple(me), zone_name=ZONE))
        building.rename(kept)
    with open_store(kept):
        pass  # brought up to this version's schema once, not in every timed run
    target = folder / "daybrief.sqlite3"
    target.write_bytes(kept.read_bytes())
    return target


BEFORE_EXIT: list[Callable[[], None]] = []


def trace_stalls(heartbeat: Any) -> None:
    """Sample the UI thread's stack while the heartbeat is late; at exit, print the worst
    stalls with where the UI thread was during each.

    For finding what a stall is, not for the figures (the sampling itself takes the GIL).
    """
    import collections
    import sys
    import threading
    import traceback

    main = threading.main_thread().ident
    during: list[str] = []
    stalls: list[tuple[float, list[str]]] = []
    tick = heartbeat.tick

    def ticked() -> None:
        gap = time.perf_counter() - heartbeat.last - 0.010
        if gap > 0.05:
            stalls.append((gap, list(during)))
            print(f"stall {gap * 1000:.0f} ms ending at {time.perf_counter():.3f}", file=sys.stderr)
        during.clear()
        tick()

    heartbeat.timer.timeout.disconnect(tick)
    heartbeat.timer.timeout.connect(ticked)

    def sample() -> None:
        while True:
            time.sleep(0.005)
            if time.perf_counter() - heartbeat.last > 0.03:
                frames = sys._current_frames()
                me = threading.get_ident()
                # The UI thread's stack, then the others' (a worker holding the GIL stalls
                # the UI thread as surely as the UI thread's own work).
                order = [main] + [t for t in frames if t not in (main, me)]
                during.append(
                    "\n".join(
                        "".join(
                            f"  {f.filename.split('/')[-1]}:{f.lineno} {f.name}\n"
                            for f in traceback.extract_stack(frames[t])[-8:]
                        )
                        for t in order
                        if t in frames
                    )
                )

    threading.Thread(target=sample, daemon=True).start()
    import gc

    collecting: list[float] = []
    pauses: list[tuple[float, int, str]] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting.append(time.perf_counter())
        elif collecting:
            pauses.append(
                (time.perf_counter() - collecting.pop(), info["generation"],
                 f"{threading.current_thread().name} ending at {time.perf_counter():.3f}")
            )  # fmt: skip

    gc.callbacks.append(collected)

    def report() -> None:
        print(f"tracked objects {len(gc.get_objects())}, frozen {gc.get_freeze_count()}",
              file=sys.stderr)  # fmt: skip
        for pause, generation, thread in sorted(pauses, reverse=True)[:5]:
            print(f"gc pause {pause * 1000:.0f} ms, generation {generation}, {thread}",
                  file=sys.stderr)  # fmt: skip
        for gap, stacks in sorted(stalls, key=lambda s: -s[0])[:8]:
            print(f"=== stall {gap * 1000:.0f} ms, {len(stacks)} samples", file=sys.stderr)
            for stack, count in collections.Counter(stacks).most_common(3):
                print(f"--- {count}x\n{stack}", file=sys.stderr)

    BEFORE_EXIT.append(report)


def window_worker(store_file: str, demo: bool) -> dict[str, float]:
    """The window on ``store_file``: first paint, then the stalls of each step (ms)."""
    import os
    import sys

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The one place outside daybrief.ui that runs Qt: it measures the window itself.
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: TID251
    from PySide6.QtWidgets import QApplication  # noqa: TID251

    started = time.perf_counter()
    # The window's own modules load inside the first paint's time, as when the app starts.
    from daybrief.ui.application import connect_tray, responsive_interpreter, start_tray

    responsive_interpreter()  # as the app
    app = QApplication(["bench"])

    class Heartbeat(QObject):
        """Ticks every 10 ms; the worst gap beyond that is how long the UI thread froze."""

        def __init__(self) -> None:
            super().__init__()
            self.timer = QTimer(self, interval=10)
            self.timer.timeout.connect(self.tick)
            self.reset()
            self.timer.start()

        def reset(self) -> None:
            self.last = time.perf_counter()
            self.worst = 0.0

        def tick(self) -> None:
            now = time.perf_counter()
            self.worst = max(self.worst, now - self.last - 0.010)
            self.last = now

    class FirstPaint(QObject):
        """Notes the first paint, and what the UI thread's longest stall was until then."""

        at: float | None = None
        before = 0.0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.at is None:
                self.at = now = time.perf_counter()
                self.before = max(heartbeat.worst, now - heartbeat.last - 0.010)
                heartbeat.reset()  # from here on the window is there to freeze
            return False

    def pump(seconds: float, until: Callable[[], bool] = lambda: True) -> None:
        """Run the real event loop (as ``app.exec()`` does, which lets workers have the GIL
        while Qt works) for ``seconds`` and then until ``until()`` holds."""
        loop = QEventLoop()
        end = time.perf_counter() + seconds
        stuck: list[bool] = []

        def check() -> None:
            if time.perf_counter() >= end and until():
                loop.quit()
            elif time.perf_counter() > end + 600:
                stuck.append(True)
                loop.quit()

        poll = QTimer(interval=5)
        poll.timeout.connect(check)
        poll.start()
        loop.exec()
        poll.stop()
        if stuck:
            raise SystemExit("the window never settled")

    from daybrief.store import open_store
    from daybrief.ui.main_window import MainWindow

    heartbeat = Heartbeat()
    if os.environ.get("DAYBRIEF_BENCH_TRACE"):
        trace_stalls(heartbeat)
    painted = FirstPaint()
    app.installEventFilter(painted)
    heartbeat.reset()  # what QApplication itself took is not the window's
    store = open_store(Path(store_file))
    window = MainWindow(store, Path(store_file), clock=lambda: NOW, fill_in_background=True)
    # As the app: reminders start once the window is filled, and are re-planned every fill.
    start_tray(window, connect_tray(window, use_tray=False))
    loaded: list[bool] = []
    window.loaded.connect(lambda: loaded.append(True))
    if os.environ.get("DAYBRIEF_BENCH_TRACE"):
        window.loaded.connect(
            lambda: print(f"loaded at {time.perf_counter():.3f}", file=sys.stderr)
        )
    if demo:
        window.load_demo()
    window.resize(1280, 800)
    window.show()
    pump(0.0, lambda: painted.at is not None)
    first_paint = painted.at - started  # type: ignore[operator]
    # Until the window is on screen there is no window to freeze: that time is the first
    # paint's (held to 1.5x a fresh store's). Reported, not held to the 100 ms.
    before_paint = painted.before
    if os.environ.get("DAYBRIEF_BENCH_TRACE"):
        print(f"first paint at {painted.at:.3f}", file=sys.stderr)
    # An application-wide Python filter costs every event the GIL: not the window's own.
    app.removeEventFilter(painted)
    pump(1.5, lambda: demo or bool(loaded))  # start-up ends when the window is filled
    result = {
        "first_paint_ms": first_paint * 1000,
        "before_paint_ms": before_paint * 1000,
        "startup_stall_ms": heartbeat.worst * 1000,
    }
    heartbeat.reset()
    window.next_action.trigger()
    pump(1.0)
    result["day_change_stall_ms"] = heartbeat.worst * 1000
    heartbeat.reset()
    window.refresh_sources()
    pump(0.5, lambda: window.job is None)
    pump(0.5)
    result["refresh_stall_ms"] = heartbeat.worst * 1000
    small = Path(store_file).with_name("bench-import.ics")
    small.write_text(SMALL_CALENDAR, encoding="utf-8")
    heartbeat.reset()
    window.quiet_import = True
    window.import_files([str(small)], quiet=True)
    pump(0.5, lambda: window.job is None)
    pump(0.5)
    result["import_stall_ms"] = heartbeat.worst * 1000
    # The rest of the routine: every page looked at, a problem handled, a search.
    from daybrief.ui.main_window import TAB_HYGIENE

    heartbeat.reset()
    for page in range(window.tabs.count()):
        window.tabs.setCurrentIndex(page)
        if os.environ.get("DAYBRIEF_BENCH_TRACE"):
            print(f"page {window.tabs.tabText(page)} at {time.perf_counter():.3f}", file=sys.stderr)
        pump(0.6)
    result["pages_stall_ms"] = heartbeat.worst * 1000
    heartbeat.reset()
    window.tabs.setCurrentIndex(TAB_HYGIENE)
    window.select_problem(0)
    pump(0.3)
    if os.environ.get("DAYBRIEF_BENCH_TRACE"):
        print(f"edit at {time.perf_counter():.3f}", file=sys.stderr)
    window.handled.click()
    pump(1.0)
    result["edit_stall_ms"] = heartbeat.worst * 1000
    heartbeat.reset()
    window._find_text = "no meeting is called this"
    window.find_meeting(again=True)
    pump(1.0, lambda: "No meeting matches" in window.statusBar().currentMessage())
    result["find_stall_ms"] = heartbeat.worst * 1000
    window.quitting = True
    window.close()
    store.close()
    return result


COLUMNS = ("first_paint_ms", "before_paint_ms", "startup_stall_ms", "day_change_stall_ms",
           "refresh_stall_ms", "import_stall_ms", "pages_stall_ms", "edit_stall_ms",
           "find_stall_ms")  # fmt: skip
HELD = COLUMNS[2:]
"""The stalls held to 100 ms: every one while the window is on screen."""


def measure_window(size: int, runs: int) -> None:
    """Each case ``runs`` times, each in a new process on a new copy of its store; the
    first paint is the median, each stall the worst seen."""
    import json
    import statistics
    import subprocess
    import sys

    seen: dict[str, list[dict[str, float]]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            fresh, big = Path(folder) / "fresh", Path(folder) / "big"
            fresh.mkdir()
            big.mkdir()
            cases = {
                "fresh store (demo)": (fresh / "daybrief.sqlite3", True),
                f"{size} events": (window_store(size, big), False),
            }
            for name, (store_file, demo) in cases.items():
                done = subprocess.run(
                    [sys.executable, __file__, "--window-worker", str(store_file)]
                    + (["--demo"] if demo else []),
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    sys.exit(f"{name}: the window run failed:\n{done.stderr}")
                seen.setdefault(name, []).append(json.loads(done.stdout.strip().splitlines()[-1]))
    results = {
        name: {
            column: statistics.median(r[column] for r in found)
            if column == "first_paint_ms"
            else max(r[column] for r in found)
            for column in COLUMNS
        }
        for name, found in seen.items()
    }
    print(
        f"\nthe window, {size} events against a fresh store, {runs} run(s) each "
        "(first paint: median; stalls: worst; targets 1.5x and 100 ms)"
    )
    print(f"  {'':<22}" + "".join(f"{c.removesuffix('_ms'):>20}" for c in COLUMNS))
    for name, result in results.items():
        print(f"  {name:<22}" + "".join(f"{result[c]:17.0f} ms" for c in COLUMNS))
    ratio = (
        results[f"{size} events"]["first_paint_ms"]
        / results["fresh store (demo)"]["first_paint_ms"]
    )
    worst = max(result[c] for result in results.values() for c in HELD)
    print(
        f"  first paint ratio {ratio:.2f}x (target 1.5x); longest stall on screen "
        f"{worst:.0f} ms (target 100 ms)"
    )


def main() -> None:
    import json
    import os
    import sys

    if "--window-worker" in sys.argv:
        store_file = sys.argv[sys.argv.index("--window-worker") + 1]
        print(json.dumps(window_worker(store_file, "--demo" in sys.argv)), flush=True)
        for last_words in BEFORE_EXIT:
            last_words()
        # Skip interpreter teardown: PySide6 can crash collecting Qt objects at exit.
        os._exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--window", action="store_true", help="run the window itself")
    parser.add_argument("--runs", type=int, default=3, help="window runs per store (--window)")
    options = parser.parse_args()
    for size in options.sizes:
        if options.window:
            measure_window(size, options.runs)
        else:
            measure(size)


if __name__ == "__main__":
    main()
