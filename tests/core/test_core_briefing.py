"""The briefing model: each kind of problem, back-to-back runs, hours, time off, what changed,
follow-ups by client, end-of-day wins, prep slots and redaction — on small hand-written days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.briefing import (
    Briefing,
    BriefingSettings,
    Change,
    ChecklistEntry,
    FollowUpEntry,
    GoalEntry,
    LastLook,
    ProblemKind,
    SeenMeeting,
    UserInputs,
    build_briefing,
    day_window,
)
from daybrief.core.clients import ClientDirectory
from daybrief.core.clock import FixedClock
from daybrief.core.engine import occurrences_between
from daybrief.core.events import read_calendar
from daybrief.core.model import Occurrence

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 24)  # a Tuesday
ME = "me@agency.example"
EVENING_BEFORE = FixedClock(datetime(2026, 11, 23, 17, 0, tzinfo=BERLIN))


def event(
    uid: str,
    start: str,
    end: str,
    summary: str = "",
    *extra: str,
    me: str = "ACCEPTED",
    client: str | None = "jo@acme.example",
) -> str:
    """A VEVENT in Berlin time on DAY; ``start``/``end`` as HHMM (or full DTSTART lines)."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Berlin:20261124T{start}00",
        f"DTEND;TZID=Europe/Berlin:20261124T{end}00",
        f"SUMMARY:{summary or uid}",
    ]
    if client:
        lines += [
            f"ORGANIZER:mailto:{client}",
            f"ATTENDEE;PARTSTAT={me}:mailto:{ME}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{client}",
        ]
    lines += list(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def day_of(*events: str) -> list[Occurrence]:
    text = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//EN", *events, "END:VCALENDAR", ""]
    )
    calendar = read_calendar(text.encode(), "test.ics", "Work")
    start, end = day_window(DAY, BERLIN)
    return occurrences_between([calendar], start, end, BERLIN).occurrences


def brief(
    occurrences: list[Occurrence],
    *,
    clock: FixedClock = EVENING_BEFORE,
    settings: BriefingSettings | None = None,
    **user: object,
) -> Briefing:
    inputs = UserInputs(
        me=frozenset({ME}),
        clients=ClientDirectory.for_user([ME]),
        **user,  # type: ignore[arg-type]
    )
    return build_briefing(DAY, occurrences, BERLIN, clock, inputs, settings)


def kinds(briefing: Briefing) -> list[ProblemKind]:
    return [p.kind for p in briefing.problems]


def test_a_calm_day_has_a_headline_and_no_problems() -> None:
    b = brief(day_of(event("a", "0930", "1030"), event("b", "1400", "1500")))
    assert b.problems == ()
    assert b.headline.meetings == 2
    assert b.headline.first_start == datetime(2026, 11, 24, 9, 30, tzinfo=BERLIN)
    assert b.headline.booked == timedelta(hours=2)
    assert [m.title for m in b.meetings] == ["a", "b"]
    assert b.meetings[0].clients == ("Acme",)


def test_double_booking_pair_and_cluster_are_one_problem_each() -> None:
    b = brief(
        day_of(
            event("a", "1000", "1100"),
            event("b", "1030", "1130"),
            event("x", "1400", "1500"),
            event("y", "1415", "1445"),
            event("z", "1430", "1530"),
        )
    )
    doubles = [p for p in b.problems if p.kind is ProblemKind.DOUBLE_BOOKING]
    assert len(doubles) == 2
    assert "overlap by 30 min" in doubles[0].text
    assert doubles[0].refs == ("a", "b")
    assert doubles[1].refs == ("x", "y", "z")
    assert "3 meetings overlap" in doubles[1].text
    # Overlap is counted once in the hours booked: 10:00–11:30 and 14:00–15:30.
    assert b.headline.booked == timedelta(hours=3)


def test_touching_meetings_are_not_double_booked() -> None:
    b = brief(day_of(event("a", "1000", "1100"), event("b", "1100", "1200")))
    assert ProblemKind.DOUBLE_BOOKING not in kinds(b)


