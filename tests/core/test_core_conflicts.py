"""docs/semantics.md: one meeting in several calendars, Busy, Double-booking, time off."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.calendar_helpers import one, utc

from daybrief.core.confirmation import identity
from daybrief.core.conflicts import clusters, find_double_bookings, find_time_off_clashes, is_busy

ME = identity(["me@example.com"])
TWO_CALENDARS = ["same_uid_two_calendars_a", "same_uid_two_calendars_b"]


def pairs(conflicts):
    """{(uid, uid): overlap minutes}, the uids of each pair sorted."""
    return {tuple(sorted((c.a.uid, c.b.uid))): c.overlap_minutes for c in conflicts}


def short(uid: str) -> str:
    return uid.split("@")[0]


# --- one meeting, several calendars -----------------------------------------------------------


@pytest.fixture(params=[TWO_CALENDARS, TWO_CALENDARS[::-1]], ids=["work-first", "personal-first"])
def two_calendars(request, expand):
    return expand(request.param, utc(2025, 6, 10), utc(2025, 6, 11))


def test_same_uid_in_two_calendars_is_one_meeting(two_calendars):
    occurrences = two_calendars.occurrences
    assert sorted(short(o.uid) for o in occurrences) == [
        "dentist",
        "gym",
        "shared-kickoff",
        "shared-weekly",
        "work-only",
    ]
    weekly = one(occurrences, "shared-weekly@daybrief.test")
    assert weekly.start == utc(2025, 6, 10, 13)
    assert set(weekly.calendars) == {"Work", "Personal"}


def test_same_uid_in_two_calendars_keeps_the_highest_sequence(two_calendars):
    kickoff = one(two_calendars.occurrences, "shared-kickoff@daybrief.test")
    assert kickoff.summary == "Kickoff (moved)"
    assert (kickoff.start, kickoff.end) == (utc(2025, 6, 10, 9, 30), utc(2025, 6, 10, 10, 30))
    assert set(kickoff.calendars) == {"Work", "Personal"}


def test_one_meeting_in_two_calendars_is_never_a_conflict_with_itself(two_calendars):
    conflicts = find_double_bookings(two_calendars.occurrences, ME)
    assert all(c.a.uid != c.b.uid for c in conflicts)
    assert not any(c.same_uid for c in conflicts)
    # Each real clash is reported once, not once per calendar the meeting is in. The dentist
    # (09:45-10:15) overlaps the moved kickoff (09:30-10:30) by 30 minutes, not the old one.
    assert pairs(conflicts) == {
        ("dentist@daybrief.test", "shared-kickoff@daybrief.test"): 30,
        ("gym@daybrief.test", "shared-weekly@daybrief.test"): 30,
    }
    assert len(conflicts) == 2


def test_meeting_only_in_one_calendar_names_no_calendars_list(two_calendars):
    work_only = one(two_calendars.occurrences, "work-only@daybrief.test")
    assert work_only.calendar == "Work"
    assert work_only.calendars in ((), ("Work",))


# --- double-bookings --------------------------------------------------------------------------


def test_touching_meetings_are_not_a_conflict(expand):
    result = expand(["touching_meetings"], utc(2025, 6, 10), utc(2025, 6, 11))
    assert len(result.occurrences) == 7
    conflicts = find_double_bookings(result.occurrences, ME)
    # A|B|C touch, the zero-length reminder sits on the A|B border, G (Berlin) and H (UTC)
    # touch at 13:00Z; only F really overlaps C, 11:15-11:30.
    assert pairs(conflicts) == {("overlap-f@daybrief.test", "touch-c@daybrief.test"): 15}
    assert len(conflicts) == 1


def test_three_mutually_overlapping_meetings_are_one_cluster_of_three_pairs(expand):
    result = expand(["three_way_overlap"], utc(2025, 6, 10), utc(2025, 6, 11))
    conflicts = find_double_bookings(result.occurrences, ME)
    assert pairs(conflicts) == {
        ("three-a@daybrief.test", "three-b@daybrief.test"): 60,  # 09:30-10:30
        ("three-a@daybrief.test", "three-c@daybrief.test"): 30,  # 10:00-10:30
        ("three-b@daybrief.test", "three-c@daybrief.test"): 45,  # 10:00-10:45
        ("pair-d@daybrief.test", "pair-e@daybrief.test"): 30,  # 15:30-16:00
    }
    assert len(conflicts) == 4
    groups = clusters(conflicts)
    assert [[short(o.uid) for o in group] for group in groups] == [
        ["three-a", "three-b", "three-c"],
        ["pair-d", "pair-e"],
    ]


def test_each_conflict_is_ordered_by_start(expand):
    result = expand(["three_way_overlap"], utc(2025, 6, 10), utc(2025, 6, 11))
    for conflict in find_double_bookings(result.occurrences, ME):
        assert conflict.a.start <= conflict.b.start


# --- busy -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uid", "busy"),
    [
        ("base-a", True),
        ("declined-by-me", False),
        ("transparent", False),
        ("cancelled", False),
        ("ms-free", False),
        ("allday-reminder", False),
        ("tentative-me", True),
        ("someone-else-declined", True),
    ],
)
def test_busy(expand, uid, busy):
    result = expand(["declined_and_transparent"], utc(2025, 6, 10), utc(2025, 6, 11))
    assert is_busy(one(result.occurrences, f"{uid}@daybrief.test"), ME) is busy


def test_only_busy_meetings_double_book(expand):
    result = expand(["declined_and_transparent"], utc(2025, 6, 10), utc(2025, 6, 11))
    conflicts = find_double_bookings(result.occurrences, ME)
    assert pairs(conflicts) == {
        ("base-a@daybrief.test", "tentative-me@daybrief.test"): 30,
        ("base-b@daybrief.test", "someone-else-declined@daybrief.test"): 30,
    }
    assert len(conflicts) == 2


def test_meeting_during_time_off_is_a_clash(expand):
    result = expand(["time_off"], utc(2025, 6, 11), utc(2025, 6, 15))
    clashes = find_time_off_clashes(result.occurrences, ME)
    assert [(short(c.time_off.uid), short(c.meeting.uid)) for c in clashes] == [
        ("out-of-office", "meeting-on-day-off")
    ]
    # Being away is not itself a double-booking with the meeting (all-day is never busy).
    assert find_double_bookings(result.occurrences, ME) == []


def test_the_search_stops_at_the_limit_with_exactly_that_many_pairs() -> None:

    from daybrief.core.engine import occurrences_between
    from daybrief.core.events import read_calendar

    def series(uid: str) -> str:
        return (
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:20260601T080000Z\r\nDURATION:PT1H\r\n"
            "RRULE:FREQ=MINUTELY;COUNT=300\r\nEND:VEVENT\r\n"
        )

    data = "BEGIN:VCALENDAR\r\n" + series("a") + series("b") + "END:VCALENDAR\r\n"
    occurrences = occurrences_between(
        [read_calendar(data, "x.ics")],
        datetime(2026, 6, 1, tzinfo=UTC),
        datetime(2026, 6, 2, tzinfo=UTC),
        UTC,
    ).occurrences
    everything = find_double_bookings(occurrences)
    assert len(everything) > 1000  # each instance overlaps ~120 of the other series
    limited = find_double_bookings(occurrences, limit=1000)
    assert limited == everything[:1000]
