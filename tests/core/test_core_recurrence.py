"""docs/semantics.md, repeats and ends: RRULE parts, RDATE, EXDATE, overrides, SEQUENCE, DURATION.

Expected dates were worked out with a paper calendar for 2025 (1 January is a
Wednesday) and the zone offsets listed in test_core_timezones.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.calendar_helpers import by_uid, one, utc

from daybrief.core.conflicts import is_busy


def starts(occurrences, uid):
    return [o.start for o in by_uid(occurrences, uid)]


# --- RRULE parts --------------------------------------------------------------------------


def test_bysetpos_minus_one_is_the_last_workday_of_each_month(expand):
    result = expand(["bysetpos_last_workday"], utc(2025, 1, 1), utc(2026, 1, 1))
    # 17:00 Berlin: 16:00Z in CET (to 30 March, from 26 October), 15:00Z in CEST.
    assert starts(result.occurrences, "month-end-report@daybrief.test") == [
        utc(2025, 1, 31, 16),  # Friday
        utc(2025, 2, 28, 16),  # Friday
        utc(2025, 3, 31, 15),  # Monday, first day of CEST
        utc(2025, 4, 30, 15),  # Wednesday
        utc(2025, 5, 30, 15),  # Friday (31 May is a Saturday)
        utc(2025, 6, 30, 15),  # Monday
        utc(2025, 7, 31, 15),  # Thursday
        utc(2025, 8, 29, 15),  # Friday (30, 31 August are the weekend)
        utc(2025, 9, 30, 15),  # Tuesday
        utc(2025, 10, 31, 16),  # Friday, CET again
        utc(2025, 11, 28, 16),  # Friday (29, 30 November are the weekend)
        utc(2025, 12, 31, 16),  # Wednesday
    ]
    assert all(
        o.duration == timedelta(minutes=30)
        for o in by_uid(result.occurrences, "month-end-report@daybrief.test")
    )


def test_ordinal_byday_second_tuesday(expand):
    result = expand(["ordinal_byday"], utc(2025, 1, 1), utc(2026, 1, 1))
    days = [14, 11, 11, 8, 13, 10, 8, 12, 9, 14, 11, 9]
    assert starts(result.occurrences, "second-tuesday@daybrief.test") == [
        utc(2025, month, day, 10) for month, day in enumerate(days, 1)
    ]


def test_ordinal_byday_last_friday(expand):
    result = expand(["ordinal_byday"], utc(2025, 1, 1), utc(2026, 1, 1))
    days = [31, 28, 28, 25, 30, 27, 25, 29, 26, 31, 28, 26]
    assert starts(result.occurrences, "last-friday@daybrief.test") == [
        utc(2025, month, day, 16) for month, day in enumerate(days, 1)
    ]


def test_byweekno_monday_of_iso_week_20(expand):
    # ISO week 1 of 2025 starts Monday 30 Dec 2024, of 2026 on 29 Dec 2025, of 2027 on 4 Jan.
    result = expand(["byweekno"], utc(2025, 1, 1), utc(2028, 1, 1))
    assert starts(result.occurrences, "week-20-kickoff@daybrief.test") == [
        utc(2025, 5, 12, 8),
        utc(2026, 5, 11, 8),
        utc(2027, 5, 17, 8),
    ]


def test_count_includes_a_dtstart_that_is_not_on_the_rule(expand):
    # RFC 5545 3.3.10: "The DTSTART property value always counts as the first occurrence."
    result = expand(["count_dtstart_off_rule"], utc(2025, 1, 1), utc(2025, 3, 1))
    assert starts(result.occurrences, "count-off-rule@daybrief.test") == [
        utc(2025, 1, 8, 10),  # Wednesday, DTSTART
        utc(2025, 1, 13, 10),
        utc(2025, 1, 20, 10),
    ]
    assert starts(result.occurrences, "count-on-rule@daybrief.test") == [
        utc(2025, 1, 6, 14),
        utc(2025, 1, 13, 14),
        utc(2025, 1, 20, 14),
    ]


def test_count_is_counted_from_dtstart_not_from_the_window(expand):
    # A window that starts after the first instance still ends the series after three.
    result = expand(["count_dtstart_off_rule"], utc(2025, 1, 10), utc(2025, 3, 1))
    assert starts(result.occurrences, "count-off-rule@daybrief.test") == [
        utc(2025, 1, 13, 10),
        utc(2025, 1, 20, 10),
    ]


def test_utc_until_is_compared_as_an_instant(expand):
    # UNTIL=...T135959Z is 08:59:59 EST on 6 March: the 09:00 instance that day is past it.
    result = expand(["until_utc"], utc(2025, 3, 1), utc(2025, 3, 20))
    assert starts(result.occurrences, "until-one-second-early@daybrief.test") == [
        utc(2025, 3, 3, 14),
        utc(2025, 3, 4, 14),
        utc(2025, 3, 5, 14),
    ]


def test_utc_until_after_a_dst_change_uses_the_offset_of_that_day(expand):
    # UNTIL=20250310T130000Z is exactly 09:00 EDT on 10 March: inclusive, so that is the last.
    result = expand(["until_utc"], utc(2025, 3, 1), utc(2025, 3, 20))
    assert starts(result.occurrences, "until-across-dst@daybrief.test") == [
        utc(2025, 3, 7, 14),
        utc(2025, 3, 8, 14),
        utc(2025, 3, 9, 13),
        utc(2025, 3, 10, 13),
    ]


def test_floating_until_is_wall_time_and_inclusive(expand):
    result = expand(["until_utc"], utc(2025, 3, 1), utc(2025, 3, 20), UTC)
    assert starts(result.occurrences, "until-floating@daybrief.test") == [
        utc(2025, 3, 3, 9),
        utc(2025, 3, 4, 9),
        utc(2025, 3, 5, 9),
    ]


def test_infinite_series_only_over_the_window(expand):
    result = expand(["infinite_series"], utc(2025, 6, 2), utc(2025, 6, 9))
    daily = by_uid(result.occurrences, "daily-since-2000@daybrief.test")
    # 09:15 CEST = 07:15Z, one per day of the 7-day window.
    assert [o.start for o in daily] == [utc(2025, 6, d, 7, 15) for d in range(2, 9)]
    assert all(o.duration == timedelta(minutes=15) for o in daily)
    assert [o.recurrence_id for o in daily] == [o.start for o in daily]
    hourly = by_uid(result.occurrences, "hourly-since-2020@daybrief.test")
    assert len(hourly) == 7 * 24
    assert hourly[0].start == utc(2025, 6, 2, 0)
    assert hourly[-1].start == utc(2025, 6, 8, 23)
    assert result.warnings == []


def test_infinite_series_far_in_the_future(expand):
    result = expand(["infinite_series"], utc(2099, 6, 2), utc(2099, 6, 3))
    assert starts(result.occurrences, "daily-since-2000@daybrief.test") == [utc(2099, 6, 2, 7, 15)]


def test_instance_running_into_the_window_is_included(expand):
    # Window 07:20Z-07:25Z sits inside the 07:15Z-07:30Z instance of 3 June.
    result = expand(["infinite_series"], utc(2025, 6, 3, 7, 20), utc(2025, 6, 3, 7, 25))
    assert starts(result.occurrences, "daily-since-2000@daybrief.test") == [utc(2025, 6, 3, 7, 15)]


# --- EXDATE and RDATE -------------------------------------------------------------------------


def test_exdate_in_the_same_zone_another_zone_and_utc(expand):
    # Eight Mondays 10:00 Berlin from 3 March. Excluded: 10 March (same TZID), 17 March
    # (05:00 New York EDT = 09:00Z = 10:00 CET), 24 March (09:00Z), 31 March and 14 April
    # (a two-value EXDATE). Not excluded: "20250407T100000Z" is 12:00 CEST, not an instance.
    # COUNT counts the excluded ones too (RFC 5545 3.8.5.3), so three are left.
    result = expand(["exdate"], utc(2025, 3, 1), utc(2025, 5, 1))
    assert starts(result.occurrences, "weekly-with-exdates@daybrief.test") == [
        utc(2025, 3, 3, 9),
        utc(2025, 4, 7, 8),
        utc(2025, 4, 21, 8),
    ]


def test_exdate_on_an_all_day_series(expand):
    result = expand(["exdate"], utc(2025, 3, 1), utc(2025, 5, 1))
    days = [o.start_date for o in by_uid(result.occurrences, "allday-with-exdate@daybrief.test")]
    assert days == [date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 6), date(2025, 3, 7)]


def test_rdate_date_time_and_periods(expand):
    result = expand(["rdate_period"], utc(2025, 3, 9), utc(2025, 3, 22))
    series = by_uid(result.occurrences, "rule-plus-rdates@daybrief.test")
    assert [(o.start, o.end) for o in series] == [
        (utc(2025, 3, 10, 8), utc(2025, 3, 10, 9)),  # RRULE (DTSTART)
        (utc(2025, 3, 12, 15), utc(2025, 3, 12, 16)),  # RDATE 16:00 Berlin, master's 1 hour
        (utc(2025, 3, 13, 13), utc(2025, 3, 13, 15)),  # PERIOD start/end in UTC
        (utc(2025, 3, 14, 13), utc(2025, 3, 14, 13, 30)),  # PERIOD 14:00 Berlin / PT30M
        (utc(2025, 3, 17, 8), utc(2025, 3, 17, 9)),  # RRULE, second and last
        (utc(2025, 3, 19, 12), utc(2025, 3, 19, 13)),  # RDATE in UTC
    ]


def test_rdate_dates_on_an_all_day_event(expand):
    result = expand(["rdate_period"], utc(2025, 3, 19), utc(2025, 3, 31))
    series = by_uid(result.occurrences, "allday-rdates@daybrief.test")
    assert [(o.start_date, o.end_date) for o in series] == [
        (date(2025, 3, 20), date(2025, 3, 21)),
        (date(2025, 3, 25), date(2025, 3, 26)),
        (date(2025, 3, 27), date(2025, 3, 28)),
    ]
    assert all(o.all_day for o in series)


def test_rdate_without_rrule(expand):
    result = expand(["rdate_period"], utc(2025, 3, 31), utc(2025, 4, 5))
    series = by_uid(result.occurrences, "rdate-only@daybrief.test")
    assert [(o.start, o.end) for o in series] == [
        (utc(2025, 4, 1, 10), utc(2025, 4, 1, 11)),
        (utc(2025, 4, 2, 10), utc(2025, 4, 2, 11)),
    ]


# --- RECURRENCE-ID overrides ------------------------------------------------------------------

REVIEW = "weekly-wednesday@daybrief.test"


def test_override_moves_an_instance_out_of_the_window(expand):
    # Window 16-23 June: the series' only instance in it (Wed 18 June) was moved to 26 June.
    result = expand(["recurrence_id"], utc(2025, 6, 16), utc(2025, 6, 23))
    review = by_uid(result.occurrences, REVIEW)
    assert utc(2025, 6, 18, 13) not in [o.start for o in review]
    assert all(o.recurrence_id != utc(2025, 6, 18, 13) for o in review)


def test_override_moves_a_later_instance_into_the_window(expand):
    result = expand(["recurrence_id"], utc(2025, 6, 16), utc(2025, 6, 23))
    moved = [o for o in by_uid(result.occurrences, REVIEW) if o.start == utc(2025, 6, 19, 8)]
    assert len(moved) == 1
    occ = moved[0]
    assert occ.recurrence_id == utc(2025, 7, 2, 13)  # 2 July 15:00 CEST
    assert occ.summary == "Account review (pulled in from 2 July)"
    assert occ.end == utc(2025, 6, 19, 9)
    assert occ.orphan is None


@pytest.mark.parametrize(
    ("new_start", "rid", "summary"),
    [
        # The first instance (DTSTART, 4 June) postponed to Friday 20 June 10:00 CEST.
        (utc(2025, 6, 20, 8), utc(2025, 6, 4, 13), "Account review (4 June, postponed to 20 June)"),
        # The second instance (11 June) postponed to Saturday 21 June 09:00 CEST.
        (
            utc(2025, 6, 21, 7),
            utc(2025, 6, 11, 13),
            "Account review (11 June, postponed to Saturday 21 June)",
        ),
    ],
    ids=["dtstart-instance", "second-instance"],
)
def test_override_moves_an_earlier_instance_into_the_window(expand, new_start, rid, summary):
    # Both original instances are before the window 16-23 June. Each is an instance of the
    # series like any other, so the override is not an orphan (model.Occurrence.orphan: only
    # "for an override no series instance matches").
    result = expand(["recurrence_id"], utc(2025, 6, 16), utc(2025, 6, 23))
    moved = [o for o in by_uid(result.occurrences, REVIEW) if o.start == new_start]
    assert len(moved) == 1
    occ = moved[0]
    assert occ.recurrence_id == rid
    assert occ.summary == summary
    assert occ.orphan is None


def test_window_with_moved_instances_has_exactly_those(expand):
    result = expand(["recurrence_id"], utc(2025, 6, 16), utc(2025, 6, 23))
    assert starts(result.occurrences, REVIEW) == [
        utc(2025, 6, 19, 8),
        utc(2025, 6, 20, 8),
        utc(2025, 6, 21, 7),
    ]


def test_moved_instance_appears_at_its_new_time(expand):
    result = expand(["recurrence_id"], utc(2025, 6, 23), utc(2025, 6, 30))
    moved = [o for o in by_uid(result.occurrences, REVIEW) if o.start == utc(2025, 6, 26, 13)]
    assert len(moved) == 1
    assert moved[0].recurrence_id == utc(2025, 6, 18, 13)
    assert moved[0].summary == "Account review (moved out to next Thursday)"


def test_cancelled_instance_is_neither_the_master_nor_busy(expand):
    result = expand(["recurrence_id"], utc(2025, 6, 23), utc(2025, 6, 30))
    on_25th = [o for o in by_uid(result.occurrences, REVIEW) if o.start == utc(2025, 6, 25, 13)]
    assert len(on_25th) <= 1
    for occ in on_25th:
        assert occ.status == "CANCELLED"
        assert not is_busy(occ)


def test_instance_moved_away_leaves_its_week_empty(expand):
    result = expand(["recurrence_id"], utc(2025, 6, 30), utc(2025, 7, 7))
    assert by_uid(result.occurrences, REVIEW) == []


def test_utc_recurrence_id_matches_an_instance_written_with_tzid(expand):
    result = expand(["recurrence_id"], utc(2025, 7, 7), utc(2025, 7, 14))
    occ = one(result.occurrences, REVIEW)
    assert occ.start == utc(2025, 7, 9, 13)
    assert occ.summary == "Account review (other room)"
    assert occ.event.location == "Room 4"
    assert occ.recurrence_id == utc(2025, 7, 9, 13)


def test_unmodified_instances_keep_the_master(expand):
    result = expand(["recurrence_id"], utc(2025, 7, 14), utc(2025, 7, 28))
    review = by_uid(result.occurrences, REVIEW)
    assert [o.start for o in review] == [utc(2025, 7, 16, 13), utc(2025, 7, 23, 13)]
    assert {o.summary for o in review} == {"Account review"}


def test_override_without_master_is_shown_as_an_orphan(expand):
    result = expand(["recurrence_id"], utc(2025, 6, 16), utc(2025, 6, 23))
    occ = one(result.occurrences, "lonely-instance@daybrief.test")
    assert occ.orphan == "no-master"
    assert (occ.start, occ.end) == (utc(2025, 6, 17, 9), utc(2025, 6, 17, 9, 30))
    assert occ.recurrence_id == utc(2025, 6, 17, 9)


def test_thisandfuture_moves_that_instance_and_all_later_ones(expand):
    result = expand(["thisandfuture"], utc(2025, 5, 1), utc(2025, 7, 1))
    series = by_uid(result.occurrences, "planning-series@daybrief.test")
    # Tuesdays 10:00 CEST = 08:00Z; from 20 May on, 14:30 CEST = 12:30Z, one hour.
    assert [(o.start, o.end, o.summary) for o in series] == [
        (utc(2025, 5, 6, 8), utc(2025, 5, 6, 9), "Planning"),
        (utc(2025, 5, 13, 8), utc(2025, 5, 13, 9), "Planning"),
        (utc(2025, 5, 20, 12, 30), utc(2025, 5, 20, 13, 30), "Planning (afternoon)"),
        (utc(2025, 5, 27, 12, 30), utc(2025, 5, 27, 13, 30), "Planning (afternoon)"),
        (utc(2025, 6, 3, 12, 30), utc(2025, 6, 3, 13, 30), "Planning (afternoon)"),
        (utc(2025, 6, 10, 12, 30), utc(2025, 6, 10, 13, 30), "Planning (afternoon)"),
    ]
    # Each keeps its own identity: the original start.
    assert [o.recurrence_id for o in series] == [
        utc(2025, 5, 6, 8),
        utc(2025, 5, 13, 8),
        utc(2025, 5, 20, 8),
        utc(2025, 5, 27, 8),
        utc(2025, 6, 3, 8),
        utc(2025, 6, 10, 8),
    ]
    assert [o.range for o in series[3:]] == ["THISANDFUTURE"] * 3


def test_thisandfuture_applies_when_the_window_starts_after_the_override(expand):
    result = expand(["thisandfuture"], utc(2025, 6, 1), utc(2025, 6, 30))
    assert starts(result.occurrences, "planning-series@daybrief.test") == [
        utc(2025, 6, 3, 12, 30),
        utc(2025, 6, 10, 12, 30),
    ]


# --- SEQUENCE ---------------------------------------------------------------------------------


def test_highest_sequence_wins_wherever_it_is_in_the_file(expand):
    result = expand(["sequence_duplicates"], utc(2025, 9, 1), utc(2025, 9, 20))
    occ = one(result.occurrences, "budget-review@daybrief.test")
    assert occ.summary == "Budget review (final time)"
    assert occ.start == utc(2025, 9, 10, 14)
    assert occ.event.sequence == 2


def test_highest_sequence_series_replaces_the_older_series(expand):
    result = expand(["sequence_duplicates"], utc(2025, 9, 1), utc(2025, 9, 20))
    assert starts(result.occurrences, "weekly-1on1@daybrief.test") == [
        utc(2025, 9, 1, 11),
        utc(2025, 9, 8, 11),
        utc(2025, 9, 15, 11),
    ]


def test_missing_sequence_is_zero(expand):
    result = expand(["sequence_duplicates"], utc(2025, 9, 1), utc(2025, 9, 20))
    occ = one(result.occurrences, "no-sequence-loses@daybrief.test")
    assert occ.summary == "Retro (rescheduled)"
    assert occ.start == utc(2025, 9, 11, 16)


def test_highest_sequence_override_of_one_instance_wins(expand):
    result = expand(["sequence_duplicates"], utc(2025, 9, 1), utc(2025, 9, 20))
    lunch = by_uid(result.occurrences, "friday-lunch@daybrief.test")
    assert [(o.start, o.summary) for o in lunch] == [
        (utc(2025, 9, 5, 12), "Friday lunch"),
        (utc(2025, 9, 12, 13), "Friday lunch (13:00)"),
        (utc(2025, 9, 19, 12), "Friday lunch"),
    ]


# --- End: DTEND, else DURATION, else one day / zero length ------------------------------------


@pytest.mark.parametrize(
    ("uid", "start", "end"),
    [
        ("timed-duration@daybrief.test", utc(2025, 4, 1, 10), utc(2025, 4, 1, 10, 45)),
        ("timed-no-end@daybrief.test", utc(2025, 4, 1, 12), utc(2025, 4, 1, 12)),
        ("dtend-beats-duration@daybrief.test", utc(2025, 4, 1, 14), utc(2025, 4, 1, 15)),
        # P1D is a nominal day (RFC 5545 3.3.6): noon CET to noon CEST, 23 hours.
        ("nominal-day-across-dst@daybrief.test", utc(2025, 3, 29, 11), utc(2025, 3, 30, 10)),
        # PT24H is exact: noon CET plus 24 hours is 13:00 CEST.
        ("exact-hours-across-dst@daybrief.test", utc(2025, 3, 29, 11), utc(2025, 3, 30, 11)),
    ],
)
def test_end_of_timed_events(expand, uid, start, end):
    result = expand(["duration_no_dtend"], utc(2025, 3, 28), utc(2025, 4, 10))
    occ = one(result.occurrences, uid)
    assert (occ.start, occ.end) == (start, end)
    assert not occ.all_day


@pytest.mark.parametrize(
    ("uid", "first", "end"),
    [
        ("allday-no-end@daybrief.test", date(2025, 4, 2), date(2025, 4, 3)),
        ("allday-duration@daybrief.test", date(2025, 4, 4), date(2025, 4, 7)),
    ],
)
def test_end_of_all_day_events(expand, uid, first, end):
    result = expand(["duration_no_dtend"], utc(2025, 3, 28), utc(2025, 4, 10), UTC)
    occ = one(result.occurrences, uid)
    assert occ.all_day
    assert (occ.start_date, occ.end_date) == (first, end)
    assert occ.start == datetime(first.year, first.month, first.day, tzinfo=UTC)
    assert occ.end == datetime(end.year, end.month, end.day, tzinfo=UTC)


def test_duration_applies_to_every_instance(expand):
    result = expand(["duration_no_dtend"], utc(2025, 3, 28), utc(2025, 4, 10))
    series = by_uid(result.occurrences, "recurring-duration@daybrief.test")
    assert [(o.start, o.end) for o in series] == [
        (utc(2025, 4, 7, 8), utc(2025, 4, 7, 8, 20)),
        (utc(2025, 4, 8, 8), utc(2025, 4, 8, 8, 20)),
    ]


def test_zero_length_event_belongs_to_the_window_that_contains_its_start(expand):
    # The window is half-open [start, end): 12:00Z is in [12:00, 13:00), not in [11:00, 12:00).
    inside = expand(["duration_no_dtend"], utc(2025, 4, 1, 12), utc(2025, 4, 1, 13))
    before = expand(["duration_no_dtend"], utc(2025, 4, 1, 11), utc(2025, 4, 1, 12))
    assert len(by_uid(inside.occurrences, "timed-no-end@daybrief.test")) == 1
    assert by_uid(before.occurrences, "timed-no-end@daybrief.test") == []


def test_window_end_is_exclusive(expand):
    # 10:00Z-10:45Z does not overlap [09:00, 10:00); it does overlap [10:44, 11:00).
    before = expand(["duration_no_dtend"], utc(2025, 4, 1, 9), utc(2025, 4, 1, 10))
    tail = expand(["duration_no_dtend"], utc(2025, 4, 1, 10, 44), utc(2025, 4, 1, 11))
    assert by_uid(before.occurrences, "timed-duration@daybrief.test") == []
    assert len(by_uid(tail.occurrences, "timed-duration@daybrief.test")) == 1