def test_unconfirmed_names_the_reason_and_who_we_wait_on() -> None:
    b = brief(
        day_of(
            event("ask", "1000", "1100", me="NEEDS-ACTION"),
            event(
                "mine",
                "1300",
                "1400",
                "Kick-off",
                f"ORGANIZER:mailto:{ME}",
                f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
                "ATTENDEE;CN=Tom Becker;PARTSTAT=NEEDS-ACTION:mailto:tom@initech.example",
                client=None,
            ),
        )
    )
    texts = [p.text for p in b.problems if p.kind is ProblemKind.UNCONFIRMED]
    assert texts == [
        "ask (10:00): you have not answered",
        "Kick-off (13:00): waiting on 1 of 1: Tom Becker",
    ]
    assert b.meetings[1].clients == ("Initech",)


def test_a_meeting_i_declined_is_neither_busy_nor_unconfirmed() -> None:
    b = brief(
        day_of(
            event("no", "1000", "1100", "", "STATUS:TENTATIVE", me="DECLINED"),
            event("a", "1030", "1130"),
        )
    )
    assert b.problems == ()
    assert b.meetings[0].my_answer == "declined"
    assert not b.meetings[0].busy
    assert b.headline.meetings == 1


def test_required_items_not_done_are_problems_optional_ones_are_not() -> None:
    items = {
        "qbr": [
            ChecklistEntry("Deck", required=True, done=True),
            ChecklistEntry("Usage report", required=True),
            ChecklistEntry("Snacks", required=False),
        ]
    }
    b = brief(day_of(event("qbr", "1000", "1100", "QBR")), checklists=items)
    (problem,) = b.problems
    assert problem.kind is ProblemKind.OPEN_ITEMS
    assert problem.text == "QBR (10:00): 1 required item not done: Usage report"
    assert [i.text for i in b.meetings[0].checklist] == ["Deck", "Usage report", "Snacks"]


def test_meetings_outside_working_hours_and_on_days_off() -> None:
    occurrences = day_of(event("early", "0800", "0900"), event("ok", "0900", "1730"))
    b = brief(occurrences)
    assert [p.refs for p in b.problems if p.kind is ProblemKind.OUTSIDE_HOURS] == [("early",)]
    assert "outside your working hours (09:00–17:30)" in b.problems[0].text

    no_tuesdays = BriefingSettings(working_days=frozenset({0, 2, 3, 4}))
    b = brief(occurrences, settings=no_tuesdays)
    outside = [p for p in b.problems if p.kind is ProblemKind.OUTSIDE_HOURS]
    assert len(outside) == 2
    assert all("day you do not work" in p.text for p in outside)
    assert not b.working_day


def test_back_to_back_by_count_and_by_span_with_settable_thresholds() -> None:
    three = day_of(
        event("a", "0900", "1000"), event("b", "1002", "1100"), event("c", "1103", "1200")
    )
    (run,) = [p for p in brief(three).problems if p.kind is ProblemKind.BACK_TO_BACK]
    assert run.refs == ("a", "b", "c")
    assert run.text.startswith("From 09:00 to 12:00: 3 meetings")
    # A 10-minute break splits the run: no problem with the default 5-minute threshold…
    spaced = day_of(
        event("a", "0900", "1000"), event("b", "1010", "1100"), event("c", "1110", "1200")
    )
    assert ProblemKind.BACK_TO_BACK not in kinds(brief(spaced))
    # …but there is one when the user wants at least 15 minutes between meetings.
    strict = BriefingSettings(back_to_back_gap=timedelta(minutes=15))
    assert ProblemKind.BACK_TO_BACK in kinds(brief(spaced, settings=strict))
    # Two meetings spanning 3 h with no break count too.
    long_pair = day_of(event("a", "0900", "1100"), event("b", "1100", "1200"))
    assert ProblemKind.BACK_TO_BACK in kinds(brief(long_pair))
    assert ProblemKind.BACK_TO_BACK not in kinds(
        brief(long_pair, settings=BriefingSettings(back_to_back_span=timedelta(hours=4)))
    )


