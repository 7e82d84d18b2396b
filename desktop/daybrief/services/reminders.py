"""When to remind, and of what (docs/semantics.md): from the store, with an injected clock.

The tray drives this with one timer armed at :meth:`ReminderService.next_due`; nothing
here polls or knows about Qt. Reminders are planned afresh from the calendars every time,
so a moved meeting's reminder moves and a cancelled one's disappears; what was shown is
kept in the store, so nothing is shown twice, even across restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from daybrief.core import settings as declared
from daybrief.core.confirmation import identity
from daybrief.core.model import format_utc
from daybrief.core.reminding import asks_for_follow_ups, remindable
from daybrief.services.agenda import AgendaService
from daybrief.services.preferences import Preferences
from daybrief.services.review import review_line
from daybrief.store.checklists import Checklists
from daybrief.store.db import Store
from daybrief.store.settings import Reminders, Settings

MISSED_AFTER = timedelta(minutes=10)
"""A reminder this late (the laptop slept) is summarised rather than shown on its own."""
LOOK_BACK = timedelta(hours=18)
LOOK_AHEAD = timedelta(hours=40)
PAUSED_UNTIL = "reminders_paused_until"
OUTSIDE_HOURS = declared.REMIND_OUTSIDE_HOURS.key
CHECKED_AT = "reminders_checked_at"


class Kind(StrEnum):
    BEFORE = "before"
    """Before a meeting with open required items."""
    AFTER = "after"
    """After a meeting: any follow-ups?"""
    EVENING = "evening"
    """End of the working day: prepare for the next one."""
    MORNING = "morning"
    """Start of the working day: the briefing."""
    SUMMARY = "summary"
    """Reminders missed while away, once."""


@dataclass(frozen=True)
class Reminder:
    key: str
    """Stable for the same reminder of the same meeting at the same time; stored when shown."""
    kind: Kind
    due: datetime
    title: str
    message: str
    meeting_key: str | None = None
    day: date | None = None
    """For the briefing reminders: the day they are about."""
    covers: tuple[Reminder, ...] = ()
    """For a summary: the reminders it stands for."""


@dataclass(frozen=True)
class Due:
    reminders: list[Reminder]


class ReminderService:
    def __init__(
        self,
        store: Store,
        preferences: Preferences,
        clock: Callable[[], datetime],
        *,
        agenda: AgendaService | None = None,
    ) -> None:
        """``agenda``: a service to share (the window's, with what it has worked out)."""
        self.store = store
        self.preferences = preferences
        self.clock = clock
        self.agenda = agenda or AgendaService(store, preferences, clock)
        self.shown = Reminders(store)
        self.settings = Settings(store)

    # --- planning ---

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, self.preferences.zone()).astimezone(UTC)

    def _outside_hours_allowed(self) -> bool:
        return declared.REMIND_OUTSIDE_HOURS.read(self.settings.get(OUTSIDE_HOURS))

    def planned(self, now: datetime) -> list[Reminder]:
        """Every reminder due in [now - LOOK_BACK, now + LOOK_AHEAD], planned from the store."""
        reminders: list[Reminder] = []
        me = identity(self.preferences.addresses)
        any_hours = self._outside_hours_allowed()
        lead = timedelta(minutes=self.preferences.reminder_lead_minutes)
        checklists = Checklists(self.store)
        for day in planned_days(now, self.preferences.zone()):
            agenda = self.agenda.day(day)
            for row in agenda.rows:
                occurrence = row.occurrence
                if row.key is None or not remindable(occurrence, me):
                    continue
                if row.outside_hours and not any_hours:
                    continue
                title = occurrence.summary or "(no title)"
                if row.checklist.required_open:
                    open_items = [
                        item.text
                        for item in checklists.items(row.key)
                        if item.required and not item.done
                    ]
                    what = _items_phrase(open_items)
                    minutes = int(lead.total_seconds() // 60)
                    reminders.append(
                        Reminder(
                            key=f"before|{row.key}|{format_utc(occurrence.start)}",
                            kind=Kind.BEFORE,
                            due=occurrence.start - lead,
                            title=f"{what} — {title} in {minutes} min",
                            message=f"{title} at {row.start:%H:%M}: " + "; ".join(open_items),
                            meeting_key=row.key,
                            day=day,
                        )
                    )
                if asks_for_follow_ups(occurrence, me):
                    reminders.append(
                        Reminder(
                            key=f"after|{row.key}|{format_utc(occurrence.end)}",
                            kind=Kind.AFTER,
                            due=occurrence.end,
                            title=f"Any follow-ups from {title}?",
                            message="Note what you promised while it is fresh.",
                            meeting_key=row.key,
                            day=day,
                        )
                    )
            if self.preferences.is_working_day(day):
                reminders.append(
                    Reminder(
                        key=f"morning|{day.isoformat()}",
                        kind=Kind.MORNING,
                        due=self._local(day, self.preferences.work_start),
                        title=f"Your day: {self._days_line(day, 1)}",
                        message="Open today's briefing.",
                        day=day,
                    )
                )
                tomorrow = self.preferences.next_working_day(day)
                ahead = (tomorrow - day).days
                reminders.append(
                    Reminder(
                        key=f"evening|{day.isoformat()}",
                        kind=Kind.EVENING,
                        due=self._local(day, self.preferences.work_end),
                        title=f"Prepare for {self._days_name(day, tomorrow)}: "
                        f"{self._days_line(day + timedelta(days=1), ahead)}",
                        message="Open the briefing for the next working day.",
                        day=tomorrow,
                    )
                )
        window_start, window_end = now - LOOK_BACK, now + LOOK_AHEAD
        planned = [r for r in reminders if window_start <= r.due <= window_end]
        planned.sort(key=lambda r: (r.due, r.kind.value, r.key))
        return planned

    def _days_name(self, today: date, last: date) -> str:
        """ "tomorrow", "Monday", or "Saturday to Monday" when days off before it have meetings."""
        if last == today + timedelta(days=1):
            return "tomorrow"
        between = (last - today).days - 1
        if any(s.meetings for s in self.agenda.week(today + timedelta(days=1), between)):
            return f"{today + timedelta(days=1):%A} to {last:%A}"
        return f"{last:%A}"

    def _days_line(self, first: date, days: int) -> str:
        """Meetings and open problems of the days, as the review model counts them."""
        meetings = sum(s.meetings for s in self.agenda.week(first, days))
        return f"{_count(meetings, 'meeting')}; {review_line(self.agenda.review(first, days))}"

    # --- what to show now ---

    def paused_until(self) -> datetime | None:
        text = self.settings.get_as(PAUSED_UNTIL, str, "")
        try:
            return datetime.fromisoformat(text) if text else None
        except ValueError:
            return None

    def pause(self, until: datetime | None) -> None:
        if until is None:
            self.settings.delete(PAUSED_UNTIL)
        else:
            self.settings.set(PAUSED_UNTIL, until.astimezone(UTC).isoformat())

    def _checked_at(self) -> datetime | None:
        text = self.settings.get_as(CHECKED_AT, str, "")
        try:
            return datetime.fromisoformat(text) if text else None
        except ValueError:
            return None

    def _stale(self, reminder: Reminder, now: datetime) -> bool:
        """Past the point of being useful at all: dropped, not even summarised."""
        day = reminder.day
        if reminder.kind is Kind.EVENING and day is not None:
            return now >= self._local(day, self.preferences.work_start)
        if reminder.kind is Kind.MORNING and day is not None:
            return now >= self._local(day, self.preferences.work_end)
        if reminder.kind is Kind.BEFORE:
            return now >= reminder.due + _lead_of(self.preferences) + timedelta(hours=1)
        return False

    def _pending(self, now: datetime) -> list[tuple[Reminder, datetime]]:
        """Reminders not yet shown and due after the last check (or snoozed), with their time.

        Before the first check ever, nothing older than a few minutes counts: a first start
        must not replay yesterday.
        """
        checked = self._checked_at() or now - MISSED_AFTER
        pending = []
        for reminder in self.planned(now):
            state = self.shown.state(reminder.key)
            if state is not None and state.shown_at is not None:
                continue
            snoozed = state.snoozed_until if state is not None else None
            when = snoozed or reminder.due
            if snoozed is None and when <= checked:
                continue
            pending.append((reminder, when))
        return pending

    def due(self, now: datetime | None = None) -> Due:
        """What to show now. Late ones (a sleeping laptop) come as one summary, not a replay.

        Each returned reminder is already marked shown: even if the app dies right after,
        it is not shown again.
        """
        now = now or self.clock()
        paused = self.paused_until()
        if paused is not None and now < paused:
            return Due([])
        ready: list[Reminder] = []
        missed: list[Reminder] = []
        for reminder, when in self._pending(now):
            if when > now:
                continue
            if self._stale(reminder, now):
                self.shown.mark_shown(reminder.key, now)
                continue
            started = reminder.kind is Kind.BEFORE and now >= reminder.due + _lead_of(
                self.preferences
            )
            (missed if now - when > MISSED_AFTER or started else ready).append(reminder)
        shown = [r for r in ready if self.shown.mark_shown(r.key, now)]
        fresh_missed = [r for r in missed if self.shown.mark_shown(r.key, now)]
        if len(fresh_missed) == 1 and fresh_missed[0].kind in (Kind.EVENING, Kind.MORNING):
            shown.append(fresh_missed[0])  # one late briefing nudge is still worth seeing
        elif fresh_missed:
            shown.append(
                Reminder(
                    key=f"summary|{format_utc(now)}",
                    kind=Kind.SUMMARY,
                    due=now,
                    title=f"{len(fresh_missed)} reminders while you were away",
                    message="\n".join(r.title for r in fresh_missed),
                    covers=tuple(fresh_missed),
                )
            )
        self.settings.set(CHECKED_AT, now.astimezone(UTC).isoformat())
        return Due(shown)

    def next_due(self, now: datetime | None = None) -> datetime | None:
        """When the timer should fire next: the earliest pending reminder, or a re-plan."""
        now = now or self.clock()
        paused = self.paused_until()
        times = [when for _, when in self._pending(now)]
        if paused is not None and now < paused:
            times = [max(t, paused) for t in times]
        # Re-plan at least every few hours: new days, and calendars that changed meanwhile.
        return max(now, min([*times, now + timedelta(hours=6)]))

    def snooze(self, reminder: Reminder, minutes: int, now: datetime | None = None) -> None:
        until = (now or self.clock()) + timedelta(minutes=minutes)
        for each in reminder.covers or (reminder,):
            self.shown.snooze(each.key, until)


def planned_days(now: datetime, zone: tzinfo) -> list[date]:
    """The days whose meetings the reminders at ``now`` come from (the window works them out
    ahead, so the tray's planning finds them)."""
    first = (now - LOOK_BACK).astimezone(zone).date()
    last = (now + LOOK_AHEAD).astimezone(zone).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _lead_of(preferences: Preferences) -> timedelta:
    return timedelta(minutes=preferences.reminder_lead_minutes)


def _items_phrase(items: list[str]) -> str:
    if len(items) == 1:
        return f"{items[0]} not done"
    return f"{len(items)} items open"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _days_name(today: date, last: date) -> str:
    """ "tomorrow", "Monday", or "Saturday to Monday" when the review spans days off."""
    if last == today + timedelta(days=1):
        return "tomorrow"
    if last - today > timedelta(days=1):
        return f"{today + timedelta(days=1):%A} to {last:%A}"
    return f"{last:%A}"
