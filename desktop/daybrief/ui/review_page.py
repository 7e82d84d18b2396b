"""The review page: the evening routine on one page, opened by the evening nudge.

Top to bottom: the review period's open problems as cards, one per meeting, each with the
actions its problems need inline (tick the missing item, copy or mail the right draft,
handled or ignore, open the meeting, add a follow-up); what was handled, collapsed; the next
working day's goals (type or pick); saving the briefing; and "Done for today", which keeps
the tray quiet until the next working day starts.

Every calendar text is shown as plain text (QLabel with Qt.PlainText).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daybrief.services.briefing import briefing_from_store
from daybrief.services.credentials import CredentialStore
from daybrief.services.followups import follow_up_from_meeting
from daybrief.services.preferences import Preferences, export_folder, set_export_folder
from daybrief.services.review import (
    MeetingProblems,
    Problem,
    ProblemKind,
    ProblemState,
    Review,
    add_goal,
    by_meeting,
    close_all,
    draft_mailto,
    draft_text,
    drafts,
    goal_suggestions_from_yesterday,
    goals_of,
    open_required_items,
    review,
    set_goal_done,
    set_problem_state,
    tick_item,
)
from daybrief.services.storage import Store
from daybrief.ui.answering import Answerer
from daybrief.ui.briefing_page import CallableClock, export_bytes
from daybrief.ui.flow import FlowLayout

KIND_WORDS = {
    ProblemKind.DOUBLE_BOOKING: "⚠ Double-booked",
    ProblemKind.UNCONFIRMED: "? Not confirmed",
    ProblemKind.OPEN_ITEMS: "☐ Items open",
    ProblemKind.TIME_OFF: "⛱ Time off",
    ProblemKind.OUTSIDE_HOURS: "◐ Outside hours",
    ProblemKind.BACK_TO_BACK: "⇶ Back-to-back",
}


ANSWER_BUTTONS = (("Accept", "ACCEPTED"), ("Maybe", "TENTATIVE"), ("Decline", "DECLINED"))


def plain(text: str, *, wrap: bool = True, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def small_button(text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setAccessibleName(text)
    button.clicked.connect(lambda _=False: slot())
    return button


class ProblemCard(QFrame):
    """One meeting with its open problems and what can be done about each."""

    def __init__(self, page: ReviewPage, card: MeetingProblems) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.palette().ColorRole.AlternateBase)
        self.page = page
        self.card = card
        meeting = card.meeting
        zone = page.zone()
        start = meeting.start.astimezone(zone)
        when = f"{start:%a %d %b}" + ("" if meeting.all_day else f" {start:%H:%M}")
        layout = QVBoxLayout(self)
        title = plain(f"{when}  {meeting.title}", bold=True)
        title.setAccessibleName("Meeting")
        layout.addWidget(title)
        head = FlowLayout()
        head.addWidget(
            small_button(
                "Open",
                "Show the meeting",
                lambda: page.open_meeting.emit(meeting.key, start.date()),
            )
        )
        head.addWidget(
            small_button(
                "Follow-up…",
                "Note something you owe from this meeting (due before your next meeting "
                "with the client)",
                self._follow_up,
            )
        )
        self.all_handled = small_button(
            "All handled", "Mark every problem of this meeting handled", self._all_handled
        )
        head.addWidget(self.all_handled)
        layout.addLayout(head)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(12)
        for problem in card.problems:
            self._problem_row(grid, problem)
        layout.addLayout(grid)

    def _problem_row(self, grid: QGridLayout, problem: Problem) -> None:
        # Kind | reason (wrapping), and the actions under the reason: nothing is clipped
        # however narrow the window.
        line = grid.rowCount()
        word = plain(KIND_WORDS[problem.kind], wrap=False)
        grid.addWidget(word, line, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(plain(problem.reason), line, 1)
        row = FlowLayout()
        page = self.page
        if problem.kind is ProblemKind.OPEN_ITEMS:
            for item_id, item in open_required_items(page.store, self.card.meeting.key)[:3]:
                label = item if len(item) <= 28 else item[:27] + "…"
                row.addWidget(
                    small_button(
                        f"✓ {label}", f"Tick “{item}” done", lambda i=item_id: page.tick(i)
                    )
                )
        own_answer = {"reason:needs-action", "reason:tentative"} & set(problem.facts)
        if problem.kind is ProblemKind.UNCONFIRMED and own_answer:
            meeting = self.card.meeting
            for label, partstat in ANSWER_BUTTONS:
                row.addWidget(
                    small_button(
                        label,
                        f"{label} the invitation (this meeting only)",
                        lambda p=partstat, m=meeting: page.answer(m.uid, m.recurrence_id, p),
                    )
                )
        mine = [d for d in page.drafts_of(problem) if d.meeting == self.card.meeting.key]
        if mine:
            draft = mine[0]
            who = ", ".join(draft.to)
            row.addWidget(
                small_button(
                    "Copy message",
                    f"A message to {who}, ready to paste",
                    lambda: page.copy_draft(problem, draft),
                )
            )
            row.addWidget(
                small_button(
                    "Email…",
                    f"Open it in your mail program, to {who}",
                    lambda: page.mail_draft(problem, draft),
                )
            )
        row.addWidget(
            small_button(
                "Handled",
                "Done with it (it comes back if something changes)",
                lambda: page.set_state(problem, ProblemState.HANDLED),
            )
        )
        row.addWidget(
            small_button(
                "Ignore",
                "Not a problem for you",
                lambda: page.set_state(problem, ProblemState.IGNORED),
            )
        )
        grid.addLayout(row, line + 1, 1)

    def _all_handled(self) -> None:
        self.page.close_problems(self.card.problems)

    def _follow_up(self) -> None:
        text, ok = QInputDialog.getText(self, "Follow-up", "What do you owe from this meeting?")
        if ok and text.strip():
            self.page.add_follow_up(self.card, text)


class ReviewPage(QWidget):
    """The evening review; ``open_meeting`` asks the window for a meeting's detail."""

    open_meeting = Signal(str, object)  # meeting key, day
    changed = Signal()
    done_for_today = Signal(object)  # the moment the tray may speak again

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        preferences: Callable[[], Preferences],
        parent: QWidget | None = None,
        *,
        credentials: Callable[[], CredentialStore] | None = None,
        review_of: Callable[[], Review] | None = None,
    ) -> None:
        """``review_of``: where the review comes from (the window's service, which keeps
        it while nothing changed); None works it out from the store each time."""
        super().__init__(parent)
        self.store = store
        self.clock = CallableClock(clock)
        self.preferences = preferences
        self.review: Review | None = None
        self._review_of = review_of or (lambda: review(self.store, self.zone(), self.clock))
        self.heading = plain("", bold=True)
        self.cards_box = QVBoxLayout()
        self.handled_toggle = QToolButton()
        self.handled_toggle.setCheckable(True)
        self.handled_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.handled_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.handled_toggle.toggled.connect(self._show_handled)
        self.handled_box = QVBoxLayout()
        self.handled_area = QWidget()
        self.handled_area.setLayout(self.handled_box)
        self.handled_area.setVisible(False)
        # Goals for the next working day.
        self.goals_heading = plain("", bold=True)
        self.goal_entry = QLineEdit()
        self.goal_entry.setPlaceholderText("Type a goal and press Enter")
        self.goal_entry.setAccessibleName("New goal")
        self.goal_entry.returnPressed.connect(self._add_typed_goal)
        self.goals_box = QVBoxLayout()
        self.suggestions_box = QVBoxLayout()
        # Export and done.
        self.save_pdf = small_button(
            "Save the briefing as PDF", "Into the folder you used last", self.save_briefing
        )
        self.saved = plain("")
        self.open_saved = small_button("Open", "Open the saved file", self._open_saved)
        self.show_saved = small_button(
            "Show in folder", "Open the folder it is in", self._show_saved
        )
        self.change_folder = small_button(
            "Folder…", "Choose where briefings are saved", self._choose_folder
        )
        for widget in (self.open_saved, self.show_saved):
            widget.setVisible(False)
        self.done = small_button(
            "Done for today",
            "Leave work at work: no reminders until the next working day starts",
            self.finish,
        )
        self.last_saved: Path | None = None
        # Answers go to the server or the organiser on a worker, one at a time.
        self.answerer = Answerer(lambda: self.store.path, clock, credentials, parent=self)
        self.answerer.done.connect(self._answered)

        content = QWidget()
        body = QVBoxLayout(content)
        body.addWidget(self.heading)
        body.addLayout(self.cards_box)
        body.addWidget(self.handled_toggle)
        body.addWidget(self.handled_area)
        body.addSpacing(12)
        body.addWidget(self.goals_heading)
        body.addWidget(self.goal_entry)
        body.addLayout(self.suggestions_box)
        body.addLayout(self.goals_box)
        body.addSpacing(12)
        export_row = QHBoxLayout()
        for widget in (
            self.save_pdf,
            self.change_folder,
            self.saved,
            self.open_saved,
            self.show_saved,
        ):
            export_row.addWidget(widget)
        export_row.addStretch(1)
        body.addLayout(export_row)
        body.addSpacing(12)
        done_row = QHBoxLayout()
        done_row.addStretch(1)
        done_row.addWidget(self.done)
        body.addLayout(done_row)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # --- data ---

    def zone(self):  # type: ignore[no-untyped-def]
        return self.preferences().zone()

    def goals_day(self) -> date:
        review = self.review
        if review is not None:
            return review.period.last_day
        return self.preferences().opening_day(self.clock.now())

    def reload(self) -> Review:
        found = self._review_of()
        self.review = found
        days = found.period.days
        span = f"{days[0]:%A}" if len(days) == 1 else f"{days[0]:%A} to {days[-1]:%A %d %B}"
        count = len(found.open)
        self.heading.setText(
            f"Your review, {span}: "
            + (f"{count} open problem{'s' if count != 1 else ''}" if count else "nothing to fix")
        )
        _clear(self.cards_box)
        for card in by_meeting(found.open):
            self.cards_box.addWidget(ProblemCard(self, card))
        if not found.open:
            self.cards_box.addWidget(
                plain("Every meeting ahead is confirmed, single-booked and ready.")
            )
        closed = found.closed
        self.handled_toggle.setText(f"Handled ({len(closed)})")
        self.handled_toggle.setVisible(bool(closed))
        _clear(self.handled_box)
        for problem in closed:
            row = QHBoxLayout()
            row.addWidget(plain(f"{problem.state.value}: {problem.text}"), 1)
            row.addWidget(
                small_button(
                    "Reopen",
                    "Show it as open again",
                    lambda p=problem: self.set_state(p, ProblemState.OPEN),
                )
            )
            holder = QWidget()
            holder.setLayout(row)
            self.handled_box.addWidget(holder)
        self._show_goals()
        return found

    def _show_goals(self) -> None:
        day = self.goals_day()
        self.goals_heading.setText(f"Goals for {day:%A}")
        _clear(self.goals_box)
        goals = goals_of(self.store, day)
        for goal in goals:
            box = QPushButton(("☑ " if goal.done else "☐ ") + goal.text)
            box.setFlat(True)
            box.setToolTip("Tick when done: done goals are the day's wins")
            box.clicked.connect(lambda _=False, g=goal: self._toggle_goal(g.id, not g.done))
            self.goals_box.addWidget(box)
        _clear(self.suggestions_box)
        chosen = {goal.text.casefold() for goal in goals}
        offered = [*goal_suggestions_from_yesterday(self.store, day)]
        try:
            briefing = briefing_from_store(self.store, day, self.zone(), self.clock)
            from daybrief.core.briefing import suggest_goals

            offered += suggest_goals(briefing, limit=6)
        except Exception as error:  # a convenience: say so, and the page goes on without them
            self.saved.setText(f"No goal suggestions: {error}")
        shown = 0
        for text in dict.fromkeys(offered):
            if text.casefold() in chosen or shown >= 4:
                continue
            short = text if len(text) <= 60 else text[:59] + "…"
            chip = small_button(
                f"+ {short}", f"Add “{text}” as a goal", lambda t=text: self._add_goal(t)
            )
            self.suggestions_box.addWidget(chip, 0, Qt.AlignmentFlag.AlignLeft)
            shown += 1
        if shown:
            self.suggestions_box.insertWidget(0, plain("Suggestions:"))

    # --- actions ---

    def drafts_of(self, problem: Problem):  # type: ignore[no-untyped-def]
        return drafts(problem, self.preferences().addresses, self.zone())

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()

    def set_state(self, problem: Problem, state: ProblemState) -> None:
        set_problem_state(self.store, problem, state)
        self._after_change()

    def close_problems(self, problems: tuple[Problem, ...]) -> None:
        close_all(self.store, problems, ProblemState.HANDLED)
        self._after_change()

    def tick(self, item_id: int) -> None:
        tick_item(self.store, item_id)
        self._after_change()

    def answer(self, uid: str | None, instance: str | None, partstat: str) -> None:
        if uid is None:
            return
        if self.answerer.answer(uid, instance, partstat) is not None:
            self.saved.setText("Answering…")

    def _answered(self, outcome) -> None:  # type: ignore[no-untyped-def]
        self.saved.setText(outcome.message)
        self._after_change()

    def copy_draft(self, problem: Problem, draft) -> None:  # type: ignore[no-untyped-def]
        QGuiApplication.clipboard().setText(draft_text(draft))
        self.saved.setText(f"Message to {', '.join(draft.to)} copied")

    def mail_draft(self, problem: Problem, draft) -> None:  # type: ignore[no-untyped-def]
        QDesktopServices.openUrl(QUrl(draft_mailto(draft)))

    def add_follow_up(self, card: MeetingProblems, text: str) -> None:
        meeting = card.meeting
        people = [meeting.organizer or "", *(address for address, _ in meeting.attendees)]
        result = follow_up_from_meeting(
            self.store, self.preferences(), meeting.key, [p for p in people if p], meeting.end, text
        )
        where = f" before your next meeting with {result.client}" if result.anchor else ""
        due = result.item.due_date
        self.saved.setText(f"Follow-up added{where}" + (f", due {due:%a %d %b}" if due else ""))
        self.changed.emit()

    def _add_typed_goal(self) -> None:
        text = self.goal_entry.text()
        if text.strip():
            self._add_goal(text)
            self.goal_entry.clear()

    def _add_goal(self, text: str) -> None:
        add_goal(self.store, self.goals_day(), text)
        self._show_goals()
        self.changed.emit()

    def _toggle_goal(self, goal_id: int, done: bool) -> None:
        set_goal_done(self.store, goal_id, done)
        self._show_goals()

    def _show_handled(self, shown: bool) -> None:
        self.handled_area.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.handled_toggle.setArrowType(arrow)

    def export_folder(self) -> Path:
        return export_folder(self.store)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Save briefings in", str(self.export_folder())
        )
        if chosen:
            set_export_folder(self.store, Path(chosen))

    def save_briefing(self) -> Path | None:
        """The next working day's briefing as a PDF, in the remembered folder, in one click."""
        day = self.goals_day()
        briefing = briefing_from_store(self.store, day, self.zone(), self.clock)
        path = self.export_folder() / f"briefing-{day.isoformat()}.pdf"
        try:
            path.write_bytes(export_bytes(briefing, "pdf"))
        except (OSError, RuntimeError) as error:
            self.saved.setText(f"Could not save {path}: {error}")
            return None
        self.last_saved = path
        self.saved.setText(f"Saved {path}")
        for widget in (self.open_saved, self.show_saved):
            widget.setVisible(True)
        return path

    def _open_saved(self) -> None:
        if self.last_saved is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_saved)))

    def _show_saved(self) -> None:
        if self.last_saved is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_saved.parent)))

    def finish(self) -> datetime:
        """Done for today: quiet until the next working day's start."""
        preferences = self.preferences()
        zone = preferences.zone()
        today = self.clock.now().astimezone(zone).date()
        next_day = preferences.next_working_day(today)
        until = datetime.combine(next_day, preferences.work_start or time(9), zone)
        self.done_for_today.emit(until)
        self.saved.setText(f"Done. See you {next_day:%A} at {until:%H:%M}.")
        return until


def _clear(layout: QVBoxLayout | QHBoxLayout | QGridLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()
