"""docs/semantics.md, reading: broken events become warnings naming file, line and reason; the rest
is kept; non-UTF-8 is decoded with a warning; sloppy structure is tolerated."""

from __future__ import annotations

import pytest
from tests.calendar_helpers import utc

from daybrief.core.errors import InvalidCalendar
from daybrief.core.events import read_calendar

BROKEN = "broken_events"


def uids(calendar):
    return {event.uid for event in calendar.events}


def warnings_on(calendar, line):
    return [w for w in calendar.warnings if w.line == line]


def vevent_lines(calendars, name, uid):
    """The physical lines from BEGIN:VEVENT to END:VEVENT of the event with this UID."""
    lines = calendars[name].read_text().split("\n")
    uid_index = lines.index(f"UID:{uid}")
    begin = max(i for i in range(uid_index) if lines[i] == "BEGIN:VEVENT")
    end = min(i for i in range(uid_index, len(lines)) if lines[i] == "END:VEVENT")
    return range(begin + 1, end + 2)


# --- broken events ----------------------------------------------------------------------------


def test_good_events_survive_broken_ones(read, expand):
    calendar = read(BROKEN)
    assert {"good-1@daybrief.test", "good-2@daybrief.test", "good-3@daybrief.test"} <= uids(
        calendar
    )
    result = expand([BROKEN], utc(2025, 6, 10), utc(2025, 6, 11))
    good = {o.uid: (o.start, o.end) for o in result.occurrences if o.uid.startswith("good-")}
    assert good == {
        "good-1@daybrief.test": (utc(2025, 6, 10, 8), utc(2025, 6, 10, 9)),
        "good-2@daybrief.test": (utc(2025, 6, 10, 12), utc(2025, 6, 10, 13)),
        "good-3@daybrief.test": (utc(2025, 6, 10, 14), utc(2025, 6, 10, 15)),
    }


def test_event_without_dtstart_is_skipped_with_a_warning_inside_it(read, calendars):
    calendar = read(BROKEN)
    assert "no-dtstart@daybrief.test" not in uids(calendar)
    lines = vevent_lines(calendars, BROKEN, "no-dtstart@daybrief.test")
    found = [w for w in calendar.warnings if w.line in lines]
    assert found, calendar.warnings
    assert any("DTSTART" in w.message for w in found)


def test_event_with_an_impossible_date_is_skipped_with_a_warning_on_that_line(read, line_of):
    calendar = read(BROKEN)
    assert "bad-date@daybrief.test" not in uids(calendar)
    found = warnings_on(calendar, line_of(BROKEN, "DTSTART:20250231T100000Z"))
    assert found
    assert any("DTSTART" in w.message for w in found)


def test_bad_rrule_is_a_warning_on_its_line_and_never_a_series(read, expand, line_of):
    calendar = read(BROKEN)
    found = warnings_on(calendar, line_of(BROKEN, "RRULE:FREQ=FORTNIGHTLY"))
    assert len(found) == 1
    assert "FORTNIGHTLY" in found[0].message
    result = expand([BROKEN], utc(2025, 6, 1), utc(2025, 8, 1))
    assert len([o for o in result.occurrences if o.uid == "bad-rrule@daybrief.test"]) <= 1


def test_malformed_line_is_a_warning_and_its_event_is_kept(read, line_of):
    calendar = read(BROKEN)
    found = warnings_on(calendar, line_of(BROKEN, "this line is not a content line"))
    assert len(found) == 1
    assert "good-2@daybrief.test" in uids(calendar)


def test_warnings_name_the_file_and_the_uid(read, calendars, line_of):
    calendar = read(BROKEN)
    path = str(calendars[BROKEN])
    assert calendar.warnings
    assert {w.source for w in calendar.warnings} == {path}
    (rrule_warning,) = warnings_on(calendar, line_of(BROKEN, "RRULE:FREQ=FORTNIGHTLY"))
    assert rrule_warning.uid == "bad-rrule@daybrief.test"
    assert str(rrule_warning).startswith(f"{path}:{rrule_warning.line}: ")


