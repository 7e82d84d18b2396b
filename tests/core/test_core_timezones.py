"""docs/semantics.md, time: TZID resolution order, floating times, all-day dates, DST.

Every expected instant below is worked out by hand from the zone's offset on
that day (Berlin: CET +01:00 until 2025-03-30 02:00, CEST +02:00 until
2025-10-26 03:00; New York: EST -05:00 until 2025-03-09 02:00, then EDT -04:00;
Los Angeles: PST -08:00 until 2025-03-09, then PDT -07:00; Tokyo +09:00;
Buenos Aires -03:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.calendar_helpers import by_uid, one, utc

from daybrief.core.timezones import resolve_tzid_name

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


# --- DST: wall clock survives, and the gap / repeated hour -------------------------------------


def test_weekly_berlin_keeps_nine_oclock_across_spring_forward(expand):
    result = expand(["dst_weekly_berlin"], utc(2025, 3, 15), utc(2025, 4, 10))
    series = by_uid(result.occurrences, "weekly-monday-spring@daybrief.test")
    assert [(o.start, o.end) for o in series] == [
        (utc(2025, 3, 17, 8), utc(2025, 3, 17, 8, 30)),  # 09:00 CET
        (utc(2025, 3, 24, 8), utc(2025, 3, 24, 8, 30)),
        (utc(2025, 3, 31, 7), utc(2025, 3, 31, 7, 30)),  # 09:00 CEST
        (utc(2025, 4, 7, 7), utc(2025, 4, 7, 7, 30)),
    ]
    assert {o.tz for o in series} == {"iana:Europe/Berlin"}
    # The instance identity is its original start, in UTC.
    assert [o.recurrence_id for o in series] == [o.start for o in series]


def test_weekly_vtimezone_keeps_nine_oclock_across_fall_back(expand):
    result = expand(["dst_weekly_berlin"], utc(2025, 10, 10), utc(2025, 11, 10))
    series = by_uid(result.occurrences, "weekly-thursday-fall@daybrief.test")
    assert [(o.start, o.end) for o in series] == [
        (utc(2025, 10, 16, 7), utc(2025, 10, 16, 8)),  # 09:00 CEST
        (utc(2025, 10, 23, 7), utc(2025, 10, 23, 8)),
        (utc(2025, 10, 30, 8), utc(2025, 10, 30, 9)),  # 09:00 CET
        (utc(2025, 11, 6, 8), utc(2025, 11, 6, 9)),
    ]
    assert {o.tz for o in series} == {"vtimezone"}


@pytest.mark.parametrize(
    "uid", ["in-the-gap-iana@daybrief.test", "in-the-gap-vtimezone@daybrief.test"]
)
def test_time_in_the_spring_gap_uses_the_offset_before_the_gap(expand, uid):
    # RFC 5545 3.3.5: 02:30 does not exist on 2025-03-30 in Berlin; it is read with the
    # offset before the gap (+01:00), i.e. 01:30Z (= 03:30 CEST). DTEND 04:00 CEST = 02:00Z.
    result = expand(["dst_weekly_berlin"], utc(2025, 3, 29), utc(2025, 3, 31))
    occ = one(result.occurrences, uid)
    assert occ.start == utc(2025, 3, 30, 1, 30)
    assert occ.end == utc(2025, 3, 30, 2)


@pytest.mark.parametrize(
    "uid", ["repeated-hour-iana@daybrief.test", "repeated-hour-vtimezone@daybrief.test"]
)
def test_time_in_the_repeated_hour_is_its_first_occurrence(expand, uid):
    # RFC 5545 3.3.5: an ambiguous local time means its first occurrence: 02:30 CEST = 00:30Z.
    result = expand(["dst_weekly_berlin"], utc(2025, 10, 25), utc(2025, 10, 27))
    occ = one(result.occurrences, uid)
    assert occ.start == utc(2025, 10, 26, 0, 30)
    assert occ.end == utc(2025, 10, 26, 1)


def test_daily_late_evening_new_york_crosses_us_dst(expand):
    result = expand(["dst_weekly_berlin"], utc(2025, 3, 1), utc(2025, 3, 20))
    series = by_uid(result.occurrences, "daily-late-evening-ny@daybrief.test")
    assert [o.start for o in series] == [
        utc(2025, 3, 8, 4, 30),  # 7 March 23:30 EST
        utc(2025, 3, 9, 4, 30),  # 8 March 23:30 EST
        utc(2025, 3, 10, 3, 30),  # 9 March 23:30 EDT
        utc(2025, 3, 11, 3, 30),
    ]
    assert all(o.duration == timedelta(hours=1) for o in series)


# --- TZID resolution order -----------------------------------------------------------------


def test_vtimezone_in_the_file_comes_before_the_iana_name(expand):
    # The file defines "Europe/Berlin" as +01:00 all year; that definition wins (docs/semantics.md
    # order), so 09:00 on 2 July is 08:00Z, not the 07:00Z the IANA zone would give.
    result = expand(["vtimezone_precedence"], utc(2025, 7, 1), utc(2025, 7, 3))
    occ = one(result.occurrences, "summer-by-file-definition@daybrief.test")
    assert occ.tz == "vtimezone"
    assert (occ.start, occ.end) == (utc(2025, 7, 2, 8), utc(2025, 7, 2, 9))


@pytest.mark.parametrize(
    ("uid", "start", "tz"),
    [
        ("w-europe-winter@daybrief.test", utc(2025, 3, 5, 8), "windows:Europe/Berlin"),
        ("w-europe-summer@daybrief.test", utc(2025, 7, 2, 7), "windows:Europe/Berlin"),
        ("eastern-winter@daybrief.test", utc(2025, 3, 5, 14), "windows:America/New_York"),
    ],
)
def test_windows_zone_names(expand, uid, start, tz):
    result = expand(["windows_tzid"], utc(2025, 1, 1), utc(2025, 12, 31), TOKYO)
    occ = one(result.occurrences, uid)
    assert occ.tz == tz
    assert occ.start == start
    assert occ.duration == timedelta(hours=1)
    assert result.warnings == []


def test_windows_zone_name_on_a_weekly_series(expand):
    result = expand(["windows_tzid"], utc(2025, 3, 1), utc(2025, 3, 31), NEW_YORK)
    series = by_uid(result.occurrences, "tokyo-weekly@daybrief.test")
    assert [o.start for o in series] == [utc(2025, 3, 3, 0), utc(2025, 3, 10, 0)]
    assert {o.tz for o in series} == {"windows:Asia/Tokyo"}


@pytest.mark.parametrize(
    ("uid", "start"),
    [
        ("eastern-display-winter@daybrief.test", utc(2025, 3, 5, 14)),  # 09:00 EST
        ("eastern-display-summer@daybrief.test", utc(2025, 7, 2, 13)),  # 09:00 EDT: not -05:00
    ],
)
def test_outlook_display_name_follows_the_zone_not_the_label_offset(expand, uid, start):
    result = expand(["outlook_display_name_tzid"], utc(2025, 1, 1), utc(2025, 12, 31), TOKYO)
    occ = one(result.occurrences, uid)
    assert occ.tz == "display-name:America/New_York"
    assert occ.start == start
    assert occ.duration == timedelta(hours=1)


def test_outlook_display_name_listing_cities(expand):
    result = expand(["outlook_display_name_tzid"], utc(2025, 7, 1), utc(2025, 7, 3), TOKYO)
    occ = one(result.occurrences, "amsterdam-display-summer@daybrief.test")
    assert occ.tz.startswith("display-name:")
    assert occ.start == utc(2025, 7, 2, 7)  # 09:00 CEST: the summer offset, not the label's +01:00
    assert result.warnings == []


@pytest.mark.parametrize(
    ("uid", "start", "tz"),
    [
        ("mozilla-berlin@daybrief.test", utc(2025, 7, 2, 7), "iana-path:Europe/Berlin"),
        (
            "path-buenos-aires@daybrief.test",
            utc(2025, 7, 2, 12),
            "iana-path:America/Argentina/Buenos_Aires",
        ),
    ],
)
def test_iana_name_inside_a_path_tzid(expand, uid, start, tz):
    result = expand(["mozilla_path_tzid"], utc(2025, 7, 1), utc(2025, 7, 3), TOKYO)
    occ = one(result.occurrences, uid)
    assert occ.tz == tz
    assert occ.start == start
    assert result.warnings == []


@pytest.mark.parametrize(
    ("tzid", "how", "winter_offset", "summer_offset"),
    [
        ("Europe/Berlin", "iana:Europe/Berlin", 1, 2),
        ("/mozilla.org/20050126_1/Europe/Berlin", "iana-path:Europe/Berlin", 1, 2),
        ("W. Europe Standard Time", "windows:Europe/Berlin", 1, 2),
        ("Eastern Standard Time", "windows:America/New_York", -5, -4),
        ("(UTC-05:00) Eastern Time (US & Canada)", "display-name:America/New_York", -5, -4),
    ],
)
def test_resolve_tzid_name(tzid, how, winter_offset, summer_offset):
    zone, found_how = resolve_tzid_name(tzid)
    assert found_how == how
    assert zone is not None
    assert datetime(2025, 1, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=winter_offset)
    assert datetime(2025, 7, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=summer_offset)


def test_resolve_unknown_tzid_is_floating():
    assert resolve_tzid_name("Mars/Olympus_Mons") == (None, "floating")


@pytest.mark.parametrize(
    ("user_zone", "start"),
    [(TOKYO, utc(2025, 3, 5, 0)), (NEW_YORK, utc(2025, 3, 5, 14))],
)
def test_unknown_tzid_is_floating_with_a_warning_naming_the_line(
    read, expand, line_of, calendars, user_zone, start
):
    result = expand(["unknown_tzid"], utc(2025, 3, 4), utc(2025, 3, 7), user_zone)
    occ = one(result.occurrences, "unknown-zone@daybrief.test")
    assert occ.tz == "floating"
    assert (occ.start, occ.end) == (start, start + timedelta(hours=1))
    dtstart_line = line_of("unknown_tzid", "DTSTART;TZID=Mars")
    warnings = [w for w in read("unknown_tzid").warnings if w.line == dtstart_line]
    assert len(warnings) == 1
    assert "Mars/Olympus_Mons" in warnings[0].message
    assert warnings[0].source == str(calendars.unknown_tzid)
    # The warning reaches whoever asks the engine for occurrences, too.
    assert any(w.line == dtstart_line for w in result.warnings)


# --- floating times and all-day dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("user_zone", "start"),
    [
        (TOKYO, utc(2025, 3, 5, 0)),
        (NEW_YORK, utc(2025, 3, 5, 14)),
        (BERLIN, utc(2025, 3, 5, 8)),
        (UTC, utc(2025, 3, 5, 9)),
    ],
)
def test_floating_time_is_in_the_user_zone(expand, user_zone, start):
    result = expand(["floating"], utc(2025, 3, 4), utc(2025, 3, 7), user_zone)
    occ = one(result.occurrences, "floating-nine@daybrief.test")
    assert occ.tz == "floating"
    assert (occ.start, occ.end) == (start, start + timedelta(hours=1))
    assert not occ.all_day


def test_x_wr_timezone_is_the_zone_of_floating_times(read, expand):
    calendar = read("x_wr_timezone_floating")
    assert calendar.floating_zone is not None
    assert calendar.name == "West coast team"
    # The user lives in Tokyo; the file's floating times are still Los Angeles time.
    result = expand(["x_wr_timezone_floating"], utc(2025, 3, 4), utc(2025, 3, 12), TOKYO)
    occ = one(result.occurrences, "floating-la@daybrief.test")
    assert occ.tz == "x-wr-timezone:America/Los_Angeles"
    assert (occ.start, occ.end) == (utc(2025, 3, 5, 17), utc(2025, 3, 5, 18))  # 09:00 PST


def test_x_wr_timezone_does_not_move_utc_or_zoned_times(expand):
    result = expand(["x_wr_timezone_floating"], utc(2025, 3, 4), utc(2025, 3, 12), TOKYO)
    assert one(result.occurrences, "utc-stays-utc@daybrief.test").start == utc(2025, 3, 5, 12)
    zoned = one(result.occurrences, "tzid-stays-tzid@daybrief.test")
    assert zoned.start == utc(2025, 3, 5, 8)
    assert zoned.tz == "iana:Europe/Berlin"


def test_x_wr_timezone_does_not_apply_to_all_day_dates(expand):
    # docs/semantics.md: all-day dates are in the user's zone; X-WR-TIMEZONE is for floating
    # *times*.
    result = expand(["x_wr_timezone_floating"], utc(2025, 3, 4), utc(2025, 3, 12), TOKYO)
    occ = one(result.occurrences, "allday-in-user-zone@daybrief.test")
    assert occ.all_day
    assert (occ.start_date, occ.end_date) == (date(2025, 3, 6), date(2025, 3, 7))
    assert (occ.start, occ.end) == (utc(2025, 3, 5, 15), utc(2025, 3, 6, 15))  # Tokyo midnight


def test_x_wr_timezone_floating_series_keeps_wall_clock_across_us_dst(expand):
    result = expand(["x_wr_timezone_floating"], utc(2025, 3, 4), utc(2025, 3, 12), TOKYO)
    series = by_uid(result.occurrences, "floating-daily-la@daybrief.test")
    assert [o.start for o in series] == [
        utc(2025, 3, 8, 17),  # 09:00 PST
        utc(2025, 3, 9, 16),  # 09:00 PDT
        utc(2025, 3, 10, 16),
    ]


@pytest.mark.parametrize(
    ("user_zone", "start_utc"),
    [
        (UTC, utc(2025, 3, 3, 0)),
        (NEW_YORK, utc(2025, 3, 3, 5)),
        (TOKYO, utc(2025, 3, 2, 15)),
    ],
)
def test_all_day_is_midnight_to_midnight_in_the_user_zone(expand, user_zone, start_utc):
    result = expand(["allday"], utc(2025, 3, 1), utc(2025, 3, 12), user_zone)
    occ = one(result.occurrences, "one-day@daybrief.test")
    assert occ.all_day
    assert occ.tz == "date"
    assert (occ.start_date, occ.end_date) == (date(2025, 3, 3), date(2025, 3, 4))
    assert (occ.start, occ.end) == (start_utc, start_utc + timedelta(days=1))


def test_multi_day_all_day_event(expand):
    result = expand(["allday"], utc(2025, 3, 1), utc(2025, 3, 12), NEW_YORK)
    occ = one(result.occurrences, "three-days@daybrief.test")
    assert (occ.start_date, occ.end_date) == (date(2025, 3, 5), date(2025, 3, 8))
    assert (occ.start, occ.end) == (utc(2025, 3, 5, 5), utc(2025, 3, 8, 5))


def test_yearly_all_day_series_lands_on_the_local_date_after_dst(expand):
    # 10 March 2025 in New York is EDT: local midnight is 04:00Z.
    result = expand(["allday"], utc(2025, 3, 1), utc(2025, 3, 12), NEW_YORK)
    occ = one(result.occurrences, "birthday@daybrief.test")
    assert occ.start_date == date(2025, 3, 10)
    assert occ.recurrence_id == date(2025, 3, 10)
    assert (occ.start, occ.end) == (utc(2025, 3, 10, 4), utc(2025, 3, 11, 4))


def test_all_day_outside_the_user_day_is_not_in_the_window(expand):
    # The window is Tokyo's 4 March (3 March 15:00Z to 4 March 15:00Z); "Conference day" is
    # Tokyo's 3 March, which ends exactly when the window starts.
    result = expand(["allday"], utc(2025, 3, 3, 15), utc(2025, 3, 4, 15), TOKYO)
    assert by_uid(result.occurrences, "one-day@daybrief.test") == []


def test_a_vtimezone_nested_thousands_deep_is_read_without_recursing() -> None:
    """Found by the fuzzer: the zone cache's fingerprint recursed into every nested
    component, so a hostile file hit Python's recursion limit."""
    from daybrief.core.engine import occurrences_between
    from daybrief.core.events import read_calendar

    depth = 5000
    nested = "BEGIN:X-DEEP\r\n" * depth + "END:X-DEEP\r\n" * depth
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:Deep\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n" + nested + "END:STANDARD\r\n"
        "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART;TZID=Deep:20260316T100000\r\n"
        "DTEND;TZID=Deep:20260316T110000\r\nSUMMARY:Still here\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar = read_calendar(text.encode(), "deep.ics", "Deep")
    found = occurrences_between(
        [calendar], utc(2026, 3, 16), utc(2026, 3, 17), ZoneInfo("UTC")
    ).occurrences
    assert [o.summary for o in found] == ["Still here"]
    assert found[0].start == utc(2026, 3, 16, 9)
