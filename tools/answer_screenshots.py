"""Screenshots of the answer controls (meeting detail, reminder bar, mail settings), in light
and dark, for looking at by eye:

    xvfb-run -a -s "-screen 0 1400x900x24" python tools/answer_screenshots.py [OUT_DIR]

A throwaway store with one invitation to answer, one series and one answered meeting.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from daybrief.services.importer import import_file
from daybrief.services.preferences import Preferences, resolve_zone, save_preferences
from daybrief.services.reminders import Kind, Reminder
from daybrief.services.storage import open_store
from daybrief.store.answers import PendingAnswers
from daybrief.ui.answering import MailSettingsDialog
from daybrief.ui.main_window import MainWindow

ME = "me@agency.example"


def calendar(day: datetime) -> str:
    stamp = f"{day:%Y%m%d}"
    return f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//screenshots//EN
BEGIN:VEVENT
UID:renewal@shots
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:{stamp}T103000
DTEND;TZID=Europe/Berlin:{stamp}T113000
SUMMARY:Globex renewal
LOCATION:Globex HQ, room 4
ORGANIZER;CN=Pat Lee:mailto:pat@globex.com
ATTENDEE;CN=Pat Lee;PARTSTAT=ACCEPTED:mailto:pat@globex.com
ATTENDEE;CN=Me;PARTSTAT=NEEDS-ACTION:mailto:{ME}
ATTENDEE;CN=Jo;PARTSTAT=TENTATIVE:mailto:jo@globex.com
END:VEVENT
BEGIN:VEVENT
UID:weekly@shots
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:{stamp}T140000
DTEND;TZID=Europe/Berlin:{stamp}T143000
RRULE:FREQ=WEEKLY;COUNT=6
SUMMARY:Weekly sync
ORGANIZER:mailto:pat@globex.com
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ME}
END:VEVENT
END:VCALENDAR
"""


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    folder = Path(tempfile.mkdtemp(prefix="daybrief-answer-shots-"))
    now = datetime.now(UTC)
    day = now + timedelta(days=1)
    with open_store(folder / "daybrief.sqlite3") as store:
        save_preferences(store, Preferences(addresses=(ME,), zone_name="Europe/Berlin"))
        path = folder / "work.ics"
        path.write_text(calendar(day), encoding="utf-8")
        zone = resolve_zone("Europe/Berlin")
        import_file(store, str(path), user_zone=zone, zone_name="Europe/Berlin", now=now)
        light = app.style().standardPalette()
        for palette, name in ((light, "light"), (_dark_palette(), "dark")):
            app.setPalette(palette)
            window = MainWindow(store, folder / "daybrief.sqlite3")
            window.resize(1360, 860)
            window.show()
            window.go_to(day.astimezone(zone).date())
            window.tabs.setCurrentIndex(1)
            window.agenda.selectRow(0)
            app.processEvents()
            _shot(window, out / f"answer-detail-{name}.png")
            window.agenda.selectRow(1)
            app.processEvents()
            _shot(window.detail, out / f"answer-series-{name}.png")
            PendingAnswers(store).set(
                "renewal@shots", "", "ACCEPTED", previous="NEEDS-ACTION", at=now
            )
            window.refresh()
            window.agenda.selectRow(0)
            app.processEvents()
            _shot(window.detail, out / f"answer-waiting-{name}.png")
            PendingAnswers(store).clear(["renewal@shots"])
            window.refresh()
            reminder = Reminder("before|renewal@shots", Kind.BEFORE, now, "Globex renewal",
                                "Starts in 30 min", meeting_key="renewal@shots")  # fmt: skip
            window.reminder_bar.show_reminder(reminder, reminder.title, reminder.message)
            app.processEvents()
            _shot(window.reminder_bar, out / f"answer-reminder-{name}.png")
            dialog = MailSettingsDialog(store, _NoSecrets(), window)
            dialog.show()
            app.processEvents()
            _shot(dialog, out / f"mail-settings-{name}.png")
            dialog.close()
            window.close()
    return 0


def _dark_palette() -> QPalette:
    """A dark palette as a dark desktop theme gives one (xvfb has no theme to ask)."""
    roles = QPalette.ColorRole
    palette = QPalette()
    for role, colour in (
        (roles.Window, "#2b2b2b"), (roles.WindowText, "#e6e6e6"), (roles.Base, "#1f1f1f"),
        (roles.AlternateBase, "#2f2f2f"), (roles.Text, "#e6e6e6"), (roles.Button, "#353535"),
        (roles.ButtonText, "#e6e6e6"), (roles.Highlight, "#3d6fb4"),
        (roles.HighlightedText, "#ffffff"), (roles.PlaceholderText, "#9a9a9a"),
        (roles.Link, "#8ab4f8"), (roles.ToolTipBase, "#353535"), (roles.ToolTipText, "#e6e6e6"),
    ):  # fmt: skip
        palette.setColor(role, QColor(colour))
    return palette


class _NoSecrets:
    def get(self, ref: str) -> None:
        return None

    def set(self, ref: str, secret: object) -> None:
        return None

    def delete(self, ref: str) -> None:
        return None


def _shot(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    raise SystemExit(main())
