"""Issue 17: whose calendar it is. A Monday of the user's Work calendar beside a team
calendar and an information calendar (tests/data/calendars/roles_*.ics); the team adds an
all-morning offsite without attendees, a colleague's client meeting and a retro the user
is invited to; the information calendar adds market hours and a holiday."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from tests.calendar_helpers import one, utc

from daybrief.core.briefing import ProblemKind, UserInputs, build_briefing
from daybrief.core.clock import FixedClock
from daybrief.core.confirmation import find_unconfirmed, identity
from daybrief.core.conflicts import find_double_bookings, find_time_off_clashes, is_busy
from daybrief.core.engine import guess_calendar_role, occurrences_between
from daybrief.core.events import read_calendar
from daybrief.core.model import Attendee, EventInfo, Occurrence
from daybrief.core.recurrence import merge_calendars
from daybrief.core.reminding import asks_for_follow_ups, remindable
from daybrief.core.roles import (
    EventFacts,
    Role,
    guess_role,
    involves,
    is_context,
    is_mine,
    parse_role,
    stronger_role,
)
from daybrief.core.serialize import occurrence_to_dict

BERLIN = ZoneInfo("Europe/Berlin")
ME = identity(["Me@Corp.example"])
MONDAY = date(2026, 3, 9)


@pytest.fixture
def week(calendars):
    """The three calendars with their roles, expanded over Monday and Tuesday."""

    def _week(
        work: str = "mine", team: str = "others", info: str = "info", reverse: bool = False
    ) -> list[Occurrence]:
        order = [("work", work), ("team", team), ("info", info)]
        parsed = [
            read_calendar(calendars[f"roles_{name}"].read_bytes(), f"{name}.ics", role=role)
            for name, role in (order[::-1] if reverse else order)
        ]
        return occurrences_between(parsed, utc(2026, 3, 8), utc(2026, 3, 11), BERLIN).occurrences

    return _week


def uids(items) -> set[str]:
    return {o.uid.split("@")[0] for o in items}


def conflict_pairs(conflicts) -> set[tuple[str, str]]:
    return {tuple(sorted((c.a.uid.split("@")[0], c.b.uid.split("@")[0]))) for c in conflicts}


def monday(occurrences: list[Occurrence]) -> list[Occurrence]:
    return [o for o in occurrences if o.start.astimezone(BERLIN).date() == MONDAY]


# --- the three roles on one Monday ---------------------------------------------------------


def test_as_one_diary_the_monday_is_full_of_false_double_bookings(week):
    """Before roles (every calendar the user's own): what issue 17 reports."""
    everything = week(team="mine", info="mine")
    pairs = conflict_pairs(find_double_bookings(monday(everything), ME))
    assert ("colleague-client", "design") in pairs
    assert ("offsite", "standup") in pairs
    assert ("standup", "xetra") in pairs
    assert len(pairs) >= 10


def test_with_roles_only_the_users_own_double_booking_is_left(week):
    occurrences = monday(week())
    assert conflict_pairs(find_double_bookings(occurrences, ME)) == {("one-on-one", "retro")}


def test_your_meeting_in_a_team_calendar_is_yours(week):
    retro = one(week(), "retro@team.example")
    assert retro.event.role == "others"
    assert is_mine(retro, ME) and is_busy(retro, ME)
    # Invited and not answered: unconfirmed, like any invitation of the user's.
    assert [u.reason for u in find_unconfirmed([retro], ME)] == ["needs-action"]
    assert remindable(retro, ME) and asks_for_follow_ups(retro, ME)


def test_a_colleagues_meeting_overlapping_yours_is_context(week):
    occurrences = week()
    theirs = one(occurrences, "colleague-client@team.example")
    assert is_context(theirs, ME)
    assert not is_busy(theirs, ME)
    # STATUS:TENTATIVE, and an attendee who has not answered: still not the user's problem.
    assert find_unconfirmed([theirs], ME) == []
    assert not remindable(theirs, ME)
    design = one(occurrences, "design@work.example")
    assert find_double_bookings([design, theirs], ME) == []


def test_an_attendee_less_block_in_a_team_calendar_is_context(week):
    occurrences = week()
    offsite = one(occurrences, "offsite@team.example")
    assert offsite.event.attendees == () and offsite.event.organizer is None
    assert is_context(offsite, ME) and not is_busy(offsite, ME)
    morning = [o for o in monday(occurrences) if o.start < offsite.end]
    assert "offsite" not in {
        u for pair in conflict_pairs(find_double_bookings(morning, ME)) for u in pair
    }


def test_an_information_calendars_timed_entry_is_never_busy(week):
    occurrences = week()
    market = one(occurrences, "xetra@markets.example")
    assert not market.all_day
    assert is_context(market, ME) and not is_busy(market, ME)
    assert find_unconfirmed([market], ME) == []
    assert not remindable(market, ME)
    # Even with no identity at all, an information entry is nobody's meeting.
    assert not is_busy(market) and is_context(market)


def test_context_is_never_a_problem_nor_counted_in_the_briefing(week):
    briefing = build_briefing(
        MONDAY,
        week(),
        BERLIN,
        FixedClock(datetime(2026, 3, 8, 18, tzinfo=BERLIN)),
        UserInputs(me=ME),
    )
    double = [p for p in briefing.problems if p.kind == ProblemKind.DOUBLE_BOOKING]
    assert len(double) == 1 and "Team retro" in double[0].text
    texts = " ".join(p.text for p in briefing.problems)
    for context in ("offsite", "Initech", "Stock market"):
        assert context not in texts
    # Stand-up, design review, Acme weekly, planning, retro, 1:1: six of the user's.
    assert briefing.headline.meetings == 6


def test_an_information_all_day_entry_is_time_off_only_when_the_user_says_so(week):
    occurrences = week()
    tuesday = date(2026, 3, 10)
    clock = FixedClock(datetime(2026, 3, 9, 18, tzinfo=BERLIN))
    closed = one(occurrences, "carnival@markets.example")
    assert closed.all_day and closed.event.ms_busystatus == "OOF"
    # OOF in an information calendar (or a colleague's in a team calendar) is not the user's.
    assert find_time_off_clashes(occurrences, ME) == []
    quiet = build_briefing(tuesday, occurrences, BERLIN, clock, UserInputs(me=ME))
    assert not [p for p in quiet.problems if p.kind == ProblemKind.TIME_OFF]
    said = UserInputs(me=ME, time_off_uids=frozenset({"carnival@markets.example"}))
    told = build_briefing(tuesday, occurrences, BERLIN, clock, said)
    clashes = [p for p in told.problems if p.kind == ProblemKind.TIME_OFF]
    assert len(clashes) == 1 and "Globex call" in clashes[0].text


def test_the_same_uid_in_calendars_of_different_roles_is_one_meeting_and_yours(week):
    for reverse in (False, True):
        planning = one(week(reverse=reverse), "planning@corp.example")
        # The information calendar's copy has the highest SEQUENCE and is the one kept; it
        # lists no attendees, yet the meeting is in the user's Work calendar: the user's.
        assert planning.summary == "Sprint planning (as the roster has it)"
        assert set(planning.calendars) == {"Work", "Team", "Markets"}
        assert planning.event.role == "mine" and is_busy(planning, ME)


def test_a_meeting_in_a_team_and_an_information_calendar_is_the_teams(week):
    occurrences = week(work="info")
    planning = one(occurrences, "planning@corp.example")
    assert planning.event.role == "others"
    # Neither the kept copy nor the team's lists the user: context, though one copy is in
    # a calendar that was the user's own a moment ago.
    assert is_context(planning, ME)


def test_a_change_of_role_changes_the_verdicts_and_nothing_else(week):
    as_team = week()
    as_mine = week(team="mine")
    offsite_team = one(as_team, "offsite@team.example")
    offsite_mine = one(as_mine, "offsite@team.example")
    assert not is_busy(offsite_team, ME) and is_busy(offsite_mine, ME)
    assert (offsite_team.start, offsite_team.end, offsite_team.summary) == (
        offsite_mine.start,
        offsite_mine.end,
        offsite_mine.summary,
    )
    assert len(conflict_pairs(find_double_bookings(monday(as_mine), ME))) > 1
    as_info = week(team="info")
    assert not is_mine(one(as_info, "retro@team.example"), ME)


def test_without_the_users_addresses_nothing_in_a_team_calendar_is_theirs(week):
    retro = one(week(), "retro@team.example")
    assert is_context(retro, ())
    assert is_mine(one(week(), "standup@work.example"), ())


def test_json_says_the_role_and_whether_it_is_context(week):
    occurrences = week()
    data = occurrence_to_dict(one(occurrences, "offsite@team.example"), ME)
    assert (data["calendar_role"], data["context"]) == ("others", True)
    data = occurrence_to_dict(one(occurrences, "retro@team.example"), ME)
    assert (data["calendar_role"], data["context"]) == ("others", False)


# --- small rules -------------------------------------------------------------------------------


def _occurrence(role: str, organizer: str | None = None, *attendees: str) -> Occurrence:
    event = EventInfo(
        uid="x@test",
        organizer=organizer,
        attendees=tuple(Attendee(email=a) for a in attendees),
        role=role,
    )
    return Occurrence(event=event, start=utc(2026, 3, 9, 9), end=utc(2026, 3, 9, 10))


@pytest.mark.parametrize(
    ("role", "organizer", "attendees", "mine"),
    [
        ("mine", None, (), True),
        ("mine", "ana@corp.example", ("ana@corp.example",), True),
        ("others", None, (), False),
        ("others", "me@corp.example", (), True),
        ("others", "ana@corp.example", ("me@corp.example",), True),
        ("others", "ana@corp.example", ("bo@corp.example",), False),
        ("info", "me@corp.example", ("me@corp.example",), False),
    ],
)
def test_is_mine(role, organizer, attendees, mine):
    assert is_mine(_occurrence(role, organizer, *attendees), ME) is mine


def test_stronger_role_and_parse_role():
    assert stronger_role("info", "mine") == stronger_role("mine", "info") == "mine"
    assert stronger_role("info", "others") == stronger_role("others", "info") == "others"
    assert parse_role(" Others ") is Role.OTHERS
    with pytest.raises(ValueError, match="mine, others, info"):
        parse_role("team")
    assert involves(_occurrence("info", "me@corp.example").event, ME)
    assert not involves(_occurrence("info", "me@corp.example").event, ())


def test_merging_copies_keeps_the_roles_of_meetings_in_one_calendar():
    alone = _occurrence("others", "ana@corp.example")
    [merged] = merge_calendars([[alone]])
    assert merged is alone
    info_copy = replace(alone, event=replace(alone.event, role="info", sequence=5))
    [merged] = merge_calendars([[info_copy], [alone]])
    assert merged.event.sequence == 5 and merged.event.role == "others"


# --- the first-import guess --------------------------------------------------------------------


def facts(timed: bool = True, organizer: str | None = None, *attendees: str) -> EventFacts:
    return EventFacts(timed=timed, organizer=organizer, attendees=attendees)


def test_guess_another_persons_calendar():
    events = [
        facts(True, "ana@corp.example", "ana@corp.example", "zed@initech.example"),
        facts(True, None),  # a block of theirs
        facts(False, None),
    ]
    guess = guess_role("Ana", ["/home/me/ana.ics"], events, ME)
    assert guess.role is Role.OTHERS
    assert guess.reason == "you neither organise nor attend its only meeting with attendees"


def test_guess_mine_when_the_user_attends_or_organises_any():
    invited = [
        facts(True, "ana@corp.example", "me@corp.example"),
        facts(True, "x@y.example", "z@y.example"),
    ]
    assert guess_role("Work", [], invited, ME).role is Role.MINE
    organised = [facts(True, "me@corp.example"), facts(True, "x@y.example", "z@y.example")]
    guess = guess_role("Work", [], organised, ME)
    assert guess.role is Role.MINE and guess.reason == "you organise or attend 1 of its 2 meetings"


def test_guess_mine_for_blocks_without_attendees_and_when_the_user_is_unknown():
    assert guess_role("Personal", [], [facts(True, None)], ME).role is Role.MINE
    theirs = [facts(True, "ana@corp.example", "bo@corp.example")]
    guess = guess_role("Ana", [], theirs, ())
    assert guess.role is Role.MINE and "addresses are not set" in guess.reason
    empty = guess_role("New", [], [], ME)
    assert empty.role is Role.MINE and "no events" in empty.reason


def test_guess_information_without_timed_events():
    guess = guess_role("Roster", [], [facts(False, None), facts(False, None)], ME)
    assert guess == guess.__class__(Role.INFO, "no timed event: all its 2 events are all-day")


@pytest.mark.parametrize(
    ("name", "address", "kind"),
    [
        (
            "Work",
            "https://calendar.google.com/calendar/ical/en.german%23holiday%40group.v.calendar.google.com/public/basic.ics",
            "holidays",
        ),
        (
            "Work",
            "webcal://calendar.google.com/calendar/ical/addressbook%2523contacts%2540group.v.calendar.google.com/public/basic.ics",
            "birthdays",
        ),
        ("en.usa#holiday@group.v.calendar.google.com", "", "holidays"),
        (
            "Work",
            "https://calendar.google.com/calendar/ical/en-gb.uk%23holiday@group.v.calendar.google.com/public/basic.ics",
            "holidays",
        ),
    ],
)
def test_guess_googles_holiday_and_birthday_calendars(name, address, kind):
    # Even with a timed event and a meeting of the user's: the calendar's id decides.
    events = [facts(True, "me@corp.example", "me@corp.example")]
    guess = guess_role(name, [address], events, ME)
    assert (guess.role, guess.reason) == (Role.INFO, f"a Google {kind} calendar")


@pytest.mark.parametrize(
    "name",
    [
        "Holidays in Germany",
        "Birthdays",
        "Public holidays",
        "US Holidays",
        "Contacts' birthdays",
        "Contacts' birthdays and events",
    ],
)
def test_guess_information_by_a_holiday_or_birthday_name(name):
    guess = guess_role(name, [], [facts(True, None)], ME)
    assert guess.role is Role.INFO
    assert guess.reason == "its name says it is a calendar of holidays or birthdays"


def test_a_reason_never_quotes_calendar_text():
    hostile = "Holidays in \x1b[31mRed\x1b[0m\u202e"
    guess = guess_role(hostile, [], [facts(True, None)], ME)
    assert guess.role is Role.INFO and "\x1b" not in guess.reason and "Red" not in guess.reason


@pytest.mark.parametrize(
    "name", ["Holiday planning", "Work", "Birthday party crew", "Holidays booking desk"]
)
def test_names_that_only_mention_holidays_are_not_guessed_information(name):
    # "Holiday planning" is a project; the name rule wants a calendar *of* holidays.
    events = [facts(True, "me@corp.example", "ana@corp.example")]
    assert guess_role(name, [], events, ME).role is Role.MINE


def test_guess_from_read_calendars(calendars):
    def read(name: str):
        return read_calendar(calendars[name].read_bytes(), str(calendars[name]))

    assert guess_calendar_role(read("roles_work"), [], ME).role is Role.MINE
    # The team calendar has the retro the user is invited to: it looks like the user's.
    assert guess_calendar_role(read("roles_team"), [], ME).role is Role.MINE
    # Market hours are timed and have no attendees: nothing tells them from the user's own
    # blocks, so the guess is "mine" and the user says otherwise (docs/roles.md).
    assert guess_calendar_role(read("roles_info"), [], ME).role is Role.MINE
    assert guess_calendar_role(read("allday"), [], ME).role is Role.INFO


# --- real calendars of the shared corpus -----------------------------------------------------


@pytest.mark.parametrize(
    ("local_path", "me", "role"),
    [
        # Google's own export of a birthdays calendar: known by its name.
        ("kewisch+ical.js/samples/google_birthday.ics", (), "info"),
        ("ical-org+ical.net/Ical.Net.Tests/Calendars/Serialization/USHolidays.ics", (), "info"),
        # A Google calendar of 4,778 events, 333 of them with attendees: its owner's, and a
        # colleague's for anyone else.
        (
            "niccokunzmann+python-recurring-ical-events/benchmark/issue42.ics",
            ("gabi@gmail.com",),
            "mine",
        ),
        (
            "niccokunzmann+python-recurring-ical-events/benchmark/issue42.ics",
            ("me@corp.example",),
            "others",
        ),
        ("niccokunzmann+python-recurring-ical-events/benchmark/issue42.ics", (), "mine"),
    ],
)
def test_guesses_on_real_calendars(local_path, me, role):
    from tests.conformance.corpus import corpus_dir

    corpus = corpus_dir()
    if corpus is None:
        pytest.skip("the shared corpus is not here (set DAYBRIEF_CORPUS)")
    path = corpus / "files" / local_path
    calendar = read_calendar(path.read_bytes(), str(path))
    assert guess_calendar_role(calendar, [], identity(me)).role.value == role


def _meetings_ics(name: str, *meetings: tuple[str, str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", f"X-WR-CALNAME:{name}"]
    for number, (organizer, attendee) in enumerate(meetings):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{name}-{number}@test",
            f"DTSTART:202603{10 + number}T090000Z",
            "DURATION:PT1H",
            f"ORGANIZER:mailto:{organizer}",
            f"ATTENDEE:mailto:{attendee}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""]).encode()


def test_the_users_addresses_are_suggested_from_their_own_calendars():
    from daybrief.core.engine import suggest_identity_from

    busy_team = [("ana@corp.example", "bo@corp.example")] * 6
    team = read_calendar(_meetings_ics("Team", *busy_team), "team.ics", role="others")
    work = read_calendar(
        _meetings_ics(
            "Work", ("me@corp.example", "jo@acme.example"), ("me@corp.example", "pat@x.example")
        ),
        "work.ics",
        role="mine",
    )
    # Nothing else to go by: the team's two people, equally likely (in either order).
    assert sorted(suggest_identity_from([team])) == ["ana@corp.example", "bo@corp.example"]
    # The team's six meetings would outvote the user's two; only the user's calendar is asked.
    assert suggest_identity_from([team, work]) == ["me@corp.example"]


def test_the_guess_after_an_expansion_reads_no_more_than_it_needs():
    """A big calendar of the user's own: the meetings the import expanded show the user is
    in them, and years of other events are not parsed again only to be counted."""
    recent = [("me@corp.example", "jo@acme.example"), ("ana@corp.example", "me@corp.example")]
    data = _meetings_ics("Work", *recent).replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\r\nUID:far@test\r\nDTSTART:20310101T090000Z\r\nDURATION:PT1H\r\n"
        b"ORGANIZER:mailto:ana@corp.example\r\nATTENDEE:mailto:bo@corp.example\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR",
    )
    calendar = read_calendar(data, "work.ics")
    occurrences_between([calendar], utc(2026, 3, 1), utc(2026, 6, 1), BERLIN)
    guess = guess_calendar_role(calendar, [], ME)
    assert guess.role is Role.MINE
    assert guess.reason == "you organise or attend 2 of its 2 meetings in the weeks imported"
    far = next(e for e in calendar.events if e.uid == "far@test")
    assert not far.info_read
    # Someone else's calendar has to be read whole: every meeting must leave the user out.
    outsider = guess_calendar_role(calendar, [], identity(["nobody@else.example"]))
    assert outsider.role is Role.OTHERS and far.info_read
    assert outsider.reason.endswith("any of its 3 meetings with attendees")
