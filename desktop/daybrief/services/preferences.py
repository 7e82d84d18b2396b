"""The user's preferences, typed, over the store's key-value settings.

Each preference is read by its declaration in core/settings.py (key, type, default,
limits), so the window, the CLI, the briefing and the reminders read the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from daybrief.core import settings as declared
from daybrief.core.demo import DEMO_USER
from daybrief.core.events import zone_by_name
from daybrief.core.settings import WorkingWeek
from daybrief.services.queries import demo_showing
from daybrief.services.settings import read, write
from daybrief.store.db import Store
from daybrief.store.settings import Settings

REFRESH_MINUTES = declared.REFRESH_MINUTES.key
"""How often sources are read again; the refresh service reads the same key."""

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Preferences:
    addresses: tuple[str, ...] = declared.ADDRESSES.default
    """The user's own email addresses (whose answers count as "mine": docs/semantics.md)."""
    zone_name: str = declared.ZONE.default
    """An IANA zone; empty means the system's zone."""
    week: WorkingWeek = declared.DEFAULT_WEEK
    hygiene_days: int = declared.HYGIENE_DAYS.default
    """How far ahead the hygiene panel looks for double-bookings and unconfirmed meetings."""
    reminder_lead_minutes: int = declared.REMINDER_LEAD_MINUTES.default
    refresh_minutes: int = declared.REFRESH_MINUTES.default
    """How often calendar addresses and files are read again."""
    close_to_tray: bool = declared.CLOSE_TO_TRAY.default
    task_sync_minutes: int = declared.TASK_SYNC_MINUTES.default
    """How often follow-ups are synced with the task list (besides at start and after edits)."""

    @property
    def working_days(self) -> tuple[int, ...]:
        """Weekday numbers, Monday = 0."""
        return tuple(sorted(self.week.days))

    @property
    def work_start(self) -> time:
        return self.week.start

    @property
    def work_end(self) -> time:
        return self.week.end

    def zone(self) -> tzinfo:
        return resolve_zone(self.zone_name)

    def is_working_day(self, day: date) -> bool:
        return self.week.is_working_day(day)

    def next_working_day(self, after: date) -> date:
        return self.week.next_working_day(after)

    def opening_day(self, now: datetime) -> date:
        """The day the window opens on: today in the morning, the next working day after work.

        The evening routine prepares the next working day; the morning one reads today
        (docs/semantics.md).
        """
        local = now.astimezone(self.zone())
        if self.is_working_day(local.date()) and local.time() < self.work_end:
            return local.date()
        if not self.is_working_day(local.date()) and local.time() < time(12):
            return self.next_working_day(local.date() - timedelta(days=1))
        return self.next_working_day(local.date())


def resolve_zone(name: str) -> tzinfo:
    if name:
        zone = zone_by_name(name)
        if zone is not None:
            return zone
    try:
        from tzlocal import get_localzone

        return get_localzone()
    except Exception:  # an unset or broken system zone must not stop the app
        return UTC


def zone_label(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


EXPORT_FOLDER = "export/folder"
"""Where the last export went: the next one goes there too."""


def export_folder(store: Store) -> Path:
    """The folder exports go to: the last one used, else the home folder."""
    saved = Settings(store).get_as(EXPORT_FOLDER, str, "")
    folder = Path(saved) if saved else Path.home()
    return folder if folder.is_dir() else Path.home()


def set_export_folder(store: Store, folder: Path) -> None:
    Settings(store).set(EXPORT_FOLDER, str(folder))


def saved_zone_name(store: Store) -> str:
    """The zone the user chose ("" for the system's)."""
    return read(store, declared.ZONE)


def load_preferences(store: Store) -> Preferences:
    """The preferences to show the calendars with.

    While the demo shows, it is seen as its own user sees it (the demo's address, the
    default working week and horizon), whatever the user typed: the user's own values are
    kept for their calendars (:func:`stored_preferences`).
    """
    mine = stored_preferences(store)
    if not demo_showing(store):
        return mine
    return replace(
        mine,
        addresses=(DEMO_USER,),
        week=declared.DEFAULT_WEEK,
        hygiene_days=declared.HYGIENE_DAYS.default,
    )


def stored_preferences(store: Store) -> Preferences:
    """The preferences the user saved, each by its declaration (core/settings.py)."""
    settings = Settings(store)
    with store.snapshot():
        return Preferences(
            addresses=read(store, declared.ADDRESSES),
            zone_name=read(store, declared.ZONE),
            week=declared.working_week(settings.get),
            hygiene_days=read(store, declared.HYGIENE_DAYS),
            reminder_lead_minutes=read(store, declared.REMINDER_LEAD_MINUTES),
            refresh_minutes=read(store, declared.REFRESH_MINUTES),
            close_to_tray=read(store, declared.CLOSE_TO_TRAY),
            task_sync_minutes=read(store, declared.TASK_SYNC_MINUTES),
        )


def save_preferences(store: Store, preferences: Preferences) -> None:
    with store.transaction():
        write(store, declared.ADDRESSES, preferences.addresses)
        write(store, declared.ZONE, preferences.zone_name)
        write(store, declared.WORKING_DAYS, preferences.week.days)
        write(store, declared.DAY_START, preferences.week.start)
        write(store, declared.DAY_END, preferences.week.end)
        write(store, declared.HYGIENE_DAYS, preferences.hygiene_days)
        write(store, declared.REMINDER_LEAD_MINUTES, preferences.reminder_lead_minutes)
        write(store, declared.CLOSE_TO_TRAY, preferences.close_to_tray)
        write(store, declared.REFRESH_MINUTES, preferences.refresh_minutes)
        write(store, declared.TASK_SYNC_MINUTES, preferences.task_sync_minutes)
