"""The child of the crash-safety test: applies a seeded stream of user edits until killed.

    python crash_child.py STORE SEED FIRST_EDIT

Writes one line per event to stdout (or the fd it is given), each with a single ``write``:
``ready`` once the store is open, then per edit ``begin N KIND ARGS`` before it starts and
``ok N`` after its commit returned. So at a kill at most one edit is in flight (begun, not
reported): it may or may not be in the store, but only whole. The edits reach through the
public repositories, exactly as the app's would.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import date
from pathlib import Path

from daybrief.store import UserData, meeting_key, open_store

MEETINGS = 5
MAX_ITEMS = 25
TEMPLATE = "crash-template"
TEMPLATE_ITEMS = (("tpl-deck", True), ("tpl-agenda", False))
KINDS = (
    ("add", 30),
    ("tick", 12),
    ("delete", 8),
    ("reorder", 10),
    ("note", 10),
    ("setting", 8),
    ("follow_up", 8),
    ("goal", 6),
    ("apply", 8),
)


def key(meeting: int) -> str:
    return meeting_key(f"m{meeting}@crash.example", f"2026-03-0{meeting + 1}T09:00:00Z")


def prepare(store_path: Path) -> None:
    """Create the store and the template the stream applies (before any child runs)."""
    with open_store(store_path) as store:
        ud = UserData.of(store)
        if ud.templates.by_name(TEMPLATE) is None:
            ud.templates.create(TEMPLATE, list(TEMPLATE_ITEMS))


def run(store_path: Path, seed: int, first: int, out_fd: int, limit: int = 1_000_000) -> None:
    def emit(line: str) -> None:
        os.write(out_fd, (line + "\n").encode())

    rng = random.Random(seed)
    store = open_store(store_path)
    ud = UserData.of(store)
    template = ud.templates.by_name(TEMPLATE)
    assert template is not None, "prepare() was not run"
    emit("ready")
    names = [name for name, _ in KINDS]
    weights = [weight for _, weight in KINDS]
    for n in range(first, first + limit):
        kind = rng.choices(names, weights)[0]
        m = rng.randrange(MEETINGS)
        items = ud.checklists.items(key(m))
        if kind == "add" and len(items) >= MAX_ITEMS:
            kind = "delete"  # keep checklists short, so a thousand kills stay fast
        if kind == "tick":
            open_items = [item for item in items if not item.done]
            if not open_items:
                kind = "add"
            else:
                item = rng.choice(open_items)
                emit(f"begin {n} tick {m} {item.text}")
                ud.checklists.set_done(item.id)
        if kind == "delete":
            mine = [item for item in items if item.text.startswith("e")]
            if not mine:
                kind = "add"
            else:
                item = rng.choice(mine)
                emit(f"begin {n} delete {m} {item.text}")
                ud.checklists.delete(item.id)
        if kind == "add":
            emit(f"begin {n} add {m} e{n}")
            ud.checklists.add(key(m), f"e{n}", required=rng.random() < 0.3)
        elif kind == "reorder":
            ids = [item.id for item in items]
            rng.shuffle(ids)
            emit(f"begin {n} reorder {m}")
            ud.checklists.reorder(key(m), ids)
        elif kind == "note":
            emit(f"begin {n} note {m} {n}")
            ud.notes.set(key(m), f"note {n}")
        elif kind == "setting":
            emit(f"begin {n} setting {n}")
            ud.settings.set("crash.counter", {"n": n, "pad": "x" * rng.randrange(200)})
        elif kind == "follow_up":
            emit(f"begin {n} follow_up {m} f{n}")
            ud.follow_ups.add(f"f{n}", due=date(2026, 3, 1 + n % 28), meeting_key=key(m))
        elif kind == "goal":
            emit(f"begin {n} goal {m} g{n}")
            ud.goals.add(date(2026, 3, 1 + m), f"g{n}")
        elif kind == "apply":
            emit(f"begin {n} apply {m}")
            ud.templates.apply(key(m), template.id)
        emit(f"ok {n}")
    store.close()


def main(argv: list[str]) -> int:
    store_path, seed, first = Path(argv[0]), int(argv[1]), int(argv[2])
    run(store_path, seed, first, sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
