"""The briefing as PDF, drawn by Qt's own writer from the exported HTML (no extra engine).

Usable headless (``daybrief brief --format pdf`` from cron): the caller sets
``QT_QPA_PLATFORM=offscreen`` when there is no display, before this module is imported.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
)

PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}

# QTextDocument needs a QGuiApplication for fonts. When none exists (the command line) one
# is made and kept: destroying it and making another later in one process crashes Qt.
_made_app: list[QGuiApplication] = []


def _ensure_app() -> None:
    if QGuiApplication.instance() is None:
        _made_app.append(QGuiApplication(["daybrief"]))


def html_to_pdf(html: str, page: str = "a4", title: str = "Daybrief briefing") -> bytes:
    """``html`` laid out on ``page`` (a4 or letter) paper with 14 mm margins, as PDF bytes.

    Raises:
        ValueError: for an unknown page size.
        RuntimeError: when Qt cannot open its output.
    """
    size = PAGE_SIZES.get(page.lower())
    if size is None:
        raise ValueError(f"unknown page size {page!r} (a4 or letter)")
    _ensure_app()
    data = QByteArray()
    buffer = QBuffer(data)
    if not buffer.open(QIODevice.OpenModeFlag.WriteOnly):
        raise RuntimeError("cannot open a buffer for the PDF")
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Daybrief")
    writer.setPageSize(QPageSize(size))
    writer.setPageMargins(QMarginsF(14, 14, 14, 14), QPageLayout.Unit.Millimeter)
    # 300 dpi keeps the file small; text stays vector at any resolution.
    writer.setResolution(300)
    document = QTextDocument()
    document.setHtml(html)
    # Lay the text out on the printable area, measured in the screen pixels Qt sizes fonts
    # in; left to itself Qt picks a narrower page and leaves wide empty margins on paper.
    printable = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
    screen = QGuiApplication.primaryScreen()
    scale = (screen.logicalDotsPerInch() if screen is not None else 96.0) / 72.0
    document.setPageSize(QSizeF(printable.width() * scale, printable.height() * scale))
    keep_together(document)
    _paint_pages(document, writer)
    del writer  # finishes the PDF into the buffer
    buffer.close()
    return bytes(data.data())


def _paint_pages(document: QTextDocument, writer: QPdfWriter) -> None:
    """Each page of the laid-out document onto the writer, ourselves rather than through
    ``print_``: it lays the document out again (losing nothing, but adding a blank last
    page when the page breaks leave the bottom margin past a page's end)."""
    page = document.pageSize()
    pixels = writer.pageLayout().paintRectPixels(writer.resolution())
    factor = pixels.width() / page.width()
    units = _units(document)
    end = max((_rect(document, unit).bottom() for unit in units), default=0.0)
    pages = max(1, math.ceil(end / page.height()))
    painter = QPainter(writer)
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.scale(factor, factor)
            top = number * page.height()
            painter.translate(0, -top)
            document.drawContents(painter, QRectF(0, top, page.width(), page.height()))
            painter.restore()
    finally:
        painter.end()


_Unit = QTextBlock | QTextFrame
_MAX_PASSES = 200


def _units(document: QTextDocument) -> list[_Unit]:
    """The root frame's children in order: paragraphs, headings and tables."""
    units: list[_Unit] = []
    iterator = document.rootFrame().begin()
    while not iterator.atEnd():
        frame = iterator.currentFrame()
        units.append(frame if frame is not None else iterator.currentBlock())
        iterator += 1
    return units


def _rect(document: QTextDocument, unit: _Unit) -> QRectF:
    layout = document.documentLayout()
    if isinstance(unit, QTextFrame):
        return layout.frameBoundingRect(unit)
    return layout.blockBoundingRect(unit)


def _is_heading(unit: _Unit) -> bool:
    return isinstance(unit, QTextBlock) and unit.blockFormat().headingLevel() > 0


def _break_before(unit: _Unit) -> None:
    policy = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
    if isinstance(unit, QTextFrame):
        frame_format = unit.frameFormat()
        frame_format.setPageBreakPolicy(policy)
        unit.setFrameFormat(frame_format)
    else:
        cursor = QTextCursor(unit)
        block_format = unit.blockFormat()
        block_format.setPageBreakPolicy(policy)
        cursor.setBlockFormat(block_format)


def keep_together(document: QTextDocument) -> None:
    """Start a new page before anything that would straddle two: a meeting (one table each)
    or a paragraph stays whole, and a heading moves with what follows it.

    Qt's layout splits tables and paragraphs wherever the page ends and ignores CSS's
    page-break-inside/after, so this measures the laid-out document and adds page breaks,
    one at a time (each moves everything after it).
    """
    page = document.pageSize().height()
    if page <= 0:
        return
    done: set[int] = set()
    for _ in range(_MAX_PASSES):
        units = _units(document)
        moved = False
        for number, unit in enumerate(units):
            rect = _rect(document, unit)
            top, bottom = rect.top(), rect.bottom()
            # A heading is measured with the unit after it, and the break goes before both.
            if _is_heading(unit) and number + 1 < len(units):
                bottom = max(bottom, _first_line_bottom(document, units[number + 1]))
            first, last = int(top // page), int((bottom - 1) // page)
            if first == last or bottom - top >= page * 0.9 or number == 0:
                continue
            # The heading right before keeps its unit company.
            target = unit
            if number > 0 and _is_heading(units[number - 1]):
                target = units[number - 1]
            key = _position(target)
            if key in done:
                continue
            done.add(key)
            _break_before(target)
            moved = True
            break
        if not moved:
            return


def _position(unit: _Unit) -> int:
    if isinstance(unit, QTextFrame):
        return unit.firstPosition()
    return unit.position()


def _first_line_bottom(document: QTextDocument, unit: _Unit) -> float:
    """Where the unit after a heading has shown something: a whole table (a meeting), or a
    paragraph's first line."""
    rect = _rect(document, unit)
    if isinstance(unit, QTextFrame):
        return rect.bottom()
    layout = unit.layout()
    if layout is not None and layout.lineCount() > 0:
        return rect.top() + layout.lineAt(0).rect().bottom()
    return rect.bottom()
