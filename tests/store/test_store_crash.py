"""Crash safety (issue 4, "Done means"): SIGKILL a child mid-edit ≥ 200 times, lose nothing.

The child applies a seeded stream of edits through the public repositories and reports each
one after its commit returned; after every kill the store must pass ``integrity_check`` and
hold every reported edit (see ``crash_loop.py``). Most children are forked from the test
process, which keeps 200+ kills within seconds; some are spawned as a fresh interpreter
running ``crash_child.py``, the way a real second process starts.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sys
import time
from pathlib import Path

import crash_child
import pytest
from crash_loop import Actual, Model, check, kill_loop

from daybrief.store import UserData, open_store
from daybrief.store.db import bundled_migrations


def latest_version() -> int:
    return len(bundled_migrations())


pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not hasattr(os, "fork") or sys.platform == "win32",
    reason="needs POSIX SIGKILL and fork (Windows has neither; TerminateProcess is not tested)",
)


def test_store_survives_200_kills_without_losing_a_reported_edit(tmp_path: Path) -> None:
    outcome = kill_loop(tmp_path / "daybrief.sqlite3", kills=200, seed=20260301, spawn_every=20)
    assert outcome.kills == 200
    assert outcome.integrity_failures == 0
    assert outcome.lost_edits == 0
    assert outcome.problems == []
    # The kills must land among edits, not only before the first one.
    assert outcome.edits_reported > 200


def test_kill_while_creating_a_store_leaves_one_that_opens(tmp_path: Path) -> None:
    """Children killed while creating, migrating and seeding a brand-new store."""
    rng = random.Random(7)
    for run in range(15):
        path = tmp_path / f"fresh{run}" / "daybrief.sqlite3"
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                crash_child.prepare(path)
            except BaseException:
                code = 3
            os._exit(code)
        time.sleep(rng.uniform(0, 0.02))
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with open_store(path) as store:
            assert store.integrity_check() == ["ok"]
            assert store.schema_version == latest_version()
            template = UserData.of(store).templates.by_name(crash_child.TEMPLATE)
            # Created in one transaction: all of it or none of it.
            assert template is None or len(template.items) == len(crash_child.TEMPLATE_ITEMS)


def test_checker_catches_lost_phantom_and_torn_edits() -> None:
    """The harness would notice a store that lies (so a green run means something)."""
    model = Model()
    for edit in (["add", "0", "e1"], ["add", "0", "e2"], ["tick", "0", "e2"], ["note", "1", "5"]):
        model.apply(edit)
    good = Actual(
        items={(0, "e1"): False, (0, "e2"): True},
        doubled=[],
        bad_positions=[],
        follow_ups=set(),
        goals=set(),
        notes={1: 5},
        counter=None,
        integrity=["ok"],
    )
    assert check(model, good, None) == []
    lost = Actual(**{**vars(good), "items": {(0, "e1"): False}})
    assert any(p.startswith("lost") for p in check(model, lost, None))
    assert check(model, lost, ["delete", "0", "e2"]) == []  # the in-flight edit may have landed
    phantom = Actual(**{**vars(good), "items": {**good.items, (0, "e9"): False}})
    assert any(p.startswith("phantom") for p in check(model, phantom, None))
    assert check(model, phantom, ["add", "0", "e9"]) == []
    torn = Actual(**{**vars(good), "items": {**good.items, (2, "tpl-deck"): False}})
    assert any(p.startswith("torn") for p in check(model, torn, ["apply", "2"]))
    stale_note = Actual(**{**vars(good), "notes": {1: 4}})
    assert check(model, stale_note, None) != []
    broken = Actual(**{**vars(good), "integrity": ["*** in database main ***"]})
    assert any(p.startswith("integrity") for p in check(model, broken, None))
