"""The PDF from Qt's own writer: real pages, the right paper, the briefing's text in it,
and hostile calendar text shown as text."""

from __future__ import annotations

import io
import unicodedata

import pytest

pypdf = pytest.importorskip("pypdf", reason="pypdf (the test extra) reads the PDF back")
pdf = pytest.importorskip(
    "daybrief.ui.pdf", reason="Qt's GUI module cannot load here (no libEGL/fontconfig?)"
)

from daybrief.services.briefing import render  # noqa: E402
from tests.services.test_briefing_golden import demo  # noqa: E402
from tests.services.test_briefing_hostile import hostile_briefing  # noqa: E402

MM_PER_POINT = 25.4 / 72


def words(data: bytes) -> tuple[str, list[tuple[float, float]]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    raw = "".join(page.extract_text() for page in reader.pages)
    sizes = [
        (float(p.mediabox.width) * MM_PER_POINT, float(p.mediabox.height) * MM_PER_POINT)
        for p in reader.pages
    ]
    # Qt writes ligatures (ﬁ) and spaces words with tabs; compare words, not glyphs.
    return " ".join(unicodedata.normalize("NFKC", raw).split()), sizes


@pytest.mark.parametrize(("page", "size_mm"), [("a4", (210, 297)), ("letter", (215.9, 279.4))])
def test_demo_pdf_has_the_briefing_on_the_chosen_paper(
    page: str, size_mm: tuple[float, float]
) -> None:
    data = pdf.html_to_pdf(render(demo(), "html").decode(), page=page)
    assert data.startswith(b"%PDF-")
    text, sizes = words(data)
    for expected in (
        "Briefing for Tuesday 24 November 2026",
        "Problems (8)",
        "Acme quarterly business review",
        "waiting on 1 of 1: Tom Becker",
        "Send Globex the revised pricing",
        "Close the Globex renewal",
    ):
        assert expected in text
    assert text.index("Problems") < text.index("Meetings") < text.index("Follow-ups")
    for width, height in sizes:
        assert width == pytest.approx(size_mm[0], abs=1)
        assert height == pytest.approx(size_mm[1], abs=1)


def test_hostile_text_is_printed_as_text() -> None:
    data = pdf.html_to_pdf(render(hostile_briefing(), "html").decode())
    text, _ = words(data)
    assert "<script>alert(1)</script>" in text


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="a4 or letter"):
        pdf.html_to_pdf("<p>x</p>", page="tabloid")
