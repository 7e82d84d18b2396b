"""The review's use cases: its problems, closing and reopening them, drafts, goals.

Every surface reads problems from here (or from the briefing, which builds them with the
same core model and the same inputs): the window's pages, the tray, the reminders and the
command line, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta, tzinfo
from urllib.parse import quote

from daybrief.core import settings as declared
from daybrief.core.clock import Clock
from daybrief.core.confirmation import identity
from daybrief.core.keys import KEY_SEPARATOR
from daybrief.core.keys import ref_of as meeting_ref
from daybrief.core.model import Occurrence
from daybrief.core.review import (
    ChecklistEntry,
    Draft,
    MeetingProblems,
    Problem,
    ProblemInputs,
    ProblemKind,
    ProblemState,
    RememberedState,
    Review,
    ReviewPeriod,
    WorkingPattern,
    build_review,
    by_meeting,
    days_period,
    drafts_for,
    review_period,
)
from daybrief.services.preferences import zone_label
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
    "MeetingProblems",
    "Problem",
    "ProblemKind",
    "ProblemNotFound",
    "ProblemState",
    "Review",
    "ReviewPeriod",
    "add_goal",
    "by_meeting",
    "checklist_entries",
    "choose_goals",
    "close_all",
    "delete_goal",
    "draft_mailto",
    "draft_text",
    "drafts",
    "find_problem",
    "goal_suggestions_from_yesterday",
    "goals_of",
    "open_required_items",
    "problem_inputs",
    "remembered_states",
    "review",
    "review_line",
    "set_goal_done",
    "set_problem_state",
    "tick_item",
]


class ProblemNotFound(LookupError):
    """No problem (or several) answer to the id given; the message says which."""


def checklist_entries(
    store: Store, occurrences: Iterable[Occurrence]
) -> dict[str, list[ChecklistEntry]]:
    """Checklist items by meeting key: a series' items for every instance, plus its own."""
    refs: dict[str, list[str]] = {}
    for occurrence in occurrences:
        if not occurrence.uid:
            continue
        ref = meeting_ref(occurrence)
        # A series carries items for every instance; an instance may add its own.
        refs.setdefault(ref, [occurrence.uid] if ref == occurrence.uid else [occurrence.uid, ref])
    stored = UserData.of(store).checklists.items_of(k for keys in refs.values() for k in keys)
    found: dict[str, list[ChecklistEntry]] = {}
    for ref, keys in refs.items():
        items = [
            ChecklistEntry(item.text, item.required, item.done)
            for key in keys
            for item in stored.get(key, ())
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
    from daybrief.services.answers import pending_by_instance

    return pending_by_instance(store)


def time_off_uids(store: Store) -> frozenset[str]:
    return frozenset(declared.TIME_OFF_UIDS.read(Settings(store).get(TIME_OFF_UIDS)))


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
    occurrences = occurrences_in_store(store, period.start, period.end, zone, zone_label(zone))
    inputs = problem_inputs(store, occurrences, addresses)
    return build_review(period, occurrences, zone, now, pattern, inputs)


def _search(store: Store, zone: tzinfo, clock: Clock, days_ahead: int) -> Review:
    """Everything an id given on the command line could name: from today through the
    review period or the hygiene horizon, whichever reaches further."""
    now = clock.now()
    period = review_period(now, zone, settings_of(store))
    today = now.astimezone(zone).date()
    reach = max(days_ahead, (period.last_day - today).days + 1, 1)
    return review(store, zone, clock, first=today, days=reach)


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


def draft_mailto(draft: Draft) -> str:
    """A ``mailto:`` link for the user's mail program; every part percent-encoded, so a
    calendar's text can never add a header."""
    recipients = ",".join(quote(address, safe="@.+-_") for address in draft.to)
    query = f"subject={quote(draft.subject)}&body={quote(draft.body)}"
    if draft.cc:
        query = f"cc={','.join(quote(a, safe='@.+-_') for a in draft.cc)}&" + query
    return f"mailto:{recipients}?{query}"


def draft_text(draft: Draft) -> str:
    head = f"To: {', '.join(draft.to)}\n" if draft.to else ""
    if draft.cc:
        head += f"Cc: {', '.join(draft.cc)}\n"
    return f"{head}Subject: {draft.subject}\n\n{draft.body}"


def review_line(review: Review) -> str:
    """The open problems in a few words, for the tray and the evening nudge."""
    if not review.open:
        return "no open problems"
    parts = []
    for kind, one, many in (
        (ProblemKind.DOUBLE_BOOKING, "double-booking", "double-bookings"),
        (ProblemKind.UNCONFIRMED, "unconfirmed", "unconfirmed"),
        (ProblemKind.OPEN_ITEMS, "meeting with open items", "meetings with open items"),
        (ProblemKind.TIME_OFF, "clash with time off", "clashes with time off"),
        (ProblemKind.OUTSIDE_HOURS, "outside your hours", "outside your hours"),
        (ProblemKind.BACK_TO_BACK, "back-to-back run", "back-to-back runs"),
    ):
        n = review.open_count(kind)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)


def delete_goal(store: Store, goal_id: int) -> None:
    Goals(store).delete(goal_id)


def choose_goals(store: Store, day: date, picked: Sequence[str]) -> list[Goal]:
    """The day's goals become ``picked`` (in that order of adding); done goals are kept."""
    goals = Goals(store)
    with store.transaction():
        current = goals.for_day(day)
        chosen = {goal.text for goal in current}
        for goal in current:
            if goal.text not in picked and not goal.done:
                goals.delete(goal.id)
        for text in picked:
            if text not in chosen:
                goals.add(day, text)
    return goals.for_day(day)


def open_required_items(store: Store, meeting_key: str) -> list[tuple[int, str]]:
    """(id, text) of the meeting's required checklist items not done (its series' too)."""
    checklists = UserData.of(store).checklists
    uid = meeting_key.split(KEY_SEPARATOR, 1)[0]
    keys = [meeting_key] if uid == meeting_key else [uid, meeting_key]
    return [
        (item.id, item.text)
        for key in keys
        for item in checklists.items(key)
        if item.required and not item.done
    ]


def tick_item(store: Store, item_id: int) -> None:
    UserData.of(store).checklists.set_done(item_id, True)


def close_all(store: Store, problems: Iterable[Problem], state: ProblemState | str) -> int:
    """Handle (or ignore) every open one of ``problems``; how many were closed."""
    closed = 0
    with store.transaction():
        for problem in problems:
            if problem.is_open:
                set_problem_state(store, problem, state)
                closed += 1
    return closed
