"""The cheap "far outside the window" test for one-off events (recurrence._far_outside)
must only ever skip events the full expansion would not have emitted."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from daybrief.core import recurrence
from daybrief.core.events import read_calendar
from daybrief.core.recurrence import expand_calendar

WINDOW = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "UTC", "Asia/Kolkata"]


def random_event(rng: random.Random, n: int) -> str:
    edge = rng.choice(WINDOW).replace(tzinfo=None)
    start = edge + timedelta(minutes=rng.randrange(-4 * 24 * 60, 4 * 24 * 60, 15))
    lines = [f"BEGIN:VEVENT\nUID:e{n}@x\nSUMMARY:e{n}"]
    kind = rng.choice(["zoned", "utc", "floating", "date"])
    if kind == "date":
        lines.append(f"DTSTART;VALUE=DATE:{start:%Y%m%d}")
    elif kind == "zoned":
        lines.append(f"DTSTART;TZID={rng.choice(ZONES)}:{start:%Y%m%dT%H%M%S}")
    else:
        lines.append(f"DTSTART:{start:%Y%m%dT%H%M%S}{'Z' if kind == 'utc' else ''}")
    ending = rng.choice(["none", "dtend", "duration", "days"])
    if ending == "dtend":
        end = start + timedelta(minutes=rng.randrange(0, 3 * 24 * 60, 30))
        if kind == "date":
            lines.append(f"DTEND;VALUE=DATE:{end:%Y%m%d}")
        else:
            zone = f";TZID={rng.choice(ZONES)}" if kind == "zoned" else ""
            lines.append(f"DTEND{zone}:{end:%Y%m%dT%H%M%S}{'Z' if kind == 'utc' else ''}")
    elif ending == "duration":
        lines.append(f"DURATION:PT{rng.randrange(0, 50)}H{rng.randrange(0, 60)}M")
    elif ending == "days":
        lines.append(f"DURATION:P{rng.randrange(0, 4)}DT{rng.randrange(0, 30)}H")
    lines.append("END:VEVENT\n")
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("floating", ["", "X-WR-TIMEZONE:Pacific/Kiritimati\n"])
def test_skipping_far_events_changes_nothing(seed: int, floating: str, monkeypatch) -> None:
    rng = random.Random(seed)
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\n"
        + floating
        + "".join(random_event(rng, n) for n in range(300))
        + "END:VCALENDAR\n"
    )
    calendar = read_calendar(text, "t.ics")
    user_zone = ZoneInfo(rng.choice(ZONES))
    fast = expand_calendar(calendar, *WINDOW, user_zone)
    monkeypatch.setattr(recurrence, "_far_outside", lambda *_: False)
    full = expand_calendar(calendar, *WINDOW, user_zone)
    assert fast.occurrences == full.occurrences
    assert fast.warnings == full.warnings
    assert 0 < len(full.occurrences) < 300  # both edges were exercised