def test_a_meeting_during_time_off_is_a_problem() -> None:
    oof = "\r\n".join(
        [
            "BEGIN:VEVENT",
            "UID:off",
            "DTSTAMP:20260101T000000Z",
            "DTSTART;VALUE=DATE:20261124",
            "DTEND;VALUE=DATE:20261125",
            "SUMMARY:Holiday",
            "X-MICROSOFT-CDO-BUSYSTATUS:OOF",
            "END:VEVENT",
        ]
    )
    b = brief(day_of(oof, event("a", "1000", "1100", "Client call")))
    (problem,) = [p for p in b.problems if p.kind is ProblemKind.TIME_OFF]
    assert problem.text == "Client call (10:00) is during your time off (Holiday)"
    assert b.meetings[0].all_day and b.meetings[0].title == "Holiday"
    # An all-day event the user marked as time off counts as well.
    plain = oof.replace("X-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n", "")
    occurrences = day_of(plain, event("a", "1000", "1100"))
    assert ProblemKind.TIME_OFF not in kinds(brief(occurrences))
    assert ProblemKind.TIME_OFF in kinds(brief(occurrences, time_off_uids=frozenset({"off"})))


def test_problems_come_in_a_fixed_order_of_kinds() -> None:
    b = brief(
        day_of(
            event("early", "0700", "0800"),
            event("a", "1000", "1100", me="TENTATIVE"),
            event("b", "1030", "1130"),
        )
    )
    assert kinds(b) == [
        ProblemKind.DOUBLE_BOOKING,
        ProblemKind.UNCONFIRMED,
        ProblemKind.OUTSIDE_HOURS,
    ]
    assert b.headline.problems == 3


def test_organiser_time_is_shown_when_their_clock_differs() -> None:
    ny = "\r\n".join(
        [
            "BEGIN:VEVENT",
            "UID:ny",
            "DTSTAMP:20260101T000000Z",
            "DTSTART;TZID=America/New_York:20261124T090000",
            "DTEND;TZID=America/New_York:20261124T100000",
            "SUMMARY:NY sync",
            "END:VEVENT",
        ]
    )
    b = brief(day_of(ny, event("local", "1000", "1100")))
    by_title = {m.title: m for m in b.meetings}
    assert by_title["NY sync"].start.hour == 15
    assert by_title["NY sync"].organizer_start is not None
    assert by_title["NY sync"].organizer_start.hour == 9
    assert by_title["NY sync"].organizer_zone == "America/New_York"
    assert by_title["local"].organizer_start is None


def test_what_changed_marks_added_moved_cancelled_newly_unconfirmed_and_gone() -> None:
    def seen(ref: str, hhmm: tuple[int, int], *, unconfirmed: bool = False) -> SeenMeeting:
        start = datetime.combine(DAY, time(*hhmm), BERLIN).astimezone(UTC)
        return SeenMeeting(ref, ref, start, start + timedelta(hours=1), unconfirmed)

    look = LastLook(
        seen_at=datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
        meetings=(
            seen("same", (9, 0)),
            seen("moved", (10, 0)),
            seen("cancel", (12, 0)),
            seen("asks", (13, 0)),
            seen("still-asks", (14, 0), unconfirmed=True),
            seen("gone", (16, 0)),
        ),
    )
    b = brief(
        day_of(
            event("same", "0900", "1000"),
            event("moved", "1100", "1200"),
            event("cancel", "1200", "1300", "", "STATUS:CANCELLED"),
            event("asks", "1300", "1400", me="NEEDS-ACTION"),
            event("still-asks", "1400", "1500", me="NEEDS-ACTION"),
            event("new", "1500", "1600"),
        ),
        last_look=look,
    )
    marks = {m.ref: m.changes for m in b.meetings}
    assert marks == {
        "same": (),
        "moved": (Change.MOVED,),
        "cancel": (Change.CANCELLED,),
        "asks": (Change.NEWLY_UNCONFIRMED,),
        "still-asks": (),
        "new": (Change.ADDED,),
    }
    assert b.meeting("moved") is not None
    assert b.meeting("moved").moved_from == datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)  # type: ignore[union-attr]
    assert [g.ref for g in b.gone] == ["gone"]
    assert b.changed == 5
    assert b.last_look_at == datetime(2026, 11, 23, 17, 0, tzinfo=BERLIN)


