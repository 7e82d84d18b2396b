"""Screenshots of every screen of the window, on the demo calendar, for looking at by eye.

    xvfb-run -a -s "-screen 0 2000x1200x24" python tools/screenshots.py [OUT_DIR] \
        [--dark] [--size 1024x700]

Uses a throwaway store; the day is whatever today is (the demo is made relative to it).
Each file name carries the look and the size (01-empty-light-1024x700.png).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from daybrief.core.demo import next_working_day
from daybrief.services.edits import RuleKind
from daybrief.store import open_store
from daybrief.ui.dialogs import CalendarsDialog, ImportReportDialog, SettingsDialog, TemplatesDialog
from daybrief.ui.main_window import MainWindow
from daybrief.ui.theme import apply as apply_theme


def main() -> int:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    dark = "--dark" in sys.argv
    size = (1360, 820)
    if "--size" in sys.argv:
        width, height = sys.argv[sys.argv.index("--size") + 1].split("x")
        size = (int(width), int(height))
        arguments = [a for a in arguments if a != f"{width}x{height}"]
    out = Path(arguments[0] if arguments else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_theme("dark" if dark else "light")
    suffix = f"-{'dark' if dark else 'light'}-{size[0]}x{size[1]}"
    folder = Path(tempfile.mkdtemp(prefix="daybrief-shots-"))
    store = open_store(folder / "daybrief.sqlite3")
    window = MainWindow(store, folder / "daybrief.sqlite3")
    window.resize(*size)
    window.show()
    steps: list[Callable[[], None]] = []

    def shot(widget: QWidget, name: str) -> None:
        widget.grab().save(str(out / f"{name}{suffix}.png"))
        print(out / f"{name}{suffix}.png")

    def dialog_shot(dialog: QWidget, name: str) -> None:
        dialog.show()
        app.processEvents()
        shot(dialog, name)
        dialog.close()

    steps.append(lambda: shot(window, "01-empty"))

    def demo() -> None:
        window.load_demo()
        window.go_to(next_working_day(window.today()))
        window.agenda.selectRow(1)

    steps.append(demo)
    steps.append(lambda: shot(window, "02-briefing"))
    steps.append(lambda: (window.tabs.setCurrentIndex(1), shot(window, "02-day-detail")))
    steps.append(lambda: window.show_as_list(True))  # laid out before the shot
    steps.append(lambda: (shot(window, "02a-day-list"), window.show_as_list(False)))
    steps.append(lambda: (window.tabs.setCurrentIndex(2), shot(window, "03-week")))
    steps.append(
        lambda: (
            window.tabs.setCurrentIndex(3),
            window.select_problem(0),
            shot(window, "04-hygiene"),
        )
    )
    steps.append(lambda: dialog_shot(SettingsDialog(window.preferences, [], window), "05-settings"))
    steps.append(lambda: window.tabs.setCurrentIndex(4))  # the list comes from a worker
    steps.append(lambda: shot(window, "04b-clients"))
    steps.append(lambda: (window.tabs.setCurrentIndex(5), shot(window, "04c-follow-ups")))
    steps.append(lambda: (window.show_review(), shot(window, "04d-review")))

    def subscribe() -> None:
        from daybrief.ui.dialogs import SubscribeDialog

        dialog_shot(SubscribeDialog(window), "05b-add-address")

    steps.append(subscribe)

    def welcome() -> None:
        dialog = window.welcome()
        app.processEvents()
        shot(dialog, "05c-welcome")
        dialog.reject()

    steps.append(welcome)

    def templates() -> None:
        data = window.data
        if not data.templates():
            template = data.create_template("Quarterly business review")
            for text in ("Deck ready", "Usage report", "Agenda sent 24 h before"):
                data.add_template_item(template.id, text, required=True)
            data.add_rule(RuleKind.TITLE_KEYWORD, "QBR, quarterly business review", template.id)
        dialog_shot(TemplatesDialog(data, window), "06-templates")

    steps.append(templates)
    steps.append(lambda: dialog_shot(CalendarsDialog(store, window), "07-calendars"))

    def report() -> None:
        from daybrief.core.errors import ReadWarning

        warnings = [
            ReadWarning("work.ics", 120, "abc@x", "DTSTART: not a date or date-time: '2026031X'"),
            ReadWarning("work.ics", 348, None, "event without UID: kept, but it cannot hold notes"),
        ]
        dialog = ImportReportDialog(
            ["work.ics: 412 occurrences; 412 added, 0 moved, 0 cancelled, 0 removed, 2 skipped"],
            warnings,
            ["broken.ics: not an iCalendar file (no BEGIN:VCALENDAR)"],
            window,
        )
        dialog_shot(dialog, "08-import-report")

    steps.append(report)

    def tray_and_reminder() -> None:
        from daybrief.services.reminders import Kind, Reminder
        from daybrief.ui.application import connect_tray

        tray = connect_tray(window, use_tray=False)
        tray.menu.popup(window.mapToGlobal(window.rect().center()))
        app.processEvents()
        shot(tray.menu, "09-tray-menu")
        tray.menu.hide()
        reminder = Reminder(
            key="example",
            kind=Kind.BEFORE,
            due=window.clock(),
            title="Deck ready not done — Acme quarterly business review in 30 min",
            message="Acme quarterly business review at 10:00: Deck ready; Agenda sent 24 h before",
            meeting_key="demo-qbr",
        )
        window.tabs.setCurrentIndex(1)
        window.reminder_bar.show_reminder(reminder, reminder.title, reminder.message)
        app.processEvents()
        shot(window, "10-reminder-in-window")

    steps.append(tray_and_reminder)
    steps.append(app.quit)

    def run_next() -> None:
        if steps:
            steps.pop(0)()
            QTimer.singleShot(250, run_next)

    QTimer.singleShot(300, run_next)
    app.exec()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
