"""The briefing page in the window: problems link to meetings, goals, exports, what changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl

from daybrief.services.preferences import Preferences, save_preferences
from daybrief.store import Store, UserData, open_store
from daybrief.ui import briefing_page
from daybrief.ui.briefing_page import GoalsDialog
from daybrief.ui.main_window import TAB_BRIEFING, TAB_DAY, MainWindow

EVENING = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)  # Monday 18:00 in Berlin


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "daybrief.sqlite3") as opened:
        save_preferences(opened, Preferences(zone_name="Europe/Berlin"))
        yield opened


@pytest.fixture
def window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    shown = MainWindow(store, store.path, clock=lambda: EVENING)
    qtbot.addWidget(shown)
    shown.show()
    shown.load_demo()
    return shown


def test_the_briefing_is_the_first_page_and_its_problems_open_meetings(
    window: MainWindow,
) -> None:
    assert window.tabs.currentIndex() == TAB_BRIEFING
    briefing = window.briefing.briefing
    assert briefing is not None and briefing.day == date(2026, 3, 10)
    assert briefing.problems and "problem" in window.briefing.title.text()
    html = window.briefing.view.toHtml()
    assert "Acme quarterly business review" in html
    target = next(i for i, m in enumerate(briefing.meetings) if m.ref == "demo-qbr")
    window.briefing._link(QUrl(f"#m{target}"))
    assert window.tabs.currentIndex() == TAB_DAY
    assert window.detail.row is not None and window.detail.row.key == "demo-qbr"


def test_goals_are_picked_from_what_is_open_at_most_five(
    qtbot, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    goals = UserData.of(store).goals
    goals.add(date(2026, 3, 9), "Call the Umbrella sponsor")  # yesterday's, not done
    seen: list[GoalsDialog] = []

    def accept(dialog: GoalsDialog) -> int:
        seen.append(dialog)
        for row in range(dialog.list.count()):
            dialog.list.item(row).setCheckState(Qt.CheckState.Checked)
        return 1

    monkeypatch.setattr(GoalsDialog, "exec", accept)
    window.briefing.pick_goals()
    offered = [seen[0].list.item(r).text() for r in range(seen[0].list.count())]
    # The day's goals so far, then yesterday's unfinished one, then what is open.
    demo_goals = ["Close the Globex renewal", "Get Initech's onboarding plan signed off"]
    assert offered[:3] == [*demo_goals, "Call the Umbrella sponsor"]
    assert any("Usage report" in text for text in offered)
    picked = [goal.text for goal in goals.for_day(date(2026, 3, 10))]
    assert len(picked) == 5 and picked[:3] == offered[:3]
    shown = window.briefing.view.toPlainText()
    assert all(text in shown for text in picked)


def test_a_typed_goal_is_kept_ticked_done_and_shown(
    qtbot, window: MainWindow, store: Store
) -> None:  # type: ignore[no-untyped-def]
    page = window.briefing
    qtbot.keyClicks(page.goal_entry, "Send Acme the recap")
    qtbot.keyClick(page.goal_entry, Qt.Key.Key_Return)
    texts = [page.goal_list.item(r).text() for r in range(page.goal_list.count())]
    assert "Send Acme the recap" in texts and page.goal_entry.text() == ""
    row = texts.index("Send Acme the recap")
    page.goal_list.item(row).setCheckState(Qt.CheckState.Checked)
    done = {g.text: g.done for g in UserData.of(store).goals.for_day(date(2026, 3, 10))}
    assert done["Send Acme the recap"] is True
    assert "Send Acme the recap" in page.view.toPlainText()
    page.goal_list.setCurrentRow(row)
    qtbot.keyClick(page.goal_list, Qt.Key.Key_Delete)
    left = [g.text for g in UserData.of(store).goals.for_day(date(2026, 3, 10))]
    assert "Send Acme the recap" not in left


def test_exports_write_every_format_and_mark_the_briefing_seen(
    window: MainWindow, store: Store, tmp_path: Path
) -> None:
    from daybrief.store.briefings import BriefingLooks

    for fmt, _label, suffix in briefing_page.EXPORTS:
        path = window.briefing.export_to(fmt, tmp_path / f"brief.{fmt}.{suffix}")
        assert path is not None and path.stat().st_size > 200, fmt
    assert (tmp_path / "brief.pdf.pdf").read_bytes().startswith(b"%PDF")
    assert b"BEGIN:VTODO" in (tmp_path / "brief.followups-ics.ics").read_bytes()
    assert "Acme quarterly business review" in (tmp_path / "brief.md.md").read_text()
    assert BriefingLooks(store).last(date(2026, 3, 10)) is not None


def test_leaving_the_briefing_marks_it_seen_and_the_next_one_shows_changes(
    window: MainWindow, store: Store
) -> None:
    from daybrief.store.briefings import BriefingLooks

    assert BriefingLooks(store).last(date(2026, 3, 10)) is None
    window.tabs.setCurrentIndex(TAB_DAY)
    assert BriefingLooks(store).last(date(2026, 3, 10)) is not None
    # The demo's QBR moves an hour later; the next briefing says so.
    demo_file = window.demo_folder / "demo-calendar.ics"
    text = demo_file.read_text(encoding="utf-8")
    start = text.index("UID:demo-qbr")
    block_end = text.index("END:VEVENT", start)
    moved = text[start:block_end].replace("T100000", "T110000")
    demo_file.write_text(text[:start] + moved + text[block_end:], encoding="utf-8")
    window.tabs.setCurrentIndex(TAB_BRIEFING)
    from daybrief.services.importer import import_file
    from daybrief.services.preferences import zone_label

    zone = window.service.zone
    import_file(store, str(demo_file), user_zone=zone, zone_name=zone_label(zone), now=EVENING)
    window.refresh()
    briefing = window.briefing.briefing
    assert briefing is not None and briefing.changed == 1
    qbr = briefing.meeting("demo-qbr")
    assert qbr is not None and qbr.changes
    assert "moved" in window.briefing.view.toPlainText()


def test_redacted_briefing_drops_addresses(window: MainWindow) -> None:
    assert "jordan.lee@acme.example" in window.briefing.view.toHtml()
    window.briefing.redact.setChecked(True)
    assert window.briefing.briefing is not None and window.briefing.briefing.redacted
    assert "@acme.example" not in window.briefing.view.toHtml()
    window.briefing.redact.setChecked(False)
    assert "jordan.lee@acme.example" in window.briefing.view.toHtml()


def test_only_the_chosen_prep_slots_are_exported(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog

    briefing = window.briefing.briefing
    assert briefing is not None and len(briefing.prep_slots) >= 2

    def untick_all_but_first(dialog: QDialog) -> int:
        slots = window.briefing.prep_dialog
        for row in range(1, slots.count()):
            slots.item(row).setCheckState(Qt.CheckState.Unchecked)
        return 1

    monkeypatch.setattr(QDialog, "exec", untick_all_but_first)
    chosen = window.briefing.choose_prep_slots()
    assert chosen == [briefing.prep_slots[0]]
    path = window.briefing.export_to("prep-ics", tmp_path / "prep.ics", slots=chosen)
    assert path is not None and path.read_text().count("BEGIN:VEVENT") == 1
