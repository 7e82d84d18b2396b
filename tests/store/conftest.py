"""Fixtures for the store tests: a fresh store on disk with a deterministic clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daybrief.store import Store, UserData, open_store


class TickingClock:
    """Each reading is 1 ms after the last: timestamps are reproducible and strictly ordered."""

    def __init__(self, start: datetime = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "daybrief.sqlite3"


@pytest.fixture
def store(store_file: Path, clock: TickingClock) -> Iterator[Store]:
    with open_store(store_file, clock=clock) as opened:
        yield opened


@pytest.fixture
def ud(store: Store) -> UserData:
    return UserData.of(store)
