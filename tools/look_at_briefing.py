"""Render the demo (and hostile) briefing and take pictures of it, to look at by eye.

Not part of the test run. Writes into OUT (default /tmp/daybrief-look):
  demo.html / demo.png           the HTML in headless Chromium, screen width
  demo-narrow.png                the same at phone width
  demo-chromium-a4.pdf           Chromium's print of the HTML (how a browser prints it)
  demo-qt.pdf, demo-qt-N.png     the PDF from Qt's writer, pages as PNG (pdftoppm)
  changed.html / changed.png     the morning after: what changed since the evening, wins
  hostile.html / hostile.png     the hostile calendar of the tests

    PYTHONPATH=desktop python tools/look_at_briefing.py [OUT]

Needs chromium (apt-get install chromium) and pdftoppm (poppler-utils); skips what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daybrief.core.briefing import (
    ChecklistEntry,
    FollowUpEntry,
    GoalEntry,
    LastLook,
    UserInputs,
    build_briefing,
)
from daybrief.core.clients import ClientDirectory
from daybrief.core.clock import FixedClock
from daybrief.core.demo import DEMO_USER, demo_calendar, demo_user_inputs
from daybrief.core.engine import occurrences_between
from daybrief.core.events import read_calendar
from daybrief.services.briefing import demo_briefing, render

ZONE = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 23)


def chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def screenshot(html: Path, png: Path, width: int = 1000, height: int = 2400) -> None:
    browser = chromium()
    if browser is None:
        print("no chromium: skipped", png.name)
        return
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--screenshot={png}", f"--window-size={width},{height}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    print("wrote", png)


def chromium_pdf(html: Path, pdf: Path) -> None:
    browser = chromium()
    if browser is None:
        return
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    print("wrote", pdf)


def pdf_pages(pdf: Path, prefix: Path) -> None:
    if shutil.which("pdftoppm") is None:
        print("no pdftoppm: skipped", pdf.name)
        return
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)], check=True, capture_output=True
    )
    print("wrote", prefix, "pages")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/daybrief-look")
    out.mkdir(parents=True, exist_ok=True)
    evening = FixedClock(datetime(2026, 11, 23, 17, 5, tzinfo=ZONE))
    demo = demo_briefing(TODAY, None, ZONE, evening).briefing
    (out / "demo.html").write_bytes(render(demo, "html"))
    screenshot(out / "demo.html", out / "demo.png")
    screenshot(out / "demo.html", out / "demo-narrow.png", width=420, height=2400)
    chromium_pdf(out / "demo.html", out / "demo-chromium-a4.pdf")

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from daybrief.ui.pdf import html_to_pdf

    (out / "demo-qt.pdf").write_bytes(html_to_pdf(render(demo, "html").decode()))
    pdf_pages(out / "demo-qt.pdf", out / "demo-qt")

    # The morning after: the QBR was at 09:30 last evening, a meeting has gone since.
    snapshot = list(demo.snapshot())
    qbr = next(i for i, s in enumerate(snapshot) if s.ref == "demo-qbr")
    snapshot[qbr] = replace(
        snapshot[qbr], start=snapshot[qbr].start - timedelta(minutes=30), unconfirmed=False
    )
    gone_start = datetime(2026, 11, 24, 16, 0, tzinfo=ZONE).astimezone(UTC)
    snapshot.append(replace(snapshot[0], ref="gone", summary="Internal pipeline review",
                            start=gone_start, end=gone_start + timedelta(hours=1)))  # fmt: skip
    look = LastLook(evening.now(), tuple(snapshot))
    after = FixedClock(datetime(2026, 11, 24, 18, 0, tzinfo=ZONE))
    calendar = read_calendar(demo_calendar(TODAY), "demo.ics", "Demo")
    start = datetime(2026, 11, 24, tzinfo=ZONE)
    occurrences = occurrences_between([calendar], start, start + timedelta(days=1), ZONE)
    user = _demo_user(look)
    changed = build_briefing(date(2026, 11, 24), occurrences.occurrences, ZONE, after, user)
    (out / "changed.html").write_bytes(render(changed, "html"))
    screenshot(out / "changed.html", out / "changed.png")

    from tests.services.test_briefing_hostile import hostile_briefing

    (out / "hostile.html").write_bytes(render(hostile_briefing(), "html"))
    screenshot(out / "hostile.html", out / "hostile.png", height=1600)
    return 0


def _demo_user(look: LastLook) -> UserInputs:
    """The demo user's inputs plus a last look, a done follow-up and a reached goal."""
    data = demo_user_inputs(date(2026, 11, 24))
    done_at = datetime(2026, 11, 24, 15, 30, tzinfo=ZONE)
    return UserInputs(
        me=frozenset({DEMO_USER}),
        clients=ClientDirectory.for_user([DEMO_USER], ["gmail.com"]),
        checklists={
            uid: [ChecklistEntry(t, r, d) for t, r, d in items]
            for uid, items in data.checklists.items()
        },
        follow_ups=(
            *(FollowUpEntry(i, t, due, c, meeting_uid=u) for i, t, due, c, u in data.follow_ups),
            FollowUpEntry(9, "Sent Umbrella the demo recording", None, "Umbrella", True, done_at),
        ),
        goals=(GoalEntry(data.goals[0], done=True), GoalEntry(data.goals[1])),
        last_look=look,
    )


if __name__ == "__main__":
    raise SystemExit(main())
