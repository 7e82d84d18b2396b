"""The PDF's page layout: a realistic 13-meeting day on at most 3 pages, no meeting split
across pages, no heading left alone at a page's foot, and poppler reads it without a
complaint (it rejected Qt's colourless pens: "Incorrect number of arguments in 'SCN'")."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pypdf = pytest.importorskip("pypdf", reason="pypdf (the test extra) reads the PDF back")
pdf = pytest.importorskip(
    "daybrief.ui.pdf", reason="Qt's GUI module cannot load here (no libEGL/fontconfig?)"
)

from daybrief.core.briefing import Briefing  # noqa: E402
from daybrief.services.export.html import render_html  # noqa: E402
from tests.services.test_briefing_golden import demo  # noqa: E402

HEADINGS = ("Problems", "Meetings", "Prep time", "Follow-ups", "Goals")


def realistic_day() -> Briefing:
    """The demo's six meetings and seven more: 13, half in another zone, long lines."""
    briefing = demo()
    meetings = list(briefing.meetings)
    new_york = ZoneInfo("America/New_York")
    for number in range(7):
        base = meetings[number % len(meetings)]
        start = base.start.replace(hour=8) + timedelta(minutes=45 * number)
        meetings.append(
            replace(
                base,
                ref=f"extra-{number}",
                title=f"{base.title}: follow-up number {number} with a long descriptive title",
                start=start,
                end=start + timedelta(minutes=40),
                organizer_start=start.astimezone(new_york),
                organizer_end=(start + timedelta(minutes=40)).astimezone(new_york),
                organizer_zone="America/New_York",
            )
        )
    meetings.sort(key=lambda entry: entry.start)
    return replace(briefing, meetings=tuple(meetings))


def pages_of(data: bytes) -> list[list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [
        [
            " ".join(unicodedata.normalize("NFKC", line).split())
            for line in page.extract_text().splitlines()
            if line.strip()
        ]
        for page in reader.pages
    ]


@pytest.fixture(scope="module")
def realistic_pdf() -> bytes:
    return pdf.html_to_pdf(render_html(realistic_day()))


def test_thirteen_meetings_fit_three_pages(realistic_pdf: bytes) -> None:
    briefing = realistic_day()
    assert len(briefing.meetings) == 13
    pages = pages_of(realistic_pdf)
    assert 2 <= len(pages) <= 3
    text = " ".join(" ".join(page) for page in pages)
    for entry in briefing.meetings:
        assert entry.title.split(":")[0] in text


def test_no_meeting_is_split_across_pages(realistic_pdf: bytes) -> None:
    """Each meeting's title and its attendee line ("With: …", its last detail line before
    the checklist) are on the same page."""
    pages = pages_of(realistic_pdf)
    assert len(pages) >= 2, "the check needs a page break to mean anything"
    for number, page in enumerate(pages):
        # A page may not start with a meeting's details: those belong with its title.
        first = page[0]
        assert not first.startswith(("Clients:", "With:", "Where:", "Not confirmed:")), (
            f"page {number + 1} starts in the middle of a meeting: {first!r}"
        )


def test_no_heading_alone_at_a_page_foot(realistic_pdf: bytes) -> None:
    for number, page in enumerate(pages_of(realistic_pdf)[:-1]):
        last = page[-1]
        assert not any(last.startswith(heading) for heading in HEADINGS), (
            f"page {number + 1} ends with the heading {last!r}"
        )


def test_long_organiser_time_wraps_inside_its_column(realistic_pdf: bytes) -> None:
    """ "08:45–09:25 America/New_York (organiser's time)" used to widen the time column;
    wrapped, the meeting's title stays on the same line as its time."""
    text = " ".join(" ".join(page) for page in pages_of(realistic_pdf))
    assert "organiser's" in text


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("page", ["a4", "letter"])
def test_poppler_reads_it_without_errors(tmp_path: Path, page: str) -> None:
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf.html_to_pdf(render_html(realistic_day()), page=page))
    for tool in (["pdfinfo", str(path)], ["pdftotext", str(path), str(tmp_path / "out.txt")]):
        finished = subprocess.run(tool, capture_output=True, text=True, check=False)
        assert finished.returncode == 0
        assert finished.stderr == "", finished.stderr
    assert "Acme quarterly business review" in (tmp_path / "out.txt").read_text()
