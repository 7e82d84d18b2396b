"""Calendar text shown as the text it is, never as HTML.

Qt renders a label, message box or tooltip as rich text when the text merely looks like
HTML (``Qt.mightBeRichText``), so a calendar named ``<a href=…>`` became a clickable link
and a title with ``<img src="file:///…">`` loaded a local file. Widgets showing calendar
text use :func:`message` (a message box set to plain text) and :func:`plain_tip`.
"""

from __future__ import annotations

from html import escape

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

_TIP = "<p style='white-space:pre-wrap'>{}</p>"


def plain_tip(text: str | None) -> str | None:
    """A tooltip Qt shows literally: tag-like text is escaped (a tooltip has no plain-text
    switch), anything else is left as it is."""
    if not text or not Qt.mightBeRichText(text):
        return text
    return _TIP.format(escape(text))


def message(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox.StandardButton:
    """``QMessageBox.information`` and kin, with the text as plain text."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return QMessageBox.StandardButton(box.exec())
