"""The briefing as PDF, drawn by Qt's own writer from the exported HTML (no extra engine).

Usable headless (``daybrief brief --format pdf`` from cron): the caller sets
``QT_QPA_PLATFORM=offscreen`` when there is no display, before this module is imported.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

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
    document.print_(writer)
    del writer  # finishes the PDF into the buffer
    buffer.close()
    return bytes(data.data())
