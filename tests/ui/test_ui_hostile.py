"""Issue 19: calendar text is plain text in every widget and tooltip of the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtGui import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMessageBox,
    QTextEdit,
    QWidget,
)

from daybrief.services.credentials import SessionCredentials
from daybrief.services.jobs import SubscribeOutcome
from daybrief.services.preferences import Preferences, save_preferences
from daybrief.services.refresh import RefreshResult
from daybrief.services.sources import Subscription
from daybrief.store import Store, open_store
from daybrief.ui.main_window import MainWindow

EVENING = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
ME = "me@agency.example"
NAME = '<a href="https://phish.example/login">Your bank</a>'
TITLE = '<h1>Huge</h1><img src="file:///etc/passwd">'
RAW = ("<h1>Huge", '<img src="file:///etc', '<a href="https://phish')
CALENDAR = f"""BEGIN:VCALENDAR
VERSION:2.0
X-WR-CALNAME:{NAME}
BEGIN:VEVENT
UID:a@test
DTSTART:20260310T090000Z
DTEND:20260310T100000Z
SUMMARY:{TITLE}
LOCATION:{TITLE}
DESCRIPTION:{TITLE}
ORGANIZER;CN="{TITLE}":mailto:boss@client.example
ATTENDEE;CN="{TITLE}";PARTSTAT=NEEDS-ACTION:mailto:{ME}
END:VEVENT
BEGIN:VEVENT
UID:b@test
DTSTART:20260310T093000Z
DTEND:20260310T103000Z
SUMMARY:{TITLE} two
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(addresses=(ME,), zone_name="UTC"))
        yield opened


@pytest.fixture
def window(qtbot, store: Store, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    shown = MainWindow(store, store.path, clock=lambda: EVENING, credentials=SessionCredentials())
    qtbot.addWidget(shown)
    shown.show()
    path = tmp_path / "hostile.ics"
    path.write_text(CALENDAR, encoding="utf-8")
    assert shown.import_files([str(path)]) is not None
    qtbot.waitUntil(lambda: shown.job is None, timeout=20000)
    return shown


def _renders_markup(text: str | None) -> bool:
    """Whether Qt would take this text for HTML and it holds the calendar's markup raw."""
    return bool(text) and Qt.mightBeRichText(text) and any(raw in text for raw in RAW)


def _offences(root: QWidget) -> list[str]:
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if _renders_markup(widget.toolTip()):
            found.append(f"{name} tooltip: {widget.toolTip()[:80]}")
        if (
            isinstance(widget, QLabel)
            and widget.textFormat() != Qt.TextFormat.PlainText
            and _renders_markup(widget.text())
        ):
            found.append(f"{name} text: {widget.text()[:80]}")
        if isinstance(widget, QTextEdit):
            plain = widget.toPlainText()
            if "Huge" in plain and "<h1>Huge</h1>" not in plain:
                found.append(f"{name} renders the title as HTML: {plain[:80]}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    index = model.index(row, column)
                    for role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.StatusTipRole):
                        value = index.data(role)
                        if isinstance(value, str) and _renders_markup(value):
                            found.append(f"{name} item ({row},{column}) tip: {value[:80]}")
    return found


def test_every_widget_and_tooltip_shows_hostile_calendar_text_as_text(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.go_to(datetime(2026, 3, 10).date())
    assert window.agenda_model.rowCount() == 2
    shown_titles = [
        window.agenda_model.index(r, window.agenda_model.TITLE).data() for r in range(2)
    ]
    assert any(TITLE in (title or "") for title in shown_titles)  # the text is still all there
    window.agenda.selectRow(0)  # the detail pane shows the meeting
    qtbot.wait(50)
    offences = _offences(window)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        qtbot.wait(50)
        offences += _offences(window)
    assert window.hygiene_model.items()
    assert offences == []


def test_the_calendar_added_message_is_plain_text(window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[tuple[str, Qt.TextFormat]] = []

    def exec_(box: QMessageBox) -> int:
        shown.append((box.text(), box.textFormat()))
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    # The static helpers guess the format (and would block a test): record them as such.
    for helper in ("information", "warning", "question"):
        monkeypatch.setattr(
            QMessageBox,
            helper,
            lambda _p, _t, text, *_a: shown.append((text, Qt.TextFormat.AutoText)),
        )
    added = RefreshResult(1, NAME, "updated")
    window._subscribe_finished(SubscribeOutcome(Subscription(added=(added,))))
    assert shown and NAME in shown[0][0]
    assert shown[0][1] == Qt.TextFormat.PlainText
