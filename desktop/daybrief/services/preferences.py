"""The user's preferences, typed, over the store's key-value settings.

One declaration per preference (key, default) so the window, the CLI and the
reminders read the same values with the same defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from daybrief.core.events import zone_by_name
from daybrief.services.briefing import DAY_END, DAY_START, WORKING_DAYS
from daybrief.services.queries import IDENTITY_SETTING
from daybrief.store.db import Store
from daybrief.store.settings import Settings

REFRESH_MINUTES = "refresh_minutes"
"""How often sources are read again; the refresh service reads the same key."""

TASK_SYNC_MINUTES = "task_sync_minutes"
"""How often the window syncs follow-ups with the connected task list."""

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Preferences:
    addresses: tuple[str, ...] = ()
    """The user's own email addresses (SPEC §2: whose answers count as "mine")."""
    zone_name: str = ""
    """An IANA zone; empty means the system's zone."""
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    """Weekday numbers, Monday = 0."""
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)
    hygiene_days: int = 14
    """How far ahead the hygiene panel looks for double-bookings and unconfirmed meetings."""
    reminder_lead_minutes: int = 30
    refresh_minutes: int = 30
    """How often calendar addresses and files are read again."""
    close_to_tray: bool = True
    task_sync_minutes: int = 15
    """How often follow-ups are synced with the task list (besides at start and after edits)."""

    def zone(self) -> tzinfo:
        return resolve_zone(self.zone_name)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days

    def next_working_day(self, after: date) -> date:
        day = after + timedelta(days=1)
        for _ in range(7):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        return after + timedelta(days=1)  # no working days at all: simply tomorrow

    def opening_day(self, now: datetime) -> date:
        """The day the window opens on: today in the morning, the next working day after work.

        SPEC §1: the evening routine prepares tomorrow; the morning one reads today.
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


def _time(value: object, default: time) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        return default


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
    return Settings(store).get_as("zone", str, "")


def load_preferences(store: Store) -> Preferences:
    settings = Settings(store)
    defaults = Preferences()
    raw_days = settings.get(WORKING_DAYS, list(defaults.working_days))
    days = (
        tuple(sorted({int(d) for d in raw_days if isinstance(d, int) and 0 <= d <= 6}))
        if isinstance(raw_days, list)
        else defaults.working_days
    )
    addresses = settings.get(IDENTITY_SETTING, [])
    return Preferences(
        addresses=tuple(str(a) for a in addresses) if isinstance(addresses, list) else (),
        zone_name=settings.get_as("zone", str, ""),
        working_days=days,
        work_start=_time(settings.get(DAY_START), defaults.work_start),
        work_end=_time(settings.get(DAY_END), defaults.work_end),
        hygiene_days=max(1, settings.get_as("hygiene_days", int, defaults.hygiene_days)),
        reminder_lead_minutes=max(
            0, settings.get_as("reminder_lead_minutes", int, defaults.reminder_lead_minutes)
        ),
        close_to_tray=settings.get_as("close_to_tray", bool, defaults.close_to_tray),
        refresh_minutes=max(5, settings.get_as(REFRESH_MINUTES, int, defaults.refresh_minutes)),
        task_sync_minutes=max(
            1, settings.get_as(TASK_SYNC_MINUTES, int, defaults.task_sync_minutes)
        ),
    )


def save_preferences(store: Store, preferences: Preferences) -> None:
    settings = Settings(store)
    with store.transaction():
        settings.set(IDENTITY_SETTING, list(preferences.addresses))
        settings.set("zone", preferences.zone_name)
        settings.set(WORKING_DAYS, list(preferences.working_days))
        settings.set(DAY_START, preferences.work_start.strftime("%H:%M"))
        settings.set(DAY_END, preferences.work_end.strftime("%H:%M"))
        settings.set("hygiene_days", preferences.hygiene_days)
        settings.set("reminder_lead_minutes", preferences.reminder_lead_minutes)
        settings.set("close_to_tray", preferences.close_to_tray)
        settings.set(REFRESH_MINUTES, preferences.refresh_minutes)
        settings.set(TASK_SYNC_MINUTES, preferences.task_sync_minutes)
