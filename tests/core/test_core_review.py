"""The review model's rules: its period, problems that are over, pile-ups, ids, states,
reopening and drafts' recipients. All at fixed moments; nothing depends on today."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from daybrief.core.engine import occurrences_between
from daybrief.core.events import read_calendar
from daybrief.core.model import Occurrence
from daybrief.core.review import (
    ChecklistEntry,
    Problem,
    ProblemInputs,
    ProblemKind,
    ProblemState,
    RememberedState,
    Role,
    WorkingPattern,
    build_review,
    days_period,
    drafts_for,
    find_problems,
    review_period,
)

BERLIN = ZoneInfo("Europe/Berlin")
ME = frozenset({"me@agency.com"})
PATTERN = WorkingPattern()
FRIDAY = date(2026, 3, 13)
MONDAY = date(2026, 3, 16)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), BERLIN)


def event(uid: str, start: str, end: str, summary: str, *lines: str) -> str:
    body = "\n".join(lines)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTART;TZID=Europe/Berlin:{start}\n"
        f"DTEND;TZID=Europe/Berlin:{end}\nSUMMARY:{summary}\n{body}\nEND:VEVENT\n"
    )


def occurrences(
    *events: str, first: date = FRIDAY, last: date = date(2026, 3, 20)
) -> list[Occurrence]:
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n" + "".join(events) + "END:VCALENDAR\n"
    calendar = read_calendar(text.encode(), "work.ics", "Work")
    period = days_period(first, last, BERLIN)
    return occurrences_between([calendar], period.start, period.end, BERLIN).occurrences


ORGANISED_BY_ME = (
    "ORGANIZER;CN=Me:mailto:me@agency.com",
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@agency.com",
)


def invited(organiser: str, mine: str = "ACCEPTED") -> tuple[str, ...]:
    return (f"ORGANIZER:mailto:{organiser}", f"ATTENDEE;PARTSTAT={mine}:mailto:me@agency.com")


# --------------------------------------------------------------------------- the period


def test_friday_evening_covers_the_weekend_and_monday() -> None:
    period = review_period(at(FRIDAY, 17, 45), BERLIN, PATTERN)
    assert period.days == (FRIDAY, date(2026, 3, 14), date(2026, 3, 15), MONDAY)
    assert period.evening
    assert period.end == at(date(2026, 3, 17), 0)


def test_during_the_working_day_the_review_ends_tonight() -> None:
    period = review_period(at(FRIDAY, 11), BERLIN, PATTERN)
    assert period.days == (FRIDAY,)
    assert period.start == at(FRIDAY, 11) and not period.evening


def test_saturday_morning_looks_to_monday() -> None:
    period = review_period(at(date(2026, 3, 14), 8), BERLIN, PATTERN)
    assert period.days[0] == date(2026, 3, 14) and period.days[-1] == MONDAY


def test_saturday_client_coffee_with_an_unanswered_invitee_is_in_fridays_review() -> None:
    found = occurrences(
        event(
            "coffee@x", "20260314T100000", "20260314T110000", "Client coffee",
            *ORGANISED_BY_ME, "ATTENDEE;CN=Jane Doe;PARTSTAT=NEEDS-ACTION:mailto:jane@acme.com",
        )
    )  # fmt: skip
    now = at(FRIDAY, 17, 30)
    review = build_review(
        review_period(now, BERLIN, PATTERN), found, BERLIN, now, PATTERN, ProblemInputs(me=ME)
    )
    unconfirmed = [p for p in review.open if p.kind is ProblemKind.UNCONFIRMED]
    assert len(unconfirmed) == 1
    assert unconfirmed[0].day == date(2026, 3, 14)
    assert unconfirmed[0].reason == "waiting on 1 of 1: Jane Doe"
    assert [(p.email, p.role) for p in unconfirmed[0].people] == [
        ("jane@acme.com", Role.NOT_ANSWERED),
        ("me@agency.com", Role.YOU),
    ]


# --------------------------------------------------------------------------- over, pile-ups


def test_a_double_booking_that_ended_this_morning_is_no_problem_tonight() -> None:
    found = occurrences(
        event("a@x", "20260313T090000", "20260313T100000", "A"),
        event("b@x", "20260313T093000", "20260313T103000", "B"),
    )
    morning = find_problems(FRIDAY, found, BERLIN, at(FRIDAY, 8), PATTERN, ProblemInputs(me=ME))
    assert [p.kind for p in morning] == [ProblemKind.DOUBLE_BOOKING]
    during = find_problems(FRIDAY, found, BERLIN, at(FRIDAY, 9, 45), PATTERN, ProblemInputs(me=ME))
    assert [p.kind for p in during] == [ProblemKind.DOUBLE_BOOKING]
    # The overlap ended at 10:00; B runs on, but the clash is over.
    later = find_problems(FRIDAY, found, BERLIN, at(FRIDAY, 10, 5), PATTERN, ProblemInputs(me=ME))
    assert not [p for p in later if p.kind is ProblemKind.DOUBLE_BOOKING]
    assert find_problems(FRIDAY, found, BERLIN, at(FRIDAY, 17, 30), PATTERN, ProblemInputs()) == []


def test_a_pile_up_of_five_is_one_problem_listing_all_five() -> None:
    found = occurrences(
        *(
            event(f"p{n}@x", f"20260316T1{n}0000", f"20260316T1{n + 1}3000", f"Pile {n}")
            for n in range(5)
        )
    )
    problems = find_problems(MONDAY, found, BERLIN, at(FRIDAY, 18), PATTERN, ProblemInputs(me=ME))
    doubles = [p for p in problems if p.kind is ProblemKind.DOUBLE_BOOKING]
    assert len(doubles) == 1
    assert [m.summary for m in doubles[0].meetings] == [f"Pile {n}" for n in range(5)]
    assert doubles[0].reason.startswith("5 meetings overlap between 10:00 and 15:30")


# --------------------------------------------------------------------------- ids and states


def test_ids_are_stable_across_a_re_read_and_a_move() -> None:
    a = event("a@x", "20260316T090000", "20260316T100000", "A")
    b = event("b@x", "20260316T093000", "20260316T103000", "B")
    first = find_problems(
        MONDAY, occurrences(a, b), BERLIN, at(FRIDAY, 18), PATTERN, ProblemInputs()
    )
    again = find_problems(
        MONDAY, occurrences(b, a), BERLIN, at(FRIDAY, 18), PATTERN, ProblemInputs()
    )
    assert [p.id for p in first] == [p.id for p in again]
    moved = event("b@x", "20260316T091500", "20260316T101500", "B renamed")
    after_move = find_problems(
        MONDAY, occurrences(a, moved), BERLIN, at(FRIDAY, 18), PATTERN, ProblemInputs()
    )
    assert [p.id for p in after_move] == [p.id for p in first]
    assert after_move[0].facts != first[0].facts


def test_a_handled_problem_stays_handled_until_something_new_happens() -> None:
    a = event("a@x", "20260316T090000", "20260316T100000", "A")
    b = event("b@x", "20260316T093000", "20260316T103000", "B")
    now = at(FRIDAY, 18)
    (problem,) = find_problems(MONDAY, occurrences(a, b), BERLIN, now, PATTERN, ProblemInputs())
    states = {problem.id: RememberedState(ProblemState.HANDLED, frozenset(problem.facts))}
    (same,) = find_problems(
        MONDAY, occurrences(a, b), BERLIN, now, PATTERN, ProblemInputs(states=states)
    )
    assert same.state is ProblemState.HANDLED
    moved = event("b@x", "20260316T091500", "20260316T101500", "B")
    (reopened,) = find_problems(
        MONDAY, occurrences(a, moved), BERLIN, now, PATTERN, ProblemInputs(states=states)
    )
    assert reopened.state is ProblemState.OPEN and reopened.id == problem.id


def test_an_answer_reopens_only_when_it_adds_something() -> None:
    def meeting(*people: tuple[str, str]) -> str:
        return event(
            "m@x", "20260316T110000", "20260316T120000", "Plan", *ORGANISED_BY_ME,
            *(f"ATTENDEE;PARTSTAT={answer}:mailto:{who}@acme.com" for who, answer in people),
        )  # fmt: skip

    def unconfirmed(inputs: ProblemInputs, *people: tuple[str, str]) -> list[Problem]:
        found = occurrences(meeting(*people))
        problems = find_problems(MONDAY, found, BERLIN, at(FRIDAY, 18), PATTERN, inputs)
        return [p for p in problems if p.kind is ProblemKind.UNCONFIRMED]

    (problem,) = unconfirmed(
        ProblemInputs(me=ME), ("jane", "NEEDS-ACTION"), ("bob", "NEEDS-ACTION")
    )
    states = {problem.id: RememberedState(ProblemState.IGNORED, frozenset(problem.facts))}
    remembered = ProblemInputs(me=ME, states=states)
    # Jane accepts: still waiting on Bob, nothing new: it stays ignored.
    (fewer,) = unconfirmed(remembered, ("jane", "ACCEPTED"), ("bob", "NEEDS-ACTION"))
    assert fewer.state is ProblemState.IGNORED
    # Everyone answers: no problem at all.
    assert unconfirmed(remembered, ("jane", "ACCEPTED"), ("bob", "ACCEPTED")) == []
    # A new invitee who has not answered is news: open again, same id.
    (news,) = unconfirmed(
        remembered, ("jane", "ACCEPTED"), ("bob", "NEEDS-ACTION"), ("kim", "NEEDS-ACTION")
    )
    assert news.state is ProblemState.OPEN and news.id == problem.id


def test_unticking_an_item_reopens_its_problem() -> None:
    found = occurrences(event("qbr@x", "20260316T100000", "20260316T110000", "QBR"))
    now = at(FRIDAY, 18)
    two_open = {"qbr@x": [ChecklistEntry("Deck", True), ChecklistEntry("Numbers", True, True)]}
    (problem,) = find_problems(
        MONDAY, found, BERLIN, now, PATTERN, ProblemInputs(checklists=two_open)
    )
    states = {problem.id: RememberedState(ProblemState.HANDLED, frozenset(problem.facts))}
    (still,) = find_problems(
        MONDAY, found, BERLIN, now, PATTERN, ProblemInputs(checklists=two_open, states=states)
    )
    assert still.state is ProblemState.HANDLED
    unticked = {"qbr@x": [ChecklistEntry("Deck", True), ChecklistEntry("Numbers", True, False)]}
    (reopened,) = find_problems(
        MONDAY, found, BERLIN, now, PATTERN, ProblemInputs(checklists=unticked, states=states)
    )
    assert reopened.state is ProblemState.OPEN


def test_an_answer_sent_from_daybrief_closes_the_users_own_unconfirmed() -> None:
    carol = invited("carol@initech.com", "NEEDS-ACTION")
    found = occurrences(event("i@x", "20260316T113000", "20260316T120000", "Intro", *carol))
    now = at(FRIDAY, 18)
    kinds = [
        p.kind for p in find_problems(MONDAY, found, BERLIN, now, PATTERN, ProblemInputs(me=ME))
    ]
    assert ProblemKind.UNCONFIRMED in kinds
    answered = ProblemInputs(me=ME, answered={"i@x": "ACCEPTED"})
    kinds = [p.kind for p in find_problems(MONDAY, found, BERLIN, now, PATTERN, answered)]
    assert ProblemKind.UNCONFIRMED not in kinds


# --------------------------------------------------------------------------- drafts


def test_double_booking_drafts_go_to_each_meetings_own_people_only() -> None:
    globex = event(
        "g@x", "20260316T090000", "20260316T100000", "Globex renewal – confidential pricing",
        *invited("bob@globex.com"), "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@globex.com",
    )  # fmt: skip
    acme = event(
        "a@x", "20260316T093000", "20260316T103000", "Acme weekly", *ORGANISED_BY_ME,
        "ATTENDEE;CN=Jane;PARTSTAT=ACCEPTED:mailto:jane@acme.com",
        "ATTENDEE;CN=Room 4;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room4@agency.com",
    )  # fmt: skip
    block = event("f@x", "20260316T093000", "20260316T094500", "Focus time")
    found = occurrences(globex, acme, block)
    (problem,) = [
        p
        for p in find_problems(MONDAY, found, BERLIN, at(FRIDAY, 18), PATTERN, ProblemInputs(me=ME))
        if p.kind is ProblemKind.DOUBLE_BOOKING
    ]
    drafts = drafts_for(problem, ME, BERLIN)
    by_to = {d.to: d for d in drafts}
    assert set(by_to) == {("bob@globex.com",), ("jane@acme.com",)}  # the focus block: nobody
    to_bob, to_jane = by_to[("bob@globex.com",)], by_to[("jane@acme.com",)]
    assert "Globex" in to_bob.subject and "Acme" not in to_bob.subject + to_bob.body
    assert "Acme weekly" in to_jane.subject
    assert "Globex" not in to_jane.subject + to_jane.body and "bob@" not in to_jane.body
    for draft in drafts:
        assert "me@agency.com" not in draft.to + draft.cc
        assert draft.problem == problem.id


def test_unanswered_invitees_get_the_chaser_and_the_organiser_gets_my_reply() -> None:
    mine = event(
        "m@x", "20260316T110000", "20260316T120000", "Plan", *ORGANISED_BY_ME,
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@acme.com",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:jane@acme.com",
    )  # fmt: skip
    carol = invited("carol@initech.com", "NEEDS-ACTION")
    theirs = event("t@x", "20260316T130000", "20260316T140000", "Intro", *carol)
    problems = find_problems(
        MONDAY, occurrences(mine, theirs), BERLIN, at(FRIDAY, 18), PATTERN, ProblemInputs(me=ME)
    )
    drafts = {
        p.meetings[0].summary: drafts_for(p, ME, BERLIN)
        for p in problems
        if p.kind is ProblemKind.UNCONFIRMED
    }
    assert [d.to for d in drafts["Plan"]] == [("jane@acme.com",)]
    assert [d.to for d in drafts["Intro"]] == [("carol@initech.com",)]
