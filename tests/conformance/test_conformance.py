"""The engine against the reference engine's answers over the real-world corpus.

Skipped when the corpus is absent (set DAYBRIEF_CORPUS, or keep ../shared beside the repo).
"""

from __future__ import annotations

import pytest

from tests.conformance.corpus import compare_file, corpus_dir, known_differences, manifest

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(
    CORPUS is None, reason="real-world corpus not found (set DAYBRIEF_CORPUS or add ../shared)"
)


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    assert CORPUS is not None
    return {row["local_path"]: compare_file(CORPUS, row["local_path"]) for row in manifest(CORPUS)}


def test_every_file_is_read_without_an_unhandled_exception(results: dict) -> None:
    # compare_file would have raised; a file with no calendar at all may be InvalidCalendar.
    assert len(results) == 533
    unusable = [path for path, result in results.items() if result.error]
    assert all(not results[p].expected_keys for p in unusable), unusable


def test_at_least_95_percent_of_files_agree_on_their_occurrences(results: dict) -> None:
    # Files the reference could not parse have no answer to agree with; they are robustness
    # tests (corpus README), so the rate is over the files the reference did answer.
    answered = [r for r in results.values() if not r.reference_failed]
    agreeing = [r for r in answered if r.keys_agree]
    rate = len(agreeing) / len(answered)
    print(
        f"agree on occurrence keys: {len(agreeing)}/{len(answered)} = {rate:.1%} "
        f"(all files: {sum(r.keys_agree for r in results.values())}/{len(results)})"
    )
    assert rate >= 0.95


def test_every_difference_is_recorded_with_a_reason(results: dict) -> None:
    recorded = known_differences()
    unexplained = sorted(p for p, r in results.items() if not r.keys_agree and p not in recorded)
    assert not unexplained, f"differences not in known_differences.tsv: {unexplained}"


def test_recorded_differences_still_differ(results: dict) -> None:
    # A difference that went away must leave the list, so the list stays the truth.
    stale = sorted(p for p in known_differences() if p in results and results[p].keys_agree)
    assert not stale, f"now agree, remove from known_differences.tsv: {stale}"


def test_conflicts_agree_wherever_occurrences_agree(results: dict) -> None:
    # Same-UID pairs are excluded on both sides (a series overlapping itself is not a
    # double-booking of two meetings; see conflicts.find_double_bookings).
    disagreeing = sorted(
        p
        for p, r in results.items()
        if r.keys_agree and not r.time_mismatches and not r.conflicts_agree
    )
    assert not disagreeing, disagreeing
