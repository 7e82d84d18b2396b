"""The briefing page: the day (docs/semantics.md), goals to pick, exports in every format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daybrief.core.briefing import Briefing, PrepSlot, suggest_goals
from daybrief.services.briefing import briefing_from_store, mark_seen, render
from daybrief.services.export._common import safe_url
from daybrief.services.export.html import render_html
from daybrief.services.export.ics import prep_slots_ics
from daybrief.services.storage import Store, UserData

MAX_GOALS = 5
EXPORTS = (
    ("html", "Web page (.html)…", "html"),
    ("pdf", "PDF…", "pdf"),
    ("md", "Markdown…", "md"),
    ("txt", "Plain text…", "txt"),
    ("eml", "Email to myself (.eml)…", "eml"),
    ("followups-ics", "Follow-ups as tasks (.ics)…", "ics"),
    ("prep-ics", "Prep time as events (.ics)…", "ics"),
)


class CallableClock:
    """The window's clock (a function) as the briefing's Clock protocol."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now()


def export_bytes(briefing: Briefing, fmt: str) -> bytes:
    if fmt == "pdf":
        from daybrief.ui.pdf import html_to_pdf

        return html_to_pdf(render_html(briefing))
    return render(briefing, fmt)


class GoalsDialog(QDialog):
    """Pick at most a handful of goals for the day from what is open."""

    def __init__(
        self, chosen: list[str], offered: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Today's goals")
        self.list = QListWidget()
        for text in [*chosen, *[o for o in offered if o not in chosen]]:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if text in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.note = QLabel(f"Pick at most {MAX_GOALS}: the few that make the day a success.")
        self.list.itemChanged.connect(self._limit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def picked(self) -> list[str]:
        return [
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _limit(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and len(self.picked()) > MAX_GOALS:
            item.setCheckState(Qt.CheckState.Unchecked)
            self.note.setText(f"At most {MAX_GOALS} goals: untick one first.")


class BriefingPage(QWidget):
    """Shows a day's briefing; ``open_meeting`` asks the window to show a meeting's detail."""

    open_meeting = Signal(str, object)  # meeting key, day

    def __init__(
        self, store: Store, clock: Callable[[], datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.clock = CallableClock(clock)
        self.briefing: Briefing | None = None
        self.zone_of: Callable[[], object] | None = None
        self.title = QLabel()
        self.goals_button = QPushButton("Pick today's goals…")
        self.goals_button.clicked.connect(self.pick_goals)
        self.redact = QCheckBox("Redacted")
        self.redact.setToolTip(
            "Leave out descriptions, dial-in codes and links, and attendee addresses"
        )
        self.redact.toggled.connect(lambda _on: self.reload())
        self.export_button = QToolButton(text="Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for fmt, label, _suffix in EXPORTS:
            menu.addAction(label, lambda f=fmt: self.export(f))
        self.export_button.setMenu(menu)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._link)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.goals_button)
        bar.addWidget(self.redact)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view)

    def show_day(self, day: date, zone: object) -> Briefing:
        self._zone = zone
        self._day = day
        return self.reload()

    def reload(self) -> Briefing:
        briefing = briefing_from_store(
            self.store,
            self._day,
            self._zone,
            self.clock,
            redact=self.redact.isChecked(),  # type: ignore[arg-type]
        )
        self.briefing = briefing
        scroll = self.view.verticalScrollBar().value()
        self.view.setHtml(render_html(briefing))
        self.view.verticalScrollBar().setValue(scroll)
        problems = len(briefing.problems)
        self.title.setText(
            f"<b>Briefing for {briefing.day:%A %d %B}</b> — "
            + (f"{problems} problem(s)" if problems else "no problems")
        )
        return briefing

    def mark_seen(self) -> None:
        """The user has looked: the next briefing shows what changed since this one."""
        if self.briefing is not None:
            mark_seen(self.store, self.briefing, self.clock.now())

    def _link(self, url: QUrl) -> None:
        briefing = self.briefing
        if url.scheme() == "" and url.fragment().startswith("m") and briefing is not None:
            index = url.fragment()[1:]
            if index.isdigit() and int(index) < len(briefing.meetings):
                self.open_meeting.emit(briefing.meetings[int(index)].ref, briefing.day)
            return
        safe = safe_url(url.toString())
        if safe is not None:
            QDesktopServices.openUrl(QUrl(safe))

    def pick_goals(self) -> None:
        briefing = self.briefing
        if briefing is None:
            return
        goals = UserData.of(self.store).goals
        current = goals.for_day(briefing.day)
        chosen = [goal.text for goal in current]
        # Yesterday's unfinished goals come first: never silently dropped.
        earlier = [
            goal.text
            for back in range(1, 8)
            for goal in goals.for_day(briefing.day - timedelta(days=back))
            if not goal.done
        ]
        offered = list(dict.fromkeys([*earlier, *suggest_goals(briefing, limit=8)]))
        dialog = GoalsDialog(chosen, offered, self)
        if not dialog.exec():
            return
        picked = dialog.picked()
        with self.store.transaction():
            for goal in current:
                if goal.text not in picked and not goal.done:
                    goals.delete(goal.id)
            for text in picked:
                if text not in chosen:
                    goals.add(briefing.day, text)
        self.reload()

    def export(self, fmt: str) -> Path | None:
        briefing = self.briefing
        if briefing is None:
            return None
        slots = None
        if fmt == "prep-ics":
            slots = self.choose_prep_slots()
            if slots is None:
                return None
        suffix = next(s for f, _l, s in EXPORTS if f == fmt)
        default = Path.home() / f"briefing-{briefing.day.isoformat()}.{suffix}"
        name, _ = QFileDialog.getSaveFileName(self, "Export the briefing", str(default))
        if not name:
            return None
        return self.export_to(fmt, Path(name), slots=slots)

    def choose_prep_slots(self) -> list[PrepSlot] | None:
        """Which suggested prep slots to export (all are ticked to begin with)."""
        briefing = self.briefing
        if briefing is None or not briefing.prep_slots:
            QMessageBox.information(self, "Prep time", "No prep time to suggest for this day.")
            return None
        dialog = QDialog(self)
        dialog.setWindowTitle("Prep time to block")
        slots = QListWidget()
        for slot in briefing.prep_slots:
            label = f"{slot.start:%H:%M}–{slot.end:%H:%M} before {slot.title}"
            if slot.open_items:
                label += f" ({', '.join(slot.open_items)})"
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            slots.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Export these as events to add to your calendar:"))
        layout.addWidget(slots)
        layout.addWidget(buttons)
        self.prep_dialog = slots
        if not dialog.exec():
            return None
        return [
            slot
            for row, slot in enumerate(briefing.prep_slots)
            if slots.item(row).checkState() == Qt.CheckState.Checked
        ]

    def export_to(
        self, fmt: str, path: Path, *, slots: Sequence[PrepSlot] | None = None
    ) -> Path | None:
        briefing = self.briefing
        if briefing is None:
            return None
        try:
            if fmt == "prep-ics":
                path.write_text(prep_slots_ics(briefing, slots), encoding="utf-8", newline="")
                return path
            path.write_bytes(export_bytes(briefing, fmt))
        except (OSError, RuntimeError, ValueError) as error:
            QMessageBox.warning(self, "Export", f"Could not write {path}: {error}")
            return None
        self.mark_seen()
        return path
