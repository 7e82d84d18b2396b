"""Golden files of every export format for the demo calendar, at a fixed day, zone and clock.

Regenerate after an intended change, then review the diff by eye (and the HTML with
``python tools/look_at_briefing.py``) before committing::

    DAYBRIEF_REGEN_GOLDEN=1 PYTHONPATH=desktop pytest tests/services/test_briefing_golden.py

The demo's floating times read as office hours in any zone; Europe/Berlin and a clock on
the evening before make the day and "now" fixed.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.briefing import Briefing
from daybrief.core.clock import FixedClock
from daybrief.services.briefing import demo_briefing, render

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
REGEN = os.environ.get("DAYBRIEF_REGEN_GOLDEN") == "1"
ZONE = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 23)  # a Monday: the briefing is Tuesday's
CLOCK_AT = datetime(2026, 11, 23, 17, 5, tzinfo=ZONE)


def demo(*, redact: bool = False) -> Briefing:
    return demo_briefing(TODAY, None, ZONE, FixedClock(CLOCK_AT), redact=redact).briefing


def normalise_eml(text: str) -> str:
    """Message-ID, Date and MIME boundaries differ per run; nothing else may."""
    text = re.sub(r"(?m)^Message-ID:\s*<[^>]+>", "Message-ID: <MESSAGE-ID>", text)
    text = re.sub(r"(?m)^Date: .*$", "Date: DATE", text)
    for boundary in set(re.findall(r'boundary="([^"]+)"', text)):
        text = text.replace(boundary, "BOUNDARY")
    return text


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"no golden {path.name}: run with DAYBRIEF_REGEN_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from its golden file (regen: see module doc)"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("txt", "demo.txt"),
        ("md", "demo.md"),
        ("html", "demo.html"),
        ("followups-ics", "demo-followups.ics"),
        ("prep-ics", "demo-prep.ics"),
    ],
)
def test_demo_matches_golden(fmt: str, name: str) -> None:
    check(name, render(demo(), fmt).decode("utf-8"))


def test_demo_eml_matches_golden() -> None:
    check("demo.eml", normalise_eml(render(demo(), "eml").decode("ascii")))


@pytest.mark.parametrize(
    ("fmt", "name"), [("md", "demo-redacted.md"), ("txt", "demo-redacted.txt")]
)
def test_redacted_demo_matches_golden(fmt: str, name: str) -> None:
    check(name, render(demo(redact=True), fmt).decode("utf-8"))


def test_golden_content_says_what_the_spec_asks() -> None:
    """Guards the goldens themselves: a regen cannot silently bless a briefing without these."""
    text = render(demo(), "txt").decode()
    assert text.index("PROBLEMS") < text.index("MEETINGS") < text.index("FOLLOW-UPS")
    assert "Briefing for Tuesday 24 November 2026" in text
    assert "First meeting 09:00, 6 meetings" in text
    for expected in (
        "Double-booking: Acme quarterly business review (10:00–11:30) and Globex renewal call",
        "Not confirmed: Globex renewal call (11:00): you have not answered",
        "waiting on 1 of 1: Tom Becker",
        "Open items: Acme quarterly business review (10:00): 1 required item not done",
        "Send Globex the revised pricing (overdue 2 days)",
        "Close the Globex renewal",
    ):
        assert expected in text


def test_the_eml_normalisation_leaves_the_rest_alone() -> None:
    raw = render(demo(), "eml").decode("ascii")
    normalised = normalise_eml(raw)
    assert "Subject: Briefing for Tue 24 Nov 2026: 6 meetings, 8 problems" in normalised
    assert "To: sam.rivera@brightpath.example" in normalised
    assert normalised.count("BOUNDARY") == 4  # the header's and three delimiters
