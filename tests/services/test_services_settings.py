"""Settings declared once: the window's preferences, the briefing and the refresh timer read
every key through the same declaration, so they agree on defaults and limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from pathlib import Path

import pytest

from daybrief.core import settings as declared
from daybrief.services.briefing import settings_of
from daybrief.services.preferences import load_preferences
from daybrief.services.refresh import refresh_interval
from daybrief.services.settings import read, working_week, write
from daybrief.store import Store, open_store
from daybrief.store.settings import Settings


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "s.sqlite3") as opened:
        yield opened


def test_every_key_is_declared_once() -> None:
    keys = [setting.key for setting in declared.ALL]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ([1, 2, 3], frozenset({1, 2, 3})),
        ([], frozenset()),
        ("weekdays", declared.DEFAULT_WEEK.days),
        ([0, 9], declared.DEFAULT_WEEK.days),
        ([True, 1], declared.DEFAULT_WEEK.days),
    ],
)
def test_window_and_briefing_read_one_working_week(
    store: Store, raw: object, days: frozenset[int]
) -> None:
    Settings(store).set(declared.WORKING_DAYS.key, raw)  # type: ignore[arg-type]
    Settings(store).set(declared.DAY_END.key, "16:00")
    preferences, briefing = load_preferences(store), settings_of(store)
    assert preferences.week == working_week(store) == briefing.week
    assert preferences.week.days == days
    assert preferences.work_end == briefing.day_end == time(16)


@pytest.mark.parametrize(
    ("setting", "raw", "value"),
    [
        (declared.REFRESH_MINUTES, 1, 5),  # the refresh service allowed 1, the window 5
        (declared.REFRESH_MINUTES, 10**6, 24 * 60),
        (declared.REFRESH_MINUTES, "soon", 30),
        (declared.HYGIENE_DAYS, 0, 1),
        (declared.HYGIENE_DAYS, True, 14),  # a bool is not a number here
        (declared.BACK_TO_BACK_HOURS, 2, 2.0),
        (declared.BACK_TO_BACK_MEETINGS, 1, 2),
        (declared.DAY_START, "25:00", time(9)),
        (declared.ADDRESSES, ["a@x", "", "a@x"], ("a@x",)),
    ],
)
def test_limits_are_the_declarations(
    store: Store, setting: declared.Setting[object], raw: object, value: object
) -> None:
    Settings(store).set(setting.key, raw)  # type: ignore[arg-type]
    assert read(store, setting) == value


def test_the_refresh_timer_and_the_window_agree(store: Store) -> None:
    Settings(store).set(declared.REFRESH_MINUTES.key, 2)
    assert refresh_interval(store) == timedelta(minutes=load_preferences(store).refresh_minutes)
    assert refresh_interval(store) == timedelta(minutes=5)


def test_writing_brings_a_value_into_range(store: Store) -> None:
    write(store, declared.HYGIENE_DAYS, 500)
    assert Settings(store).get(declared.HYGIENE_DAYS.key) == 90
    assert load_preferences(store).hygiene_days == 90
