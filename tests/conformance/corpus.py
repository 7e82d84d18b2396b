"""Compare the engine with the reference engine's answers in ``shared/corpus``.

Used by the conformance test and runnable alone for a report:
``python tests/conformance/corpus.py [--verbose]``.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "desktop"))

from daybrief.core.conflicts import find_double_bookings  # noqa: E402
from daybrief.core.engine import occurrences_between  # noqa: E402
from daybrief.core.errors import InvalidCalendar  # noqa: E402
from daybrief.core.events import read_calendar  # noqa: E402
from daybrief.core.model import Occurrence, format_utc, recurrence_key  # noqa: E402

# The corpus README's window, and its reading of floating times and dates as UTC.
WINDOW = (datetime(2019, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def corpus_dir() -> Path | None:
    """``$DAYBRIEF_CORPUS``, else ``../shared/corpus`` beside the repository."""
    configured = os.environ.get("DAYBRIEF_CORPUS")
    path = Path(configured) if configured else ROOT.parent / "shared" / "corpus"
    return path if (path / "MANIFEST.tsv").is_file() else None


def occurrence_key(occ: dict[str, object] | Occurrence) -> tuple[object, object]:
    """The README's key: (uid, recurrence_id or start_utc), or (uid, start_date) for all-day."""
    if isinstance(occ, Occurrence):
        if occ.all_day and occ.start_date is not None:
            return occ.event.uid, occ.start_date.isoformat()
        return occ.event.uid, recurrence_key(occ) or format_utc(occ.start)
    if occ.get("all_day"):
        return occ["uid"], occ["start_date"]
    return occ["uid"], occ["recurrence_id"] or occ["start_utc"]


@dataclass
class FileResult:
    path: str
    expected_keys: set[tuple[object, object]] = field(default_factory=set)
    actual_keys: set[tuple[object, object]] = field(default_factory=set)
    expected_conflicts: set[frozenset[tuple[object, object]]] = field(default_factory=set)
    actual_conflicts: set[frozenset[tuple[object, object]]] = field(default_factory=set)
    time_mismatches: list[str] = field(default_factory=list)
    reference_failed: bool = False
    error: str | None = None
    warnings: int = 0

    @property
    def keys_agree(self) -> bool:
        return self.expected_keys == self.actual_keys

    @property
    def conflicts_agree(self) -> bool:
        return self.expected_conflicts == self.actual_conflicts


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def compare_file(corpus: Path, local_path: str) -> FileResult:
    result = FileResult(local_path)
    expected = _read_jsonl(corpus / "expected" / f"{local_path}.occ.jsonl")
    if expected and "error" in expected[0]:
        result.reference_failed = True
        expected = []
    expected_by_key = {occurrence_key(o): o for o in expected}
    result.expected_keys = set(expected_by_key)
    for line in _read_jsonl(corpus / "expected" / f"{local_path}.conf.jsonl"):
        if "error" in line or line.get("same_uid"):
            continue
        a, b = line["a"], line["b"]  # type: ignore[index]
        result.expected_conflicts.add(
            frozenset({(a["uid"], a["start_utc"]), (b["uid"], b["start_utc"])})  # type: ignore[index]
        )
    data = (corpus / "files" / local_path).read_bytes()
    try:
        calendar = read_calendar(data, local_path)
    except InvalidCalendar as error:
        result.error = str(error)
        return result
    expansion = occurrences_between([calendar], *WINDOW, UTC)
    result.warnings = len(expansion.warnings)
    for occ in expansion.occurrences:
        key = occurrence_key(occ)
        result.actual_keys.add(key)
        reference = expected_by_key.get(key)
        if reference is not None and (
            reference["start_utc"] != format_utc(occ.start)
            or reference["end_utc"] != format_utc(occ.end)
        ):
            result.time_mismatches.append(
                f"{key}: expected {reference['start_utc']}–{reference['end_utc']}, "
                f"got {format_utc(occ.start)}–{format_utc(occ.end)}"
            )
    for conflict in find_double_bookings(expansion.occurrences):
        if conflict.a.event.uid == conflict.b.event.uid:
            # The reference marks two UID-less events as same_uid (null == null) and the
            # comparison sets those aside; we do report them, as two different meetings.
            continue
        result.actual_conflicts.add(
            frozenset(
                {
                    (conflict.a.event.uid, format_utc(conflict.a.start)),
                    (conflict.b.event.uid, format_utc(conflict.b.start)),
                }
            )
        )
    return result


def manifest(corpus: Path) -> list[dict[str, str]]:
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def known_differences() -> dict[str, str]:
    path = Path(__file__).with_name("known_differences.tsv")
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {row["file"]: row["reason"] for row in rows}


def main() -> int:
    corpus = corpus_dir()
    if corpus is None:
        print("corpus not found; set DAYBRIEF_CORPUS")
        return 2
    verbose = "--verbose" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = manifest(corpus)
    agree = conflicts_ok = 0
    mismatched_times = 0
    for row in rows:
        if only and not any(o in row["local_path"] for o in only):
            continue
        result = compare_file(corpus, row["local_path"])
        agree += result.keys_agree
        conflicts_ok += result.conflicts_agree
        mismatched_times += bool(result.time_mismatches)
        if not result.keys_agree or (
            verbose and (result.time_mismatches or not result.conflicts_agree)
        ):
            missing = result.expected_keys - result.actual_keys
            extra = result.actual_keys - result.expected_keys
            print(
                f"DIFF {row['local_path']} ref_failed={result.reference_failed} "
                f"expected={len(result.expected_keys)} got={len(result.actual_keys)} "
                f"missing={len(missing)} extra={len(extra)} err={result.error}"
            )
            if verbose:
                for key in sorted(missing, key=str)[:3]:
                    print("   missing", key)
                for key in sorted(extra, key=str)[:3]:
                    print("   extra  ", key)
                for text in result.time_mismatches[:3]:
                    print("   time   ", text)
                if not result.conflicts_agree:
                    print(
                        f"   conflicts expected={len(result.expected_conflicts)} "
                        f"got={len(result.actual_conflicts)}"
                    )
    total = len(rows) if not only else sum(any(o in r["local_path"] for o in only) for r in rows)
    print(f"keys agree: {agree}/{total} ({100 * agree / max(total, 1):.1f} %)")
    print(
        f"conflicts agree: {conflicts_ok}/{total}; files with time mismatches: {mismatched_times}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
