"""The demo's whole evening routine, as a user does it, in at most ten actions.

From the evening nudge: go through every problem, set the next day's goals, save the
briefing as a PDF, and finish. Every click and every typed entry counts as one action.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from daybrief.services.preferences import Preferences, save_preferences
from daybrief.services.reminders import Kind, ReminderService
from daybrief.services.review import review
from daybrief.store import Store, UserData, open_store
from daybrief.ui.application import connect_tray
from daybrief.ui.main_window import TAB_REVIEW, MainWindow
from daybrief.ui.review_page import ProblemCard

EVENING = datetime(2026, 3, 9, 16, 30, tzinfo=UTC)  # Monday 17:30 in Berlin: the nudge


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(zone_name="Europe/Berlin"))
        yield opened


class Actions:
    """Counts what the user does."""

    def __init__(self, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.count = 0
        self.log: list[str] = []

    def click(self, button: QPushButton, why: str) -> None:
        assert button.isVisible() and button.isEnabled(), why
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.count += 1
        self.log.append(why)

    def other(self, why: str) -> None:
        self.count += 1
        self.log.append(why)


def test_the_demos_evening_routine_takes_at_most_ten_actions(
    store: Store, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOME", str(tmp_path))  # exports go to the home folder the first time
    window = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.load_demo()
    tray = connect_tray(window, use_tray=False)
    page = window.review_page
    zone = window.service.zone
    before = review(store, zone, window.service)
    assert len(before.open) >= 6  # the demo has plenty to fix

    actions = Actions(qtbot)
    # 1. The evening nudge, clicked.
    nudge = next(
        r
        for r in ReminderService(store, window.preferences, lambda: EVENING).planned(EVENING)
        if r.kind is Kind.EVENING and r.due <= EVENING
    )
    tray.open_reminder(nudge)
    actions.other("click the evening nudge")
    assert window.tabs.currentIndex() == TAB_REVIEW

    # 2. Every problem, meeting by meeting: tick what can be ticked, otherwise handle it.
    while True:
        cards = [c for c in page.findChildren(ProblemCard) if c.isVisible()]
        if not cards:
            break
        card = cards[0]
        ticks = [
            b for b in card.findChildren(QPushButton) if b.text().startswith("✓") and b.isVisible()
        ]
        if ticks and len(card.card.problems) == 1:
            actions.click(ticks[0], f"tick {ticks[0].text()} ({card.card.meeting.title})")
        else:
            actions.click(card.all_handled, f"all handled: {card.card.meeting.title}")
        qtbot.waitUntil(lambda c=card: c not in page.findChildren(ProblemCard) or not c.isVisible())
    assert review(store, zone, window.service).open == ()

    # 3. The next working day's goals: one picked from the suggestions.
    chips = [
        b for b in page.findChildren(QPushButton) if b.text().startswith("+ ") and b.isVisible()
    ]
    assert chips
    goals_before = len(UserData.of(store).goals.for_day(page.goals_day()))
    actions.click(chips[0], "pick a goal")
    goals = UserData.of(store).goals.for_day(page.goals_day())
    assert len(goals) == goals_before + 1
    assert goals[-1].text.startswith(chips[0].text()[2:].rstrip("…")[:30])

    # 4. The briefing as a PDF, in one click, with where it went.
    actions.click(page.save_pdf, "save the PDF")
    saved = page.last_saved
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")
    assert str(saved) in page.saved.text() and page.open_saved.isVisible()

    # 5. Done for today: the tray is quiet until the next working day starts.
    actions.click(page.done, "done for today")
    service = ReminderService(store, window.preferences, lambda: EVENING)
    paused = service.paused_until()
    assert paused is not None and paused > EVENING
    assert service.due(EVENING).reminders == []

    print(f"\nevening routine: {actions.count} actions: " + "; ".join(actions.log))
    assert actions.count <= 10, actions.log


def test_answering_an_invitation_from_its_card_closes_the_problem(
    store: Store, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("DISPLAY", raising=False)  # no mail program: the reply is saved
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    window = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(window)
    window.show()
    window.load_demo()
    window.show_review()
    page = window.review_page
    card = next(
        c
        for c in page.findChildren(ProblemCard)
        if any("reason:needs-action" in p.facts for p in c.card.problems)
    )
    key = card.card.meeting.key
    accept = next(b for b in card.findChildren(QPushButton) if b.text() == "Accept")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.answerer.job is None, timeout=20000)
    still = [
        p
        for p in review(store, window.service.zone, window.service).open
        if key in p.refs and "reason:needs-action" in p.facts
    ]
    assert still == [], page.saved.text()
