"""Reading and writing the declared settings (core/settings.py) in the user's store."""

from __future__ import annotations

from typing import TypeVar

from daybrief.core import settings as declared
from daybrief.core.settings import Setting, WorkingWeek
from daybrief.store.db import Store
from daybrief.store.settings import Settings

T = TypeVar("T")

__all__ = ["Setting", "WorkingWeek", "declared", "read", "working_week", "write"]


def read(store: Store, setting: Setting[T]) -> T:
    """The setting's value in ``store``: its default when unset or not valid."""
    return setting.read(Settings(store).get(setting.key))


def write(store: Store, setting: Setting[T], value: T) -> None:
    """Save ``value`` as the declaration stores it (numbers brought into range)."""
    Settings(store).set(setting.key, setting.dump(setting.check(value)))


def working_week(store: Store) -> WorkingWeek:
    settings = Settings(store)
    return declared.working_week(settings.get)
