"""The briefing use cases: gather a day's inputs (store, files or demo), build, render, mark seen.

The window and ``daybrief brief`` both call :func:`briefing_from_store` (or
:func:`briefing_from_calendars` for files given on the command line), then one of
:func:`render` 's formats, then :func:`mark_seen` once the user has seen or exported it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from daybrief.core import settings as declared
from daybrief.core.briefing import (
    Briefing,
    BriefingSettings,
    ChecklistEntry,
    FollowUpEntry,
    GoalEntry,
    UserInputs,
    build_briefing,
    day_window,
    zone_name,
)
from daybrief.core.clients import ClientDirectory
from daybrief.core.clock import Clock
from daybrief.core.confirmation import identity
from daybrief.core.engine import occurrences_between
from daybrief.core.events import ParsedCalendar, read_calendar
from daybrief.core.keys import split_meeting_key
from daybrief.core.model import Occurrence
from daybrief.services.domains import load_freemail_domains, registrable
from daybrief.services.queries import demo_showing, occurrences_in_store, saved_identity
from daybrief.services.review import problem_inputs
from daybrief.services.working import (
    BACK_TO_BACK_GAP,
    BACK_TO_BACK_HOURS,
    BACK_TO_BACK_MEETINGS,
    DAY_END,
    DAY_START,
    OWN_DOMAINS,
    PREP_MINUTES,
    TIME_OFF_UIDS,
    WORKING_DAYS,
    briefing_settings,
    settings_of,
)
from daybrief.store.briefings import BriefingLooks
from daybrief.store.db import Store
from daybrief.store.userdata import UserData

__all__ = [
    "BACK_TO_BACK_GAP",
    "BACK_TO_BACK_HOURS",
    "BACK_TO_BACK_MEETINGS",
    "DAY_END",
    "DAY_START",
    "FORMATS",
    "OWN_DOMAINS",
    "PREP_MINUTES",
    "TIME_OFF_UIDS",
    "WORKING_DAYS",
    "briefing_from_store",
    "briefing_settings",
    "settings_of",
]

FORMATS = ("txt", "md", "html", "json", "eml", "pdf", "followups-ics", "prep-ics")


def default_day(now: datetime, settings: BriefingSettings) -> date:
    """Today in the morning (until the working day ends), else the next working day."""
    today = now.date()
    if settings.is_working_day(today) and now.time() < settings.day_end:
        return today
    return settings.next_working_day(today)


def resolve_day(text: str | None, now: datetime, settings: BriefingSettings) -> date:
    """``YYYY-MM-DD``, ``today``, ``tomorrow``, ``next`` (working day) or None (default).

    Raises:
        ValueError: for anything else, with a message fit for the user.
    """
    if text is None:
        return default_day(now, settings)
    value = text.strip().lower()
    today = now.date()
    if value == "today":
        return today
    if value == "tomorrow":
        return today + timedelta(days=1)
    if value == "next":
        return settings.next_working_day(today)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a day: {text!r} (use YYYY-MM-DD, today, tomorrow or next)") from None


@dataclass(frozen=True, slots=True)
class Gathered:
    briefing: Briefing
    warnings: tuple[str, ...] = ()


def user_inputs_from_store(
    store: Store, day: date, occurrences: Sequence[Occurrence], me: frozenset[str]
) -> UserInputs:
    ud = UserData.of(store)
    with store.snapshot():
        clients = ud.clients.all()
        names = {domain: client.name for client in clients for domain in client.domains}
        client_names = {client.id: client.name for client in clients}
        follow_ups = [
            FollowUpEntry(
                id=f.id,
                text=f.text,
                due=f.due_date,
                client=client_names.get(f.client_id) if f.client_id is not None else None,
                done=f.done,
                done_at=f.done_at,
                meeting_uid=split_meeting_key(f.meeting_key)[0] if f.meeting_key else None,
            )
            # All of them: core keeps the open ones due by the day and those done on it
            # (wins), whatever their due date.
            for f in ud.follow_ups.query(include_done=True, include_undated=True)
        ]
        goals = [GoalEntry(g.text, g.done) for g in ud.goals.for_day(day)]
        previous = [GoalEntry(g.text, g.done) for g in ud.goals.last_day_before(day)]
        inputs = problem_inputs(store, occurrences, me)
        own = () if demo_showing(store) else declared.OWN_DOMAINS.read(ud.settings.get(OWN_DOMAINS))
    return UserInputs(
        me=me,
        clients=ClientDirectory.for_user(
            me,
            load_freemail_domains(),
            names,
            list(own),
            registrable=registrable,
        ),
        checklists=inputs.checklists,
        follow_ups=tuple(follow_ups),
        goals=tuple(goals),
        time_off_uids=inputs.time_off_uids,
        last_look=BriefingLooks(store).last(day),
        problem_states=inputs.states,
        answered=inputs.answered,
        previous_goals=tuple(previous),
    )


def briefing_from_store(
    store: Store,
    day: date,
    zone: tzinfo,
    clock: Clock,
    *,
    me: Iterable[str] | None = None,
    redact: bool = False,
) -> Briefing:
    """The day's briefing from the store's calendars and the user's data there.

    ``me``: the user's addresses; None: the identity saved in the store.
    """
    addresses = identity(saved_identity(store) if me is None else me)
    start, end = day_window(day, zone)
    occurrences = occurrences_in_store(store, start, end, zone, zone_name(zone))
    user = user_inputs_from_store(store, day, occurrences, addresses)
    settings = settings_of(store)
    return build_briefing(day, occurrences, zone, clock, user, settings, redact=redact)


def briefing_from_calendars(
    calendars: Sequence[ParsedCalendar],
    day: date,
    zone: tzinfo,
    clock: Clock,
    *,
    me: Iterable[str] = (),
    user: UserInputs | None = None,
    settings: BriefingSettings | None = None,
    redact: bool = False,
) -> Gathered:
    """The day's briefing from the given calendars only (no store): ``daybrief brief FILE``."""
    start, end = day_window(day, zone)
    expansion = occurrences_between(calendars, start, end, zone)
    addresses = identity(me)
    if user is None:
        user = UserInputs(
            me=addresses,
            clients=ClientDirectory.for_user(
                addresses, load_freemail_domains(), registrable=registrable
            ),
        )
    briefing = build_briefing(
        day, expansion.occurrences, zone, clock, user, settings, redact=redact
    )
    return Gathered(briefing, tuple(str(w) for w in expansion.warnings))


