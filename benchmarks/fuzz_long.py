"""Fuzz the calendar engine for minutes, with the mutations of ``tests/core/test_core_fuzz.py``.

    python benchmarks/fuzz_long.py [--minutes 10] [--seed N] [--corpus DIR] [--limit S]

Each input is a seed calendar (the test's hand-written ones, and the real-world corpus
when found) with 1-4 random mutations, run through read → expand (one year, or the
corpus's eight) → double-bookings → unconfirmed, with the test's checks. Prints how
many inputs ran, how many raised (InvalidCalendar for input without a calendar is
expected; anything else, a hang or a broken property is not), the slowest input, and
one reproducible recipe per distinct failure; the failing inputs themselves are written
to ``benchmarks/out/fuzz-failures/``. Exits 1 on any unexpected failure.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "fuzz-failures"


_FUZZ: ModuleType | None = None


def fuzz_hang_type() -> type[BaseException]:
    assert _FUZZ is not None
    return _FUZZ.EngineHang  # type: ignore[no-any-return]


def load_fuzz_module() -> ModuleType:
    """The test module, by path: its seeds, mutations and checks are the single source."""
    path = ROOT / "tests" / "core" / "test_core_fuzz.py"
    spec = importlib.util.spec_from_file_location("daybrief_fuzz_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    global _FUZZ
    _FUZZ = module
    return module


@dataclass
class Failure:
    kind: str
    count: int = 0
    example: str = ""
    input_file: str = ""


@dataclass
class Tally:
    inputs: int = 0
    invalid: int = 0
    raised: int = 0
    slowest: tuple[float, str] = (0.0, "")
    failures: dict[str, Failure] = field(default_factory=dict)
    mutations: Counter[str] = field(default_factory=Counter)


_ENGINE_FILES = (
    "recurrence.py",
    "conflicts.py",
    "confirmation.py",
    "events.py",
    "ics_reader.py",
    "engine.py",
    "values.py",
    "timezones.py",
)


def _signature(error: BaseException) -> str:
    """Type plus the innermost engine frame: one line per distinct bug."""
    text = str(error)
    if " in " in text:  # EngineHang names where it was stopped: "... in file:line fn <- ..."
        text, stack = text.split(" in ", 1)
        frames = [part for part in stack.split(" <- ") if part.startswith(_ENGINE_FILES)]
        where = frames[0].split(" ")[0] if frames else "?"
    else:
        tb = [f for f in traceback.extract_tb(error.__traceback__) if "daybrief" in f.filename]
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
    if isinstance(error, fuzz_hang_type()):
        text = "hang"
    return f"{type(error).__name__} at {where}: {text[:80]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None, help="default: random, printed")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus dir (or its files/)")
    parser.add_argument("--limit", type=float, default=None, help="seconds per input (hang)")
    parser.add_argument("--no-corpus", action="store_true", help="hand-written seeds only")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        os.environ["DAYBRIEF_CORPUS"] = str(args.corpus)
    fuzz = load_fuzz_module()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    limit = args.limit or fuzz.HARD_LIMIT_S
    rng = random.Random(seed)
    corpus: list[Path] = [] if args.no_corpus else fuzz.corpus_files()
    sources: list[str | Path] = [*sorted(fuzz.SEEDS), *corpus]
    cache: dict[Path, bytes] = {}
    corpus_root = Path(os.path.commonpath(corpus)) if corpus else ROOT
    windows = {"app": fuzz.APP_WINDOW, "corpus": fuzz.CORPUS_WINDOW}
    print(
        f"fuzz_long: seed {seed}, {args.minutes:g} min, {len(fuzz.SEEDS)} hand-written seeds + "
        f"{len(corpus)} corpus files, {limit:.1f} s per input",
        flush=True,
    )
    tally = Tally()
    stop = time.monotonic() + args.minutes * 60
    next_report = time.monotonic() + 60
    while time.monotonic() < stop:
        source = rng.choice(sources)
        if isinstance(source, Path):
            if source not in cache:
                cache[source] = source.read_bytes()
            base, label = cache[source], str(source.relative_to(corpus_root))
        else:
            base, label = fuzz.SEEDS[source], source
        ops = fuzz.random_ops(rng)
        window_name = rng.choice(["app", "app", "corpus"])
        zone_name = rng.choice(fuzz.ZONES)
        recipe = f"seed={label!r} ops={ops!r} window={window_name} zone={zone_name}"
        data = fuzz.build(base, ops)
        tally.inputs += 1
        tally.mutations.update(name for name, _ in ops)
        began = time.monotonic()
        try:
            outcome = fuzz.run_engine(data, windows[window_name], ZoneInfo(zone_name), limit)
        except Exception as error:  # everything is a finding here; the tally says which
            tally.raised += 1
            key = _signature(error)
            failure = tally.failures.setdefault(key, Failure(key))
            failure.count += 1
            if not failure.example:
                failure.example = f"{recipe}\n      {error!s:.300}"
                OUT.mkdir(parents=True, exist_ok=True)
                path = OUT / f"failure-{len(tally.failures):02d}-seed{seed}.ics"
                path.write_bytes(data)
                failure.input_file = str(path.relative_to(ROOT))
        else:
            tally.invalid += outcome.invalid
        elapsed = time.monotonic() - began
        if elapsed > tally.slowest[0]:
            tally.slowest = (elapsed, recipe)
        if time.monotonic() > next_report:
            next_report += 60
            print(
                f"  {tally.inputs} inputs, {tally.raised} failed, {len(tally.failures)} distinct",
                flush=True,
            )
    report(tally)
    return 1 if tally.failures else 0


def report(tally: Tally) -> None:
    print(f"\ninputs run:           {tally.inputs}")
    print(f"InvalidCalendar (ok): {tally.invalid}")
    print(f"raised / hung / bad:  {tally.raised}")
    print(f"slowest input:        {tally.slowest[0]:.2f} s  {tally.slowest[1]}")
    print(
        "mutations applied:    " + ", ".join(f"{k} {v}" for k, v in sorted(tally.mutations.items()))
    )
    if not tally.failures:
        print("no unexpected failures")
        return
    print(f"\n{len(tally.failures)} distinct failures:")
    for failure in sorted(tally.failures.values(), key=lambda f: -f.count):
        print(f"  [{failure.count}x] {failure.kind}")
        print(f"      {failure.example}")
        print(f"      input: {failure.input_file}")


if __name__ == "__main__":
    sys.exit(main())
