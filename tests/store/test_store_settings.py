"""Settings as typed JSON, and reminder state that survives restarts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from daybrief.store import StoreError, UserData, open_store


def test_settings_round_trip_json(ud: UserData) -> None:
    values = {
        "identity": ["me@agency.example", "me@gmail.com"],
        "working_days": [0, 1, 2, 3, 4],
        "lead_time_minutes": 30,
        "zone": "Europe/Berlin",
        "tray": {"evening_nudge": "17:00", "enabled": True},
        "ratio": 0.25,
        "nothing": None,
    }
    for key, value in values.items():
        ud.settings.set(key, value)
    for key, value in values.items():
        assert ud.settings.get(key) == value
    assert ud.settings.all() == dict(sorted(values.items()))
    assert ud.settings.get("missing", "fallback") == "fallback"


def test_typed_reads(ud: UserData) -> None:
    ud.settings.set("lead_time_minutes", 30)
    ud.settings.set("enabled", True)
    assert ud.settings.get_as("lead_time_minutes", int, 10) == 30
    assert ud.settings.get_as("lead_time_minutes", float, 1.0) == 30.0
    assert ud.settings.get_as("lead_time_minutes", str, "x") == "x"  # wrong type: default
    assert ud.settings.get_as("enabled", int, 7) == 7  # a bool is not an int here
    assert ud.settings.get_as("enabled", bool, False) is True
    assert ud.settings.get_as("missing", list, []) == []


def test_set_overwrites_and_delete(ud: UserData) -> None:
    ud.settings.set("zone", "Europe/Berlin")
    ud.settings.set("zone", "America/New_York")
    assert ud.settings.get("zone") == "America/New_York"
    ud.settings.delete("zone")
    assert ud.settings.get("zone") is None


@pytest.mark.parametrize("bad", [float("nan"), {1, 2}, object()])
def test_non_json_values_are_refused(ud: UserData, bad: object) -> None:
    with pytest.raises(StoreError, match="plain JSON"):
        ud.settings.set("bad", bad)  # type: ignore[arg-type]
    assert ud.settings.get("bad") is None


def test_reminder_shown_once_even_after_restart(store_file: Path, ud: UserData) -> None:
    key = "before:qbr@acme.example:2026-03-05T10:00:00Z"
    assert not ud.reminders.was_shown(key)
    assert ud.reminders.mark_shown(key) is True
    assert ud.reminders.mark_shown(key) is False  # the second caller must not show it
    with open_store(store_file) as restarted:
        again = UserData.of(restarted)
        assert again.reminders.was_shown(key)
        assert again.reminders.mark_shown(key) is False


def test_snooze_makes_a_reminder_due_again(ud: UserData) -> None:
    key = "after:weekly"
    at = datetime(2026, 3, 3, 10, tzinfo=UTC)
    ud.reminders.mark_shown(key, at)
    until = datetime(2026, 3, 3, 10, 15, tzinfo=UTC)
    ud.reminders.snooze(key, until)
    state = ud.reminders.state(key)
    assert state is not None and state.shown_at is None and state.snoozed_until == until
    assert ud.reminders.mark_shown(key, datetime(2026, 3, 3, 10, 15, tzinfo=UTC)) is True
    state = ud.reminders.state(key)
    assert state is not None and state.snoozed_until is None
    assert [s.reminder_key for s in ud.reminders.shown_since(at)] == [key]