def demo_briefing(
    today: date, day: date | None, zone: tzinfo, clock: Clock, *, redact: bool = False
) -> Gathered:
    """The bundled demo calendar and the demo user's data (checklists, follow-ups, goals)."""
    from daybrief.core.demo import DEMO_USER, demo_calendar, demo_user_inputs

    settings = BriefingSettings()
    target = day or settings.next_working_day(today)
    calendar = read_calendar(demo_calendar(today), "demo.ics", "Demo")
    data = demo_user_inputs(settings.next_working_day(today))
    me = identity([DEMO_USER])
    user = UserInputs(
        me=me,
        clients=ClientDirectory.for_user(me, load_freemail_domains(), registrable=registrable),
        checklists={
            uid: [ChecklistEntry(text, required, done) for text, required, done in items]
            for uid, items in data.checklists.items()
        },
        follow_ups=tuple(
            FollowUpEntry(id=i, text=text, due=due, client=client, meeting_uid=uid)
            for i, text, due, client, uid in data.follow_ups
        ),
        goals=tuple(GoalEntry(text) for text in data.goals),
    )
    return briefing_from_calendars(
        [calendar], target, zone, clock, me=me, user=user, settings=settings, redact=redact
    )


def mark_seen(store: Store, briefing: Briefing, at: datetime | None = None) -> None:
    """Remember the briefing as shown or exported: the next one marks what changed since."""
    BriefingLooks(store).remember(briefing.day, at or briefing.generated_at, briefing.snapshot())


def render(briefing: Briefing, fmt: str) -> bytes:
    """The briefing in one of :data:`FORMATS` (PDF excepted: Qt's writer lives in ``ui``)."""
    if fmt == "txt":
        from daybrief.services.export.text import render_text

        return render_text(briefing).encode("utf-8")
    if fmt == "md":
        from daybrief.services.export.markdown import render_markdown

        return render_markdown(briefing).encode("utf-8")
    if fmt == "html":
        from daybrief.services.export.html import render_html

        return render_html(briefing).encode("utf-8")
    if fmt == "json":
        from daybrief.services.export.json import render_json

        return render_json(briefing).encode("utf-8")
    if fmt == "eml":
        from daybrief.services.export.eml import render_eml

        return render_eml(briefing)
    if fmt == "followups-ics":
        from daybrief.services.export.ics import follow_ups_ics

        return follow_ups_ics(briefing).encode("utf-8")
    if fmt == "prep-ics":
        from daybrief.services.export.ics import prep_slots_ics

        return prep_slots_ics(briefing).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
