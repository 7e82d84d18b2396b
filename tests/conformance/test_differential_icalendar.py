"""Our lean reader against the full icalendar path, on every corpus file (issue 4).

Both sides expand with the same engine; only the reading differs (our bytes scanner
with lazy details vs ``icalendar.Calendar.from_ical``, see ``icalendar_path``). Files
icalendar rejects are skipped and counted: it is stricter than our scanner on purpose.
Every remaining difference must be listed, with the verdict, in differential_known.tsv.

Skipped when the corpus is absent (set DAYBRIEF_CORPUS, or keep ../shared beside the repo).
Runnable alone for a report: ``python -m tests.conformance.test_differential_icalendar``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import pytest

from daybrief.core.engine import occurrences_between
from daybrief.core.errors import InvalidCalendar
from daybrief.core.events import read_calendar
from daybrief.core.model import Occurrence, format_utc
from tests.conformance.corpus import WINDOW, corpus_dir, manifest, occurrence_key
from tests.conformance.icalendar_path import occurrences_icalendar, parse_with_icalendar

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(
    CORPUS is None, reason="real-world corpus not found (set DAYBRIEF_CORPUS or add ../shared)"
)
KNOWN = Path(__file__).with_name("differential_known.tsv")
_MAX_DETAILS = 5


@dataclass
class Outcome:
    path: str
    icalendar_error: str | None = None
    """Why icalendar rejected the file (then nothing was compared)."""
    compared: int = 0
    """Occurrences on our side."""
    differences: list[str] = field(default_factory=list)


Key = tuple[object, object]
Record = tuple[object, ...]


def _record(occ: Occurrence) -> Record:
    """What must agree for one occurrence: times and what the meeting says about itself."""
    info = occ.event
    return (
        format_utc(occ.start),
        format_utc(occ.end),
        occ.all_day,
        info.summary,
        info.status,
        info.transp,
        info.location,
        info.organizer,
        tuple((a.email, a.partstat) for a in info.attendees),
    )


_FIELDS = (
    "start", "end", "all_day", "summary", "status", "transp", "location", "organizer",
    "attendees",
)  # fmt: skip


def _by_key(occurrences: list[Occurrence]) -> dict[Key, list[Record]]:
    # UID-less events share a key; keep every record so none hides another.
    grouped: dict[Key, list[Record]] = defaultdict(list)
    for occ in occurrences:
        grouped[occurrence_key(occ)].append(_record(occ))
    return {key: sorted(records, key=repr) for key, records in grouped.items()}


def _describe(ours: dict[Key, list[Record]], theirs: dict[Key, list[Record]]) -> list[str]:
    lines: list[str] = []
    only_ours = sorted(set(ours) - set(theirs), key=repr)
    only_theirs = sorted(set(theirs) - set(ours), key=repr)
    if only_ours:
        lines.append(f"{len(only_ours)} keys only ours, e.g. {only_ours[:_MAX_DETAILS]}")
    if only_theirs:
        lines.append(f"{len(only_theirs)} keys only icalendar's, e.g. {only_theirs[:_MAX_DETAILS]}")
    mismatched = 0
    for key in sorted(set(ours) & set(theirs), key=repr):
        a, b = ours[key], theirs[key]
        if a == b:
            continue
        mismatched += 1
        if mismatched > _MAX_DETAILS:
            continue
        if len(a) != len(b):
            lines.append(f"{key}: {len(a)} occurrences ours, {len(b)} icalendar's")
            continue
        for ra, rb in zip(a, b, strict=True):
            for name, va, vb in zip(_FIELDS, ra, rb, strict=True):
                if va != vb:
                    lines.append(f"{key} {name}: ours {va!r}, icalendar {vb!r}")
    if mismatched > _MAX_DETAILS:
        lines.append(f"... {mismatched} keys with differing fields in all")
    return lines


def compare_file(corpus: Path, local_path: str) -> Outcome:
    outcome = Outcome(local_path)
    data = (corpus / "files" / local_path).read_bytes()
    try:
        top = parse_with_icalendar(data)
    except Exception as error:  # any rejection by icalendar is a skip
        outcome.icalendar_error = f"{type(error).__name__}: {str(error)[:120]}"
        return outcome
    # Outside the try: an error in converting or expanding is a bug of the oracle or engine.
    theirs = occurrences_icalendar(top, *WINDOW, UTC, source=local_path).occurrences
    try:
        ours = occurrences_between([read_calendar(data, local_path)], *WINDOW, UTC).occurrences
    except InvalidCalendar:
        ours = []  # no calendar content at all for us; icalendar must then find none either
    outcome.compared = len(ours)
    outcome.differences = _describe(_by_key(ours), _by_key(theirs))
    return outcome


def known_differences() -> dict[str, str]:
    if not KNOWN.exists():
        return {}
    with open(KNOWN, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {row["file"]: row["reason"] for row in rows}


def run_all(corpus: Path) -> dict[str, Outcome]:
    return {row["local_path"]: compare_file(corpus, row["local_path"]) for row in manifest(corpus)}


def summary(outcomes: dict[str, Outcome]) -> str:
    rejected = [o for o in outcomes.values() if o.icalendar_error]
    compared = [o for o in outcomes.values() if not o.icalendar_error]
    agreeing = [o for o in compared if not o.differences]
    return (
        f"differential vs icalendar: {len(compared)} files compared, "
        f"{len(rejected)} icalendar could not parse, {len(agreeing)} agree, "
        f"{len(compared) - len(agreeing)} differ ({len(known_differences())} listed as known)"
    )


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    assert CORPUS is not None
    return run_all(CORPUS)


def test_lean_reader_gives_the_same_occurrences_as_icalendar(
    outcomes: dict[str, Outcome],
) -> None:
    print(summary(outcomes))
    known = known_differences()
    unexplained = {
        path: outcome.differences
        for path, outcome in outcomes.items()
        if outcome.differences and path not in known
    }
    report = "\n".join(
        f"{path}:\n    " + "\n    ".join(lines) for path, lines in sorted(unexplained.items())
    )
    assert not unexplained, f"differences not in {KNOWN.name}:\n{report}"


def test_known_differences_still_differ(outcomes: dict[str, Outcome]) -> None:
    # A difference that went away (or a file icalendar now rejects) must leave the list.
    stale = sorted(
        path
        for path in known_differences()
        if path not in outcomes or not outcomes[path].differences
    )
    assert not stale, f"no longer differ, remove from {KNOWN.name}: {stale}"


def test_icalendar_reads_most_files(outcomes: dict[str, Outcome]) -> None:
    # Guards the oracle itself: if it rejected everything, the test above would prove nothing.
    rejected = sum(bool(o.icalendar_error) for o in outcomes.values())
    assert rejected < len(outcomes) // 10, rejected


def main() -> int:
    import sys

    if CORPUS is None:
        print("corpus not found; set DAYBRIEF_CORPUS")
        return 2
    only = sys.argv[1:]
    rows = [r["local_path"] for r in manifest(CORPUS)]
    selected = [p for p in rows if not only or any(o in p for o in only)]
    outcomes = {path: compare_file(CORPUS, path) for path in selected}
    known = known_differences()
    for path, outcome in outcomes.items():
        if outcome.icalendar_error:
            print(f"SKIP {path}: {outcome.icalendar_error}")
        elif outcome.differences:
            mark = "KNOWN" if path in known else "DIFF"
            print(f"{mark} {path}")
            for line in outcome.differences:
                print("    " + line)
    print(summary(outcomes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
