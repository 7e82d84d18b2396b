"""The engine on a 10,000-event calendar with known answers (``shared/tools/gen_calendar.py``).

The generator plants double-bookings, pairs that must not be reported, and lists
every component the user has not confirmed; these tests check the engine finds
exactly that over the calendar's whole span, in its owner's home zone.

Granularity of the truth's ``unconfirmed_uids`` (read from the generator's source):
one entry per VEVENT component, ``recurrence_id`` None for a single event or a series
master (then every instance the master itself produces is unconfirmed), and the
override's original start as ``YYYY-MM-DDTHH:MM:SSZ`` for a RECURRENCE-ID override
(then only that instance, which the override replaces). A cancelled override is never
listed, and a re-invite override (the user's PARTSTAT back to NEEDS-ACTION) is listed
even when its master is accepted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.confirmation import find_unconfirmed
from daybrief.core.conflicts import Conflict, find_double_bookings
from daybrief.core.engine import occurrences_between
from daybrief.core.events import ParsedCalendar, read_calendar
from daybrief.core.model import Occurrence, format_utc, recurrence_key

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR = REPO_ROOT.parent / "shared" / "tools" / "gen_calendar.py"
EVENTS = 10_000
SEED = 42
# The reasons that mean "the user has not confirmed"; waiting-on is about the others.
USER_REASONS = frozenset({"needs-action", "tentative", "event-tentative"})


@dataclass(frozen=True)
class Scale:
    truth: dict[str, object]
    calendar: ParsedCalendar
    occurrences: list[Occurrence]
    conflicts: list[Conflict]
    me: frozenset[str]


@pytest.fixture(scope="session")
def scale(tmp_path_factory: pytest.TempPathFactory) -> Scale:
    if not GENERATOR.is_file():
        pytest.skip(f"calendar generator not found at {GENERATOR}")
    out = tmp_path_factory.mktemp("scale") / "big.ics"
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--events",
            str(EVENTS),
            "--seed",
            str(SEED),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    truth = json.loads(out.with_suffix(".truth.json").read_text(encoding="utf-8"))
    zone = ZoneInfo(truth["home_tz"])
    first, last = (date.fromisoformat(day) for day in truth["span"])
    # The span's dates are inclusive, in the owner's zone.
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end_day = last + timedelta(days=1)
    end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=zone)
    calendar = read_calendar(out.read_bytes(), str(out))
    expansion = occurrences_between([calendar], start, end, zone)
    me = frozenset({truth["user"].lower()})
    conflicts = find_double_bookings(expansion.occurrences, me)
    return Scale(truth, calendar, expansion.occurrences, conflicts, me)


def _instance(occurrence: Occurrence) -> tuple[str | None, str]:
    return occurrence.event.uid, format_utc(occurrence.start)


def test_reads_every_event_without_skipping(scale: Scale) -> None:
    counts = scale.truth["counts"]
    assert isinstance(counts, dict)
    assert len(scale.calendar.events) == counts["vevents"]
    skipped = [str(w) for w in scale.calendar.warnings if "skipped" in w.message]
    assert not skipped, skipped[:5]


def test_every_planted_conflict_is_found(scale: Scale) -> None:
    found = {frozenset((_instance(c.a), _instance(c.b))) for c in scale.conflicts}
    planted = scale.truth["planted_conflicts"]
    assert isinstance(planted, list) and planted
    missing = [
        pair
        for pair in planted
        if frozenset(((pair["a"], pair["a_start_utc"]), (pair["b"], pair["b_start_utc"])))
        not in found
    ]
    assert not missing, f"{len(missing)} of {len(planted)} planted conflicts missed: {missing[:3]}"


def test_no_planted_non_conflict_is_reported(scale: Scale) -> None:
    reported = {frozenset((c.a.event.uid, c.b.event.uid)) for c in scale.conflicts}
    controls = scale.truth["planted_non_conflicts"]
    assert isinstance(controls, list) and controls
    wrong = [pair for pair in controls if frozenset((pair["a"], pair["b"])) in reported]
    assert not wrong, f"{len(wrong)} pairs wrongly reported as double-bookings: {wrong[:3]}"


def test_unconfirmed_matches_truth(scale: Scale) -> None:
    """Engine and truth agree on every (uid, instance), both ways."""
    entries = scale.truth["unconfirmed_uids"]
    assert isinstance(entries, list) and entries
    whole_series = {e["uid"] for e in entries if e["recurrence_id"] is None}
    listed_overrides = {(e["uid"], e["recurrence_id"]) for e in entries if e["recurrence_id"]}
    # Every override in the file, so an instance is judged by the component that made it.
    override_keys: dict[str, set[str]] = defaultdict(set)
    for event in scale.calendar.events:
        if event.uid is not None and event.recurrence_id is not None:
            override_keys[event.uid].add(
                format_utc(event.recurrence_id.to_utc(ZoneInfo(scale.truth["home_tz"])))
            )

    def expected(occurrence: Occurrence) -> bool:
        uid, key = occurrence.event.uid, recurrence_key(occurrence)
        if occurrence.event.status == "CANCELLED":
            return False
        if key and key in override_keys.get(uid or "", ()):
            return (uid, key) in listed_overrides
        return uid in whole_series

    unconfirmed = find_unconfirmed(scale.occurrences, scale.me)
    engine = {
        (u.occurrence.event.uid, recurrence_key(u.occurrence))
        for u in unconfirmed
        if u.reason in USER_REASONS
    }
    truth = {(o.event.uid, recurrence_key(o)) for o in scale.occurrences if expected(o)}
    missed = sorted(truth - engine, key=str)
    extra = sorted(engine - truth, key=str)
    assert not missed and not extra, (
        f"engine misses {len(missed)} unconfirmed instances (e.g. {missed[:3]}) and reports "
        f"{len(extra)} the truth does not list (e.g. {extra[:3]}); misses by kind: "
        f"{_kinds(scale, set(missed))}"
    )
    # Every component the truth lists shows up at least once over the span.
    engine_uids = {uid for uid, _ in engine}
    absent = sorted({e["uid"] for e in entries} - engine_uids)
    assert not absent, f"{len(absent)} unconfirmed UIDs never reported: {absent[:3]}"


def _kinds(scale: Scale, keys: set[tuple[str | None, str]]) -> dict[str, int]:
    """What the missed instances have in common, so a failure says where to look."""
    reasons = {
        (u.occurrence.event.uid, recurrence_key(u.occurrence)): u.reason
        for u in find_unconfirmed(scale.occurrences, scale.me)
    }
    kinds: dict[str, int] = defaultdict(int)
    for occurrence in scale.occurrences:
        key = (occurrence.event.uid, recurrence_key(occurrence))
        if key not in keys:
            continue
        mine = {a.partstat for a in occurrence.event.attendees if a.email in scale.me}
        organiser = "user organises" if occurrence.event.organizer in scale.me else "user invited"
        kinds[
            f"{organiser}, PARTSTAT {'/'.join(sorted(mine)) or '-'}, "
            f"STATUS {occurrence.event.status}, engine says {reasons.get(key)}"
        ] += 1
    return dict(kinds)