def test_without_a_last_look_nothing_is_marked() -> None:
    b = brief(day_of(event("a", "1000", "1100")))
    assert b.meetings[0].changes == () and b.gone == () and b.last_look_at is None


def test_snapshot_round_trips_into_no_changes() -> None:
    occurrences = day_of(event("a", "1000", "1100", me="NEEDS-ACTION"), event("b", "1200", "1300"))
    first = brief(occurrences)
    again = brief(occurrences, last_look=LastLook(first.generated_at, first.snapshot()))
    assert again.changed == 0


def test_follow_ups_due_and_overdue_grouped_by_client() -> None:
    follow_ups = [
        FollowUpEntry(1, "Send pricing", DAY - timedelta(days=3), "Globex"),
        FollowUpEntry(2, "Notes to Jo", DAY, "Acme"),
        FollowUpEntry(3, "Offsite venue", DAY - timedelta(days=1), None),
        FollowUpEntry(4, "Later", DAY + timedelta(days=1), "Acme"),
        FollowUpEntry(5, "Done already", DAY - timedelta(days=1), "Acme", done=True),
        FollowUpEntry(6, "Some day", None, "Acme"),
        FollowUpEntry(7, "Older Acme", DAY - timedelta(days=5), "Acme"),
    ]
    b = brief([], follow_ups=follow_ups)
    grouped = [(g.client, [(i.entry.id, i.overdue_days) for i in g.items]) for g in b.follow_ups]
    assert grouped == [
        ("Acme", [(7, 5), (2, 0)]),
        ("Globex", [(1, 3)]),
        (None, [(3, 1)]),
    ]


def test_wins_appear_only_once_the_working_day_is_over() -> None:
    occurrences = day_of(event("a", "0900", "1000"), event("late", "1800", "1900"))
    follow_ups = [
        FollowUpEntry(1, "Sent deck", DAY, "Acme", done=True,
                      done_at=datetime(2026, 11, 24, 11, 0, tzinfo=BERLIN)),
        FollowUpEntry(2, "Yesterday's", DAY, "Acme", done=True,
                      done_at=datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN)),
    ]  # fmt: skip
    goals = [GoalEntry("Close Globex", done=True), GoalEntry("Call Jo")]
    morning = FixedClock(datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN))
    assert brief(occurrences, clock=morning, follow_ups=follow_ups, goals=goals).wins is None
    evening = FixedClock(datetime(2026, 11, 24, 17, 45, tzinfo=BERLIN))
    wins = brief(occurrences, clock=evening, follow_ups=follow_ups, goals=goals).wins
    assert wins is not None
    assert [f.text for f in wins.follow_ups_done] == ["Sent deck"]
    assert wins.goals_done == ("Close Globex",)
    assert wins.meetings_held == ("a",)  # the 18:00 meeting has not happened yet


