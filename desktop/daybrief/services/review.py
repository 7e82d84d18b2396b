"""The review's use cases: its problems, closing and reopening them, drafts, goals.

Every surface reads problems from here (or from the briefing, which builds them with the
same core model and the same inputs): the window's pages, the tray, the reminders and the
command line, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta, tzinfo

from daybrief.core.clock import Clock
from daybrief.core.confirmation import identity
from daybrief.core.model import Occurrence
from daybrief.core.review import (
    ChecklistEntry,
    Draft,
    Problem,
    ProblemInputs,
    ProblemState,
    RememberedState,
    Review,
    ReviewPeriod,
    WorkingPattern,
    build_review,
    days_period,
    drafts_for,
    meeting_ref,
    review_period,
)
from daybrief.services.queries import occurrences_in_store, saved_identity
from daybrief.services.working import TIME_OFF_UIDS, settings_of
from daybrief.store.acks import ProblemAcks
from daybrief.store.db import Store
from daybrief.store.models import AckState, Goal
from daybrief.store.notes import Goals
from daybrief.store.settings import Settings
from daybrief.store.userdata import UserData

__all__ = [
    "Draft",
    "Problem",
    "ProblemNotFound",
    "ProblemState",
    "Review",
    "ReviewPeriod",
    "add_goal",
    "checklist_entries",
    "drafts",
    "find_problem",
    "goal_suggestions_from_yesterday",
    "goals_of",
    "problem_inputs",
    "remembered_states",
    "review",
    "set_goal_done",
    "set_problem_state",
]


class ProblemNotFound(LookupError):
    """No problem (or several) answer to the id given; the message says which."""


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def checklist_entries(
    store: Store, occurrences: Iterable[Occurrence]
) -> dict[str, list[ChecklistEntry]]:
    """Checklist items by meeting key: a series' items for every instance, plus its own."""
    checklists = UserData.of(store).checklists
    found: dict[str, list[ChecklistEntry]] = {}
    for occurrence in occurrences:
        if not occurrence.uid:
            continue
        ref = meeting_ref(occurrence)
        if ref in found:
            continue
        keys = [occurrence.uid] if ref == occurrence.uid else [occurrence.uid, ref]
        items = [
            ChecklistEntry(item.text, item.required, item.done)
            for key in keys
            for item in checklists.items(key)
        ]
        if items:
            found[ref] = items
    return found


def remembered_states(store: Store) -> dict[str, RememberedState]:
    """What the user said about problems, by id (open ones are simply absent)."""
    return {
        ack.problem_key: RememberedState(ProblemState(ack.state.value), ack.facts)
        for ack in ProblemAcks(store).all()
    }


def answered_meetings(store: Store) -> dict[str, str]:
    """Meetings answered from Daybrief that the calendar does not show as answered yet."""
    # Filled in by the answers service (issue 16) once it lands; nothing pending until then.
    return {}


def time_off_uids(store: Store) -> frozenset[str]:
    value = Settings(store).get(TIME_OFF_UIDS, [])
    return frozenset(str(u) for u in value) if isinstance(value, list) else frozenset()


def problem_inputs(
    store: Store, occurrences: Sequence[Occurrence], me: frozenset[str]
) -> ProblemInputs:
    with store.snapshot():
        return ProblemInputs(
            me=me,
            checklists=checklist_entries(store, occurrences),
            time_off_uids=time_off_uids(store),
            states=remembered_states(store),
            answered=answered_meetings(store),
        )


def review(
    store: Store,
    zone: tzinfo,
    clock: Clock,
    *,
    first: date | None = None,
    days: int = 1,
    me: Iterable[str] | None = None,
    pattern: WorkingPattern | None = None,
) -> Review:
    """The review's problems: the review period at the clock's now, or ``days`` days from
    ``first``. Meetings that are over are never open problems.

    ``me``: the user's addresses; None: the identity saved in the store.
    """
    now = clock.now()
    pattern = pattern or settings_of(store)
    period: ReviewPeriod
    if first is None:
        period = review_period(now, zone, pattern)
    else:
        period = days_period(first, first + timedelta(days=max(1, days) - 1), zone)
    addresses = identity(saved_identity(store) if me is None else me)
    occurrences = occurrences_in_store(store, period.start, period.end, zone, _zone_name(zone))
    inputs = problem_inputs(store, occurrences, addresses)
    return build_review(period, occurrences, zone, now, pattern, inputs)


def _search(store: Store, zone: tzinfo, clock: Clock, days_ahead: int) -> Review:
    """Everything an id given on the command line could name: the review period and the
    days ahead up to the hygiene horizon."""
    ahead = review(store, zone, clock)
    today = clock.now().astimezone(zone).date()
    wide = review(store, zone, clock, first=today, days=max(days_ahead, 1))
    seen = {p.id for p in ahead.problems}
    extra = tuple(p for p in wide.problems if p.id not in seen)
    return Review(ahead.period, ahead.problems + extra)


def find_problem(
    store: Store, zone: tzinfo, clock: Clock, problem_id: str, *, days_ahead: int = 14
) -> Problem:
    """The problem with this id (or unique id prefix, at least 4 characters).

    Raises:
        ProblemNotFound: none, or several, with a one-line message.
    """
    text = problem_id.strip().lower()
    if len(text) < 4:
        raise ProblemNotFound(
            f"problem id {problem_id!r} is too short (give at least 4 characters)"
        )
    found = _search(store, zone, clock, days_ahead).find(text)
    if not found:
        raise ProblemNotFound(
            f"no problem {problem_id!r} ahead (it may be over, or solved: see 'daybrief problems')"
        )
    if len(found) > 1:
        raise ProblemNotFound(f"several problems start with {problem_id!r}: give more of the id")
    return found[0]


def set_problem_state(store: Store, problem: Problem, state: ProblemState | str) -> None:
    """Handled or ignored (remembered with what the problem is about now), or open again."""
    state = ProblemState(state)
    acks = ProblemAcks(store)
    if state is ProblemState.OPEN:
        acks.clear(problem.id)
    else:
        acks.set(problem.id, AckState(state.value), problem.facts)


def drafts(problem: Problem, me: Iterable[str], zone: tzinfo, sender_name: str = "") -> list[Draft]:
    return drafts_for(problem, identity(me), zone, sender_name=sender_name)


def saved_me(store: Store) -> frozenset[str]:
    return identity(saved_identity(store))


# --------------------------------------------------------------------------- goals


def goals_of(store: Store, day: date) -> list[Goal]:
    return Goals(store).for_day(day)


def add_goal(store: Store, day: date, text: str) -> Goal:
    """A goal of the user's own words for ``day``.

    Raises:
        ValueError: an empty text.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("a goal needs some text")
    return Goals(store).add(day, cleaned)


def set_goal_done(store: Store, goal_id: int, done: bool = True) -> Goal:
    """Mark a goal done (a win in the end-of-day briefing) or not done.

    Raises:
        LookupError: no such goal.
    """
    goals = Goals(store)
    try:
        goals.get(goal_id)
    except Exception as error:  # the store's "not found" is a StoreError
        raise LookupError(f"no goal {goal_id} (see 'daybrief goals list')") from error
    return goals.set_done(goal_id, done)


def goal_suggestions_from_yesterday(store: Store, day: date) -> list[str]:
    """The last earlier day's unfinished goals not already set for ``day``."""
    chosen = {goal.text.casefold() for goal in Goals(store).for_day(day)}
    return [
        goal.text
        for goal in Goals(store).last_day_before(day)
        if not goal.done and goal.text.casefold() not in chosen
    ]