def test_warnings_of_reading_reach_the_engine_caller(read, expand):
    calendar = read(BROKEN)
    result = expand([BROKEN], utc(2025, 6, 10), utc(2025, 6, 11))
    for warning in calendar.warnings:
        assert warning in result.warnings


def test_every_warning_of_the_broken_file_is_accounted_for(read, line_of, calendars):
    # Nothing on the good events' own lines except the mangled line inside good-2.
    calendar = read(BROKEN)
    good_lines = set()
    for uid in ("good-1@daybrief.test", "good-3@daybrief.test"):
        good_lines |= set(vevent_lines(calendars, BROKEN, uid))
    assert [w for w in calendar.warnings if w.line in good_lines] == []


# --- encodings and structure ------------------------------------------------------------------


def test_windows_1252_bytes_are_decoded_with_a_warning(read, calendars):
    raw = calendars.latin1.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is not UTF-8
    calendar = read("latin1")
    event = next(e for e in calendar.events if e.uid == "latin1-event@daybrief.test")
    assert event.info.summary == "Réunion café – Müller"
    assert event.info.location == "Zürich"
    assert "ascii-event@daybrief.test" in uids(calendar)
    summary_line = raw.split(b"\n").index(b"SUMMARY:R\xe9union caf\xe9 \x96 M\xfcller\r") + 1
    assert len(calendar.warnings) == 1
    assert calendar.warnings[0].line == summary_line


def test_windows_1252_events_expand(expand):
    result = expand(["latin1"], utc(2025, 6, 10), utc(2025, 6, 11))
    assert [(o.summary, o.start) for o in result.occurrences] == [
        ("Réunion café – Müller", utc(2025, 6, 10, 8)),
        ("Plain ASCII", utc(2025, 6, 10, 10)),
    ]


def test_utf8_with_bom_reads_without_warnings(calendars):
    data = b"\xef\xbb\xbf" + calendars.floating.read_bytes()
    calendar = read_calendar(data, "bom.ics")
    assert uids(calendar) == {"floating-nine@daybrief.test"}
    assert calendar.warnings == []


def test_missing_end_vcalendar_is_tolerated(read, expand):
    calendar = read("missing_end_vcalendar")
    assert uids(calendar) == {"before-the-cut-1@daybrief.test", "before-the-cut-2@daybrief.test"}
    result = expand(["missing_end_vcalendar"], utc(2025, 6, 10), utc(2025, 6, 11))
    assert [o.start for o in result.occurrences] == [utc(2025, 6, 10, 8), utc(2025, 6, 10, 10)]


def test_text_and_bytes_read_alike(calendars):
    path = calendars.sequence_duplicates
    from_bytes = read_calendar(path.read_bytes(), "a.ics")
    from_text = read_calendar(path.read_text(), "a.ics")
    assert [e.info for e in from_bytes.events] == [e.info for e in from_text.events]


@pytest.mark.parametrize("data", [b"", b"hello, world\n", "<html><body>404</body></html>"])
def test_content_that_is_no_calendar_at_all_is_invalid(data):
    with pytest.raises(InvalidCalendar) as raised:
        read_calendar(data, "not-a-calendar.ics")
    assert raised.value.source == "not-a-calendar.ics"


def test_calendar_name_from_x_wr_calname_or_the_caller(read, calendars):
    assert read("same_uid_two_calendars_a").name == "Work"
    assert read("same_uid_two_calendars_a", "Office").name == "Office"
    # Without X-WR-CALNAME the file names it, as a person would: "floating.ics" → "floating".
    assert read("floating").name == "floating"
    event = read("same_uid_two_calendars_a", "Office").events[0]
    assert event.info.calendar == "Office"


def test_every_fixture_reads(calendars, read):
    # A guard for the fixtures themselves: each has events, and only the ones written to be
    # broken produce warnings.
    expected_warnings = {"broken_events", "latin1", "unknown_tzid"}
    for name in calendars.names():
        calendar = read(name)
        assert calendar.events, name
        assert bool(calendar.warnings) == (name in expected_warnings), (name, calendar.warnings)