def test_prep_slots_sit_in_free_time_before_meetings_with_open_items() -> None:
    occurrences = day_of(
        event("standup", "0900", "0915", client=None),
        event("qbr", "1000", "1100"),
        event("lunch", "1200", "1300"),
        event("kickoff", "1320", "1400"),
    )
    items = {
        "qbr": [ChecklistEntry("Usage report", required=True)],
        "kickoff": [ChecklistEntry("Plan", required=True)],
        "lunch": [ChecklistEntry("Optional thing")],
    }
    b = brief(occurrences, checklists=items)
    slots = [(s.ref, f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in b.prep_slots]
    # Closest to each meeting first, at most 30 min, never over a busy meeting; the 20 free
    # minutes before the kick-off are above the 15-minute minimum, so they are offered.
    assert slots == [
        ("qbr", "09:30", "10:00"),
        ("kickoff", "11:30", "12:00"),
        ("kickoff", "13:00", "13:20"),
    ]
    late = FixedClock(datetime(2026, 11, 24, 9, 50, tzinfo=BERLIN))
    assert [s.ref for s in brief(occurrences, clock=late, checklists=items).prep_slots] == [
        "kickoff",
        "kickoff",
    ]


def test_redaction_drops_descriptions_links_dial_in_codes_and_addresses() -> None:
    occurrences = day_of(
        event(
            "call",
            "1000",
            "1100",
            "Call",
            "LOCATION:Room 4 / https://zoom.us/j/123456789 / dial +49 30 1234 5678 PIN: 9911#",
            "DESCRIPTION:Secret agenda",
            "ATTENDEE;CN=Priya Nair;PARTSTAT=NEEDS-ACTION:mailto:priya@globex.example",
            "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:anon@globex.example",
            f"ORGANIZER:mailto:{ME}",
        )
    )
    plain = brief(occurrences)
    assert plain.meetings[0].conference_url == "https://zoom.us/j/123456789"
    inputs = UserInputs(me=frozenset({ME}), clients=ClientDirectory.for_user([ME]))
    b = build_briefing(DAY, occurrences, BERLIN, EVENING_BEFORE, inputs, redact=True)
    entry = b.meetings[0]
    assert entry.description == "" and entry.conference_url is None
    assert "zoom" not in entry.location and "1234" not in entry.location
    assert "9911" not in entry.location and entry.location == "Room 4"
    assert all(a.email == "" for a in entry.attendees)
    everything = repr(b)
    assert "@globex.example" not in everything and "Secret" not in everything
    assert "Priya Nair" in everything
    assert b.redacted


@pytest.mark.parametrize("zone_name", ["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"])
def test_floating_demo_day_reads_the_same_in_any_zone(zone_name: str) -> None:
    from daybrief.core.demo import demo_calendar

    zone = ZoneInfo(zone_name)
    calendar = read_calendar(demo_calendar(date(2026, 11, 23)).encode(), "demo.ics", "Demo")
    start, end = day_window(DAY, zone)
    occurrences = occurrences_between([calendar], start, end, zone).occurrences
    b = build_briefing(
        DAY,
        occurrences,
        zone,
        FixedClock(datetime(2026, 11, 23, 17, 0, tzinfo=zone)),
        UserInputs(me=frozenset({"sam.rivera@brightpath.example"})),
    )
    assert b.headline.first_start is not None
    assert b.headline.first_start.strftime("%H:%M") == "09:00"
    assert b.headline.first_start.utcoffset() == datetime(2026, 11, 24, tzinfo=zone).utcoffset()
    assert [p.kind for p in b.problems].count(ProblemKind.DOUBLE_BOOKING) == 2


def test_goal_suggestions_put_the_most_pressing_first_and_skip_chosen_ones() -> None:
    from daybrief.core.briefing import suggest_goals

    follow_ups = [
        FollowUpEntry(1, "Due today", DAY, "Acme"),
        FollowUpEntry(2, "Late a bit", DAY - timedelta(days=1), "Acme"),
        FollowUpEntry(3, "Very late", DAY - timedelta(days=4), None),
        FollowUpEntry(4, "Already a goal", DAY - timedelta(days=2), None),
    ]
    items = {"qbr": [ChecklistEntry("Usage report", required=True), ChecklistEntry("Snacks")]}
    b = brief(
        day_of(event("qbr", "1000", "1100", "QBR")),
        follow_ups=follow_ups,
        checklists=items,
        goals=[GoalEntry("already a GOAL")],
    )
    assert suggest_goals(b) == ["Very late", "Late a bit", "Usage report (QBR)", "Due today"]
    assert suggest_goals(b, limit=2) == ["Very late", "Late a bit"]
