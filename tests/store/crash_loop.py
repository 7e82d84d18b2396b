"""Kill a child mid-edit, again and again; after each kill the store must be whole.

Shared by ``test_store_crash.py`` (≥ 200 kills) and ``benchmarks/stress_crash.py`` (×1000).
After every SIGKILL: ``PRAGMA integrity_check`` is ok, every edit the child reported as
committed is in the store, nothing unreported is (except the one edit in flight, whole or
not at all), and the structural invariants hold (positions 0..n-1, no doubled items).
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import crash_child

from daybrief.store import UserData, open_store

CHILD_SCRIPT = Path(crash_child.__file__).resolve()
READY_TIMEOUT = 20.0


@dataclass
class Report:
    """What the child said: edits committed (in order) and the one in flight, if any."""

    committed: list[list[str]]
    in_flight: list[str] | None
    ready: bool


def parse(output: bytes) -> Report:
    committed: list[list[str]] = []
    begun: dict[str, list[str]] = {}
    in_flight: list[str] | None = None
    ready = False
    # A line cut by the kill has no newline: it was never fully reported.
    lines = output.decode().split("\n")[:-1]
    for line in lines:
        parts = line.split(" ")
        if parts[0] == "ready":
            ready = True
        elif parts[0] == "begin":
            begun[parts[1]] = parts[2:]
            in_flight = parts[2:]
        elif parts[0] == "ok":
            committed.append(begun.pop(parts[1]))
            in_flight = None
    return Report(committed, in_flight, ready)


@dataclass
class Model:
    """What the store must hold, built from the reports alone."""

    items: dict[tuple[int, str], bool] = field(default_factory=dict)  # (meeting, text) → done
    deleted: set[tuple[int, str]] = field(default_factory=set)
    follow_ups: set[str] = field(default_factory=set)
    goals: set[str] = field(default_factory=set)
    notes: dict[int, int] = field(default_factory=dict)
    counter: int | None = None
    applied: set[int] = field(default_factory=set)

    def apply(self, edit: list[str]) -> None:
        kind = edit[0]
        if kind == "add":
            self.items[(int(edit[1]), edit[2])] = False
        elif kind == "tick":
            self.items[(int(edit[1]), edit[2])] = True
        elif kind == "delete":
            self.items.pop((int(edit[1]), edit[2]), None)
            self.deleted.add((int(edit[1]), edit[2]))
        elif kind == "note":
            self.notes[int(edit[1])] = int(edit[2])
        elif kind == "setting":
            self.counter = int(edit[1])
        elif kind == "follow_up":
            self.follow_ups.add(edit[2])
        elif kind == "goal":
            self.goals.add(edit[2])
        elif kind == "apply":
            meeting = int(edit[1])
            if meeting not in self.applied:
                self.applied.add(meeting)
                for text, _ in crash_child.TEMPLATE_ITEMS:
                    self.items.setdefault((meeting, text), False)


@dataclass
class Actual:
    items: dict[tuple[int, str], bool]
    doubled: list[str]
    bad_positions: list[str]
    follow_ups: set[str]
    goals: set[str]
    notes: dict[int, int]
    counter: int | None
    integrity: list[str]


def observe(store_path: Path) -> Actual:
    with open_store(store_path) as store:
        integrity = store.integrity_check()
        ud = UserData.of(store)
        items: dict[tuple[int, str], bool] = {}
        doubled: list[str] = []
        bad_positions: list[str] = []
        notes: dict[int, int] = {}
        for m in range(crash_child.MEETINGS):
            rows = ud.checklists.items(crash_child.key(m))
            if [item.position for item in rows] != list(range(len(rows))):
                bad_positions.append(f"meeting {m}: positions {[i.position for i in rows]}")
            for item in rows:
                if (m, item.text) in items:
                    doubled.append(f"meeting {m}: {item.text!r} twice")
                items[(m, item.text)] = item.done
            note = ud.notes.get(crash_child.key(m))
            if note is not None:
                notes[m] = int(note.text.split(" ")[1])
        follow_ups = {f.text for f in ud.follow_ups.all()}
        goals = {
            g.text
            for m in range(crash_child.MEETINGS)
            for g in ud.goals.for_day(date(2026, 3, 1 + m))
        }
        setting = ud.settings.get("crash.counter")
        counter = int(setting["n"]) if isinstance(setting, dict) else None  # type: ignore[arg-type]
    return Actual(items, doubled, bad_positions, follow_ups, goals, notes, counter, integrity)


def check(model: Model, actual: Actual, flight: list[str] | None) -> list[str]:
    """Problems: lost or phantom edits, torn transactions, broken invariants."""
    problems = [f"integrity: {line}" for line in actual.integrity if line != "ok"]
    problems += actual.doubled + actual.bad_positions
    kind = flight[0] if flight else None

    def in_flight(*args: str) -> bool:
        return flight is not None and flight[: len(args)] == list(args)

    for (m, text), done in model.items.items():
        if (m, text) not in actual.items:
            if not in_flight("delete", str(m), text):
                problems.append(f"lost: item {text!r} of meeting {m}")
        elif done and not actual.items[(m, text)]:
            problems.append(f"lost: tick of {text!r} in meeting {m}")
        elif actual.items[(m, text)] and not done and not in_flight("tick", str(m), text):
            problems.append(f"phantom: {text!r} in meeting {m} done, never reported")
    for m, text in model.deleted:
        if (m, text) in actual.items:
            problems.append(f"lost: deletion of {text!r} in meeting {m}")
    for m, text in set(actual.items) - set(model.items) - model.deleted:
        template_texts = {t for t, _ in crash_child.TEMPLATE_ITEMS}
        if text in template_texts and in_flight("apply", str(m)):
            continue
        if not in_flight("add", str(m), text):
            problems.append(f"phantom: item {text!r} in meeting {m}, never reported")
    if kind == "apply" and flight is not None:
        m = int(flight[1])
        present = [(m, t) in actual.items for t, _ in crash_child.TEMPLATE_ITEMS]
        if any(present) and not all(present):
            problems.append(f"torn: template half applied to meeting {m}: {present}")
    for name, want, have in (
        ("follow-up", model.follow_ups, actual.follow_ups),
        ("goal", model.goals, actual.goals),
    ):
        problems += [f"lost: {name} {text!r}" for text in sorted(want - have)]
        extra = sorted(have - want)
        if extra and not (len(extra) == 1 and flight and flight[-1] == extra[0]):
            problems.append(f"phantom: {name}s {extra}")
    for m in range(crash_child.MEETINGS):
        want_note, have_note = model.notes.get(m), actual.notes.get(m)
        if have_note != want_note and not in_flight("note", str(m), str(have_note)):
            problems.append(f"note of meeting {m}: {have_note}, reported {want_note}")
    if actual.counter != model.counter and not in_flight("setting", str(actual.counter)):
        problems.append(f"setting: {actual.counter}, reported {model.counter}")
    return problems


def settle(model: Model, actual: Actual, flight: list[str] | None) -> None:
    """Fold the in-flight edit into the model if the store shows it committed."""
    if flight is None:
        return
    kind = flight[0]
    m = int(flight[1]) if len(flight) > 1 and kind != "setting" else -1
    committed = {
        "add": lambda: (m, flight[2]) in actual.items,
        "tick": lambda: actual.items.get((m, flight[2]), False),
        "delete": lambda: (m, flight[2]) not in actual.items,
        "note": lambda: actual.notes.get(m) == int(flight[2]),
        "setting": lambda: actual.counter == int(flight[1]),
        "follow_up": lambda: flight[2] in actual.follow_ups,
        "goal": lambda: flight[2] in actual.goals,
        "apply": lambda: all((m, t) in actual.items for t, _ in crash_child.TEMPLATE_ITEMS),
        "reorder": lambda: False,
    }[kind]()
    if committed:
        model.apply(flight)


@dataclass
class Outcome:
    kills: int = 0
    integrity_failures: int = 0
    lost_edits: int = 0
    edits_reported: int = 0
    problems: list[str] = field(default_factory=list)


def _read_until(fd: int, buffer: bytearray, deadline: float, want: bytes | None) -> None:
    """Read what the child wrote; stop at ``want`` (if given), at EOF, or at the deadline."""
    while want is None or want not in buffer:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buffer += chunk


def _launch_fork(store_path: Path, seed: int, first: int) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller (pytest), never run its atexit
        code = 0
        try:
            os.close(read_fd)
            crash_child.run(store_path, seed, first, write_fd)
        except BaseException:
            traceback.print_exc()
            code = 3
        os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _one_run(
    store_path: Path, child_seed: int, first: int, spawn: bool, pause: float, early: bool
) -> tuple[bytes, str | None]:
    """Start a child, kill it after ``pause`` s (from ready, or from start if ``early``).

    Returns what it wrote and, if it did not die by our SIGKILL, why.
    """
    with tempfile.TemporaryFile() as stderr_file:
        proc: subprocess.Popen[bytes] | None = None
        if spawn:
            proc = subprocess.Popen(
                [sys.executable, str(CHILD_SCRIPT), str(store_path), str(child_seed), str(first)],
                stdout=subprocess.PIPE,
                stderr=stderr_file,
            )
            assert proc.stdout is not None
            pid, fd = proc.pid, proc.stdout.fileno()
        else:
            pid, fd = _launch_fork(store_path, child_seed, first)
        buffer = bytearray()
        if not early:
            _read_until(fd, buffer, time.monotonic() + READY_TIMEOUT, b"ready\n")
        time.sleep(pause)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if proc is not None:
            died_by_kill = proc.wait() == -signal.SIGKILL
        else:
            _, raw = os.waitpid(pid, 0)
            died_by_kill = os.WIFSIGNALED(raw) and os.WTERMSIG(raw) == signal.SIGKILL
        _read_until(fd, buffer, time.monotonic() + 5, None)
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        else:
            os.close(fd)
        why = None
        if not died_by_kill:
            stderr_file.seek(0)
            why = (
                "child ended before the kill " + stderr_file.read().decode(errors="replace")[-2000:]
            )
    return bytes(buffer), why


def kill_loop(
    store_path: Path,
    kills: int,
    seed: int,
    *,
    spawn_every: int = 0,
    delay_ms: tuple[float, float] = (5.0, 60.0),
    early_kill_every: int = 10,
    progress: Callable[[Outcome], None] | None = None,
    progress_every: int = 100,
) -> Outcome:
    """Run ``kills`` children, SIGKILL each at a random moment, and check the store each time.

    Children are forked from this process (cheap: modules already imported); every
    ``spawn_every``-th one is instead a fresh ``python crash_child.py`` (the honest, slower
    path). Every ``early_kill_every``-th one is killed before it reports ready, while it
    opens the store.
    """
    crash_child.prepare(store_path)
    rng = random.Random(seed)
    model = Model()
    outcome = Outcome()
    for run in range(kills):
        spawn = spawn_every > 0 and run % spawn_every == spawn_every - 1
        early = early_kill_every > 0 and run % early_kill_every == early_kill_every // 2
        # Early kills land while the child opens the store (a spawned one starts slower).
        early_pause = rng.uniform(0, 0.3 if spawn else 0.03)
        pause = early_pause if early else rng.uniform(*delay_ms) / 1000
        output, why = _one_run(
            store_path, seed * 1_000_003 + run, (run + 1) * 1_000_000, spawn, pause, early
        )
        outcome.kills += 1
        report = parse(output)
        if why:
            outcome.problems.append(f"run {run}: {why}")
        if not early and not report.ready:
            outcome.problems.append(f"run {run}: child never became ready")
        for edit in report.committed:
            model.apply(edit)
        outcome.edits_reported += len(report.committed)
        actual = observe(store_path)
        problems = check(model, actual, report.in_flight)
        if any(p.startswith("integrity") for p in problems):
            outcome.integrity_failures += 1
        outcome.lost_edits += sum(p.startswith("lost") for p in problems)
        outcome.problems += [f"run {run}: {p}" for p in problems]
        settle(model, actual, report.in_flight)
        if progress is not None and outcome.kills % progress_every == 0:
            progress(outcome)
    return outcome
