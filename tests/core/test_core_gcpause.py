"""collector_paused: the collector is off inside, back as it was after, even on errors."""

from __future__ import annotations

import gc

import pytest

from daybrief.core.gcpause import collector_paused


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the inner one must not switch it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_restores_the_collector() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_in_two_threads_end_with_the_last_one() -> None:
    import threading

    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # the other thread's pause is still under way
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_keeping_results_out_of_collection_frees_them_all_the_same() -> None:
    """What a read makes is frozen after the pause, and still freed by its references; a
    calendar's read and expansion make no reference cycles for the freeze to keep."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from daybrief.core.engine import occurrences_between
    from daybrief.core.events import read_calendar
    from daybrief.core.gcpause import keep_bulk_results_out_of_collection
    from daybrief.core.model import Occurrence

    calendar = (
        b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nBEGIN:VEVENT\nUID:a@t\n"
        b"DTSTART:20260310T090000Z\nDTEND:20260310T100000Z\nRRULE:FREQ=DAILY;COUNT=30\n"
        b"SUMMARY:Stand-up\nATTENDEE:mailto:a@x.example\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    gc.collect()
    frozen_before = gc.get_freeze_count()
    keep_bulk_results_out_of_collection()
    try:
        with collector_paused():
            parsed = read_calendar(calendar, "t.ics", "t")
            expanded = occurrences_between(
                [parsed],
                datetime(2026, 3, 1, tzinfo=UTC),
                datetime(2026, 5, 1, tzinfo=UTC),
                ZoneInfo("Europe/Berlin"),
            )
        assert gc.get_freeze_count() > frozen_before
        assert len(expanded.occurrences) == 30
        del parsed, expanded
        gc.unfreeze()  # back where the collector sees them, before it has run at all
        left = [o for o in gc.get_objects() if isinstance(o, Occurrence)]
        assert left == []  # freed by their references alone
        assert gc.collect() == 0  # and no cycle was left behind
    finally:
        keep_bulk_results_out_of_collection(False)
        gc.unfreeze()
