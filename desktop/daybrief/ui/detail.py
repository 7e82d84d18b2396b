"""The meeting detail pane: every field, attendees with answers, checklist, follow-ups, notes.

Every edit goes to the store when it is made (docs/semantics.md); the pane only reflects it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from html import escape

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daybrief.core.model import Occurrence
from daybrief.services.agenda import AgendaRow
from daybrief.services.edits import ChecklistItem, Edits, FollowUp
from daybrief.services.export._common import safe_url
from daybrief.services.files import FileSystem, check_file_items
from daybrief.services.followups import (
    NextMeeting,
    due_end_of_week,
    due_next_working_day,
    due_tomorrow,
)
from daybrief.services.preferences import Preferences
from daybrief.ui.answering import AnswerControls
from daybrief.ui.models import ChecklistModel, FollowUpModel, answers_label
from daybrief.ui.theme import css, tone


class FitBrowser(QTextBrowser):
    """A read-only browser exactly as tall as its text: the pane around it scrolls."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _size: self._fit())

    def _fit(self) -> None:
        height = self.document().size().height() + 2 * self.frameWidth() + 2
        self.setFixedHeight(int(height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


def link_html(url: str, text: str | None = None) -> str:
    """A link only for what a click may open (http, https, mailto); else plain text."""
    label = escape(text or url)
    safe = safe_url(url)
    return f'<a href="{escape(safe, quote=True)}">{label}</a>' if safe else label


def _section(title: str) -> QLabel:
    label = QLabel(f"<b>{escape(title)}</b>")
    label.setContentsMargins(0, 8, 0, 2)
    return label


class MeetingDetail(QWidget):
    """Shows one agenda row; ``changed`` fires after an edit so the agenda can refresh."""

    changed = Signal()

    def __init__(
        self,
        data: Edits,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        file_system: FileSystem | None = None,
    ) -> None:
        super().__init__(parent)
        self._data = data
        self._clock = clock
        self._file_system = file_system
        self._row: AgendaRow | None = None
        self._notes_timer = QTimer(self, singleShot=True, interval=400)
        self._notes_timer.timeout.connect(self._save_notes)

        # A compact header (title, time, problems) that never scrolls away, then the
        # calendar's fields and the editable parts in one scrolling column: no pane inside
        # the pane with its own scrollbar.
        self.title = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        self.title.setFont(title_font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.when = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.problems = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        tone(self.problems, "problem")
        self.info = FitBrowser(openExternalLinks=True)
        self.info.setFrameShape(QFrame.Shape.NoFrame)

        self.checklist_model = ChecklistModel(self._toggle_item, self)
        self.checklist = QListView()
        self.checklist.setModel(self.checklist_model)
        self.checklist.setMinimumHeight(110)
        self.new_item = QLineEdit(placeholderText="Add an item (Enter)…")
        self.new_item.returnPressed.connect(self._add_item)
        self.new_item_required = QCheckBox("Required")
        self.template_box = QComboBox()
        self.template_box.setToolTip("Apply a template's items (never adds an item twice)")
        apply_template = QPushButton("Apply")
        apply_template.clicked.connect(self._apply_template)
        self.item_up = QToolButton(text="↑", toolTip="Move up")
        self.item_down = QToolButton(text="↓", toolTip="Move down")
        self.item_required = QPushButton("Required/optional")
        self.item_delete = QPushButton("Delete")
        self.item_file = QPushButton("File…")
        self.item_file.setToolTip(
            "Tie the item to a file or folder, e.g. ~/Clients/{client}/*QBR*.pptx: it ticks "
            "itself when a matching file changed since your last meeting with the client"
        )
        self.item_file.clicked.connect(self._set_file_pattern)
        self.item_up.clicked.connect(lambda: self._move_item(-1))
        self.item_down.clicked.connect(lambda: self._move_item(1))
        self.item_required.clicked.connect(self._toggle_required)
        self.item_delete.clicked.connect(self._delete_item)
        self.checklist.installEventFilter(self)

        self.follow_up_model = FollowUpModel(self._toggle_follow_up, self)
        self.follow_ups = QListView()
        self.follow_ups.setModel(self.follow_up_model)
        self.follow_ups.setMinimumHeight(80)
        self.new_follow_up = QLineEdit(placeholderText="Add a follow-up (Enter)…")
        self.new_follow_up.returnPressed.connect(self._add_follow_up)
        self.follow_up_due = QDateEdit(calendarPopup=True)
        self.follow_up_due.setDisplayFormat("ddd d MMM yyyy")
        # With no meeting shown the field is blank, not a disabled "Sat 1 Jan 2000".
        self.follow_up_due.setSpecialValueText(" ")
        self.follow_up_client = QComboBox()
        self.due_picks = QToolButton(text="…")
        self.due_picks.setToolTip("Quick due dates")
        self.due_picks.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.due_picks.setMenu(QMenu(self.due_picks))
        self.due_picks.menu().aboutToShow.connect(self._fill_due_picks)
        self.follow_up_due.dateChanged.connect(self._due_edited)
        self._anchor: NextMeeting | None = None
        self._due_chosen = False
        """Set once the user picks or types a due date: until then Enter asks for one."""
        self._save_after_pick = False
        # The client's next meeting, offered as soon as a follow-up is being typed.
        self.before_next = QPushButton()
        self.before_next.hide()
        self.before_next.clicked.connect(self._pick_before_next)
        self._next_for: tuple[str | None, str] | None = None
        self._next_meeting: NextMeeting | None = None
        self.new_follow_up.textEdited.connect(lambda _text: self._offer_before_next())
        self.follow_up_client.currentIndexChanged.connect(lambda _i: self._offer_before_next())
        self.preferences = Preferences()
        self.next_meeting_with: Callable[[str, datetime], NextMeeting | None] | None = None
        """Set by the window: the user's next meeting with a client after a moment."""
        delete_follow_up = QPushButton("Delete")
        delete_follow_up.clicked.connect(self._delete_follow_up)

        self.notes = QPlainTextEdit(placeholderText="Notes for this meeting…")
        self.notes.setMinimumHeight(90)
        self.notes.textChanged.connect(self._notes_timer.start)

        # Accept / Tentative / Decline: the answer travels on a worker.
        self.answer_controls = AnswerControls(lambda: self._data.store, self._clock)
        self.answer_controls.answered.connect(lambda _outcome: self.changed.emit())

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.answer_controls)
        layout.addWidget(_section("Checklist"))
        layout.addWidget(self.checklist)
        adding = QHBoxLayout()
        adding.addWidget(self.new_item, 1)
        adding.addWidget(self.new_item_required)
        layout.addLayout(adding)
        editing = QHBoxLayout()
        for button in (
            self.item_up,
            self.item_down,
            self.item_required,
            self.item_file,
            self.item_delete,
        ):
            editing.addWidget(button)
        editing.addStretch(1)
        layout.addLayout(editing)
        templates = QHBoxLayout()
        templates.addWidget(QLabel("Template:"))
        templates.addWidget(self.template_box, 1)
        templates.addWidget(apply_template)
        layout.addLayout(templates)
        layout.addWidget(_section("Follow-ups"))
        layout.addWidget(self.follow_ups)
        follow = QHBoxLayout()
        follow.addWidget(self.new_follow_up, 1)
        follow.addWidget(delete_follow_up)
        layout.addLayout(follow)
        follow_details = QHBoxLayout()
        follow_details.addWidget(QLabel("Due"))
        follow_details.addWidget(self.follow_up_due)
        follow_details.addWidget(self.due_picks)
        follow_details.addWidget(QLabel("Client"))
        follow_details.addWidget(self.follow_up_client, 1)
        layout.addLayout(follow_details)
        layout.addWidget(self.before_next)
        layout.addWidget(_section("Notes"))
        layout.addWidget(self.notes)

        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(self.info)
        column_layout.addWidget(body)
        column_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(column)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = QVBoxLayout()
        header.setContentsMargins(8, 4, 8, 2)
        header.setSpacing(2)
        for label in (self.title, self.when, self.problems):
            header.addWidget(label)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(header)
        outer.addWidget(self.scroll, 1)
        self.show_row(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Delete (or Backspace) on the checklist deletes the selected item."""
        if (
            watched is self.checklist
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self._delete_item()
            return True
        return super().eventFilter(watched, event)

    # --- showing ---

    @property
    def row(self) -> AgendaRow | None:
        return self._row

    def show_row(self, row: AgendaRow | None) -> None:
        self._save_notes()
        self._row = row
        self.answer_controls.show_for(row.occurrence if row is not None else None)
        editable = row is not None and row.key is not None
        for widget in (
            self.checklist,
            self.new_item,
            self.new_item_required,
            self.template_box,
            self.item_up,
            self.item_down,
            self.item_required,
            self.item_file,
            self.item_delete,
            self.follow_ups,
            self.new_follow_up,
            self.follow_up_due,
            self.due_picks,
            self.follow_up_client,
            self.notes,
        ):
            widget.setEnabled(editable)
        self._show_header(row)
        if row is None:
            self.info.setHtml(
                f"<p style='color:{css('faded')}'>Select a meeting to see its details.</p>"
            )
            self.checklist_model.set_items([])
            self.follow_up_model.set_items([], {})
            self._set_notes("")
            self.follow_up_due.blockSignals(True)
            self.follow_up_due.setDate(self.follow_up_due.minimumDate())
            self.follow_up_due.blockSignals(False)
            return
        no_uid = (
            f"<p style='color:{css('warning')}'>This event has no UID, so it cannot keep a "
            "checklist or notes.</p>"
            if row.key is None
            else ""
        )
        self.info.setHtml(
            self._header_html(row)
            + no_uid
            + "<h3>Attendees</h3>"
            + self._attendees_html(row.occurrence)
        )
        self._reload()
        self.follow_up_due.blockSignals(True)  # a suggestion, not the user's choice
        self.follow_up_due.setDate(QDate(row.start.date() + timedelta(days=1)))
        self.follow_up_due.blockSignals(False)
        self._due_chosen = False
        self._anchor = None
        self.before_next.hide()
        self._next_for = None

    def _reload(self) -> None:
        row = self._row
        if row is None or row.key is None:
            return
        # Items tied to files are checked (and may tick themselves) whenever shown.
        statuses = check_file_items(
            self._data.store, [row.occurrence], self._clock, fs=self._file_system
        )
        self.checklist_model.set_items(
            self._data.checklist(row.key),
            {status.item.id: status.label for status in statuses if status.label},
        )
        clients = self._data.clients()
        names = {client.id: client.name for client in clients}
        mine = self._data.follow_ups_of(row.key)
        self.follow_up_model.set_items(mine, names)
        self.follow_up_client.clear()
        self.follow_up_client.addItem("No client", None)
        by_name = {client.name: client.id for client in clients}
        for name in row.clients:
            self.follow_up_client.addItem(name, by_name.get(name, name))
        if row.clients:  # the meeting's (first) client, not "No client"
            self.follow_up_client.setCurrentIndex(1)
        self.template_box.clear()
        for template in self._data.templates():
            self.template_box.addItem(template.name, template.id)
        self._set_notes(self._data.note(row.key))

    def _set_notes(self, text: str) -> None:
        self.notes.blockSignals(True)
        self.notes.setPlainText(text)
        self.notes.blockSignals(False)

    def _show_header(self, row: AgendaRow | None) -> None:
        """Title, time and problems as plain text: a few lines, whatever the calendar says."""
        self.title.setVisible(row is not None)
        self.when.setVisible(row is not None)
        if row is None:
            self.problems.hide()
            return
        self.title.setText(row.summary)
        when = f"{row.start:%a %d %b %Y}, {row.time_label()}"
        if row.organiser_time:
            when += f"  (organiser's time {row.organiser_time})"
        self.when.setText(when)
        problems = [f"⚠ Double-booked with {o.summary or '(no title)'}" for o in row.conflicts_with]
        if row.unconfirmed is not None:
            problems.append(f"? Unconfirmed: {row.unconfirmed.description}")
        if row.outside_hours:
            problems.append("Outside your working hours")
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    @staticmethod
    def _header_html(row: AgendaRow) -> str:
        occurrence = row.occurrence
        event = occurrence.event
        lines = []
        facts = []
        if row.clients:
            facts.append(("Clients", escape(", ".join(row.clients))))
        if event.location:
            facts.append(("Where", escape(event.location)))
        if row.link:
            facts.append(("Link", link_html(row.link)))
        if event.organizer:
            who = event.organizer_cn or event.organizer
            facts.append(("Organiser", link_html(f"mailto:{event.organizer}", who)))
        facts.append(("Status", escape((event.status or "confirmed").lower())))
        if event.transp.upper() == "TRANSPARENT":
            facts.append(("Shows as", "free"))
        facts.append(("Calendar", escape(", ".join(occurrence.calendars) or event.calendar)))
        lines.append(
            "<table>"
            + "".join(
                f"<tr><td style='color:{css('faded')};padding-right:8px'>{k}</td><td>{v}</td></tr>"
                for k, v in facts
            )
            + "</table>"
        )
        if event.description:
            text = escape(event.description[:4000]).replace("\n", "<br>")
            lines.append(f"<p style='color:{css('text')}'>{text}</p>")
        return "".join(lines)

    @staticmethod
    def _attendees_html(occurrence: Occurrence) -> str:
        attendees = occurrence.event.attendees
        if not attendees:
            return f"<span style='color:{css('faded')}'>No attendees listed.</span>"
        rows = []
        for attendee in attendees:
            name = attendee.cn or attendee.email
            answer = attendee.partstat.lower().replace("needs-action", "no answer")
            optional = " (optional)" if attendee.role.upper() == "OPT-PARTICIPANT" else ""
            rows.append(
                f"<tr><td>{escape(name)}</td><td style='color:{css('faded')}'>"
                f"{escape(attendee.email)}</td><td>{escape(answer)}{optional}</td></tr>"
            )
        summary = escape(answers_label(occurrence))
        return f"<p>{summary}</p><table cellspacing='4'>{''.join(rows)}</table>"

    # --- edits: each one committed before returning ---

    def _remember(self) -> str | None:
        row = self._row
        if row is None or row.key is None:
            return None
        occurrence = row.occurrence
        return self._data.remember(row.key, occurrence)

    def _edited(self) -> None:
        self._reload()
        self.changed.emit()

    def _selected_item(self) -> ChecklistItem | None:
        index = self.checklist.currentIndex()
        return self.checklist_model.item_at(index.row()) if index.isValid() else None

    def _toggle_item(self, item: ChecklistItem, done: bool) -> None:
        self._data.set_item_done(item.id, done)
        self._edited()

    def _add_item(self) -> None:
        text = self.new_item.text().strip()
        key = self._remember() if text else None
        if key is None:
            return
        self._data.add_item(key, text, required=self.new_item_required.isChecked())
        self.new_item.clear()
        self._edited()

    def _move_item(self, step: int) -> None:
        item = self._selected_item()
        row = self._row
        if item is None or row is None or row.key is None:
            return
        ids = [i.id for i in self.checklist_model.items()]
        position = ids.index(item.id)
        target = position + step
        if not 0 <= target < len(ids):
            return
        ids[position], ids[target] = ids[target], ids[position]
        self._data.reorder_items(row.key, ids)
        self._edited()
        self.checklist.setCurrentIndex(self.checklist_model.index(target))

    def _toggle_required(self) -> None:
        item = self._selected_item()
        if item is not None:
            self._data.set_item_required(item.id, not item.required)
            self._edited()

    def _set_file_pattern(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        pattern, ok = QInputDialog.getText(
            self,
            "Tie the item to a file",
            "File or folder pattern ({client} is the meeting's client; empty: none):",
            text=item.file_pattern or "~/Clients/{client}/*",
        )
        if ok:
            self._data.set_item_file_pattern(item.id, pattern.strip() or None)
            self._edited()

    def _delete_item(self) -> None:
        item = self._selected_item()
        if item is not None:
            self._data.delete_item(item.id)
            self._edited()

    def _apply_template(self) -> None:
        template_id = self.template_box.currentData()
        key = self._remember()
        if key is not None and template_id is not None:
            self._data.apply_template(key, int(template_id))
            self._edited()

    def _toggle_follow_up(self, item: FollowUp, done: bool) -> None:
        self._data.set_follow_up_done(item.id, done)
        self._edited()

    def _add_follow_up(self) -> None:
        text = self.new_follow_up.text().strip()
        if not text or self._row is None or self._row.key is None:
            return
        if not self._due_chosen:
            # Type, Enter: ask when it is due rather than save it with a guessed date.
            self._save_after_pick = True
            self._fill_due_picks()
            menu = self.due_picks.menu()
            menu.popup(self.new_follow_up.mapToGlobal(self.new_follow_up.rect().bottomLeft()))
            return
        key = self._remember()
        if key is None:
            return
        due: date = self.follow_up_due.date().toPython()  # type: ignore[assignment]
        client = self.follow_up_client.currentData()
        client_id: int | None
        if isinstance(client, str):  # a client named from its domain only: make it real
            domain = self._domain_for(client)
            client_id = self._data.client_for_domain(domain, client) if domain else None
        else:
            client_id = client
        anchor = self._anchor.key if self._anchor is not None and self._anchor.day == due else None
        self._data.add_follow_up(
            text, due=due, client_id=client_id, meeting_key=key, due_before=anchor
        )
        self._anchor = None
        self._due_chosen = False
        self._save_after_pick = False
        self.new_follow_up.clear()
        self._edited()

    def _fill_due_picks(self) -> None:
        menu = self.due_picks.menu()
        menu.clear()
        row = self._row
        if row is None:
            return
        today = row.start.date()
        picks: list[tuple[str, date, NextMeeting | None]] = [
            ("Tomorrow", due_tomorrow(today), None),
            ("Next working day", due_next_working_day(today, self.preferences), None),
            ("End of the week", due_end_of_week(today, self.preferences), None),
        ]
        client = self.follow_up_client.currentText()
        if self.next_meeting_with is not None and client and client != "No client":
            meeting = self._next_with(client)
            if meeting is not None:
                picks.append(
                    (f"Before my next meeting with {client} ({meeting.day:%a %d %b})",
                     meeting.day, meeting)
                )  # fmt: skip
            else:
                menu.addAction(f"No later meeting with {client} yet").setEnabled(False)
        for label, day, anchor in picks:
            menu.addAction(label, lambda d=day, a=anchor: self._pick_due(d, a))

    def _pick_due(self, day: date, anchor: NextMeeting | None) -> None:
        self.follow_up_due.setDate(QDate(day))
        self._anchor = anchor  # after setDate: a date typed by hand clears it again
        self._due_chosen = True
        if self._save_after_pick and self.new_follow_up.text().strip():
            self._add_follow_up()

    def _due_edited(self, _date: QDate) -> None:
        self._anchor = None
        self._due_chosen = True

    def _next_with(self, client: str) -> NextMeeting | None:
        """The next meeting with ``client`` after this one, looked up once per row."""
        row = self._row
        if row is None or self.next_meeting_with is None:
            return None
        wanted = (row.key, client)
        if self._next_for != wanted:
            self._next_for = wanted
            self._next_meeting = self.next_meeting_with(client, row.end)
        return self._next_meeting

    def _offer_before_next(self) -> None:
        """Show "Before my next meeting with <client>" beside the entry as it is typed."""
        client = self.follow_up_client.currentText()
        typing = bool(self.new_follow_up.text().strip())
        meeting = self._next_with(client) if typing and client and client != "No client" else None
        if meeting is None:
            self.before_next.hide()
            return
        self.before_next.setText(
            f"⚓ Due before my next meeting with {client} ({meeting.day:%a %d %b})"
        )
        self.before_next.show()

    def _pick_before_next(self) -> None:
        client = self.follow_up_client.currentText()
        meeting = self._next_with(client)
        if meeting is not None:
            self._save_after_pick = True
            self._pick_due(meeting.day, meeting)

    def _domain_for(self, client_name: str) -> str | None:
        row = self._row
        if row is None or client_name not in row.clients:
            return None
        return row.client_domains[row.clients.index(client_name)]

    def _delete_follow_up(self) -> None:
        index = self.follow_ups.currentIndex()
        if index.isValid():
            self._data.delete_follow_up(self.follow_up_model.item_at(index.row()).id)
            self._edited()

    def _save_notes(self) -> None:
        self._notes_timer.stop()
        row = self._row
        if row is None or row.key is None:
            return
        text = self.notes.toPlainText()
        if text == self._data.note(row.key):
            return
        self._remember()
        self._data.set_note(row.key, text)
