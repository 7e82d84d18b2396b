"""Every surface tells the same review: one scenario, the same counts everywhere.

Friday 13 March 2026, 17:45 in Berlin. The review runs to the end of Monday: a Saturday
client coffee nobody answered, and on Monday a double-booking, a pile-up of three, an
unanswered invitation and a meeting with open required items. This morning's clash is over.
The user has handled Monday's double-booking from the command line. Then:

    command line   `problems --json`, `brief` (txt, md, html, json), `brief --check`
    window         Briefing page, Day page, Week page, Hygiene page, Clients page
    tray           badge count, evening nudge (and its reminder)

all give the same open problems per day. Nothing here reads the real clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from daybrief.cli.main import EXIT_OK, EXIT_PROBLEMS, main
from daybrief.services.preferences import load_preferences, save_preferences
from daybrief.services.reminders import Kind, ReminderService
from daybrief.services.review import review, review_line
from daybrief.services.storage import Store, open_store
from daybrief.ui.application import connect_tray
from daybrief.ui.main_window import TAB_CLIENTS, MainWindow
from tests.cli.test_cli_problems import EVENTS, calendar

NOW = datetime(2026, 3, 13, 16, 45, tzinfo=UTC)  # Friday 17:45 in Berlin
FLAGS = ("--now", NOW.isoformat(), "--tz", "Europe/Berlin")
DAYS = [date(2026, 3, 13), date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 16)]


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    code = main([*args, "--data-dir", str(data), *FLAGS])
    captured = capsys.readouterr()
    return code, captured.out


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "data"
    path = tmp_path / "work.ics"
    path.write_text(calendar(EVENTS), encoding="utf-8")
    assert cli(capsys, folder, "import", str(path))[0] == EXIT_OK
    assert main(["whoami", "--save", "me@agency.com", "--data-dir", str(folder)]) == EXIT_OK
    capsys.readouterr()
    listed = [
        json.loads(line) for line in cli(capsys, folder, "problems", "--json")[1].splitlines()
    ]
    pair = next(p for p in listed if p["kind"] == "double-booking" and len(p["meetings"]) == 2)
    assert cli(capsys, folder, "problems", "handle", pair["id"])[0] == EXIT_OK
    return folder


@pytest.fixture
def store(data: Path) -> Iterator[Store]:
    # Set up before qtbot, so the window closes (and saves its state) before this does.
    with open_store(data / "daybrief.sqlite3") as opened:
        preferences = load_preferences(opened)
        save_preferences(opened, replace(preferences, zone_name="Europe/Berlin"))
        yield opened


def test_every_surface_counts_the_same_problems(store: Store, qtbot, capsys, data: Path) -> None:  # type: ignore[no-untyped-def]
    surfaces: dict[str, dict[date, int]] = {}

    # The command line: the review period's problems, by day.
    listed = [json.loads(line) for line in cli(capsys, data, "problems", "--json")[1].splitlines()]
    truth: dict[date, int] = dict.fromkeys(DAYS, 0)
    for problem in listed:
        if problem["state"] == "open":
            truth[date.fromisoformat(problem["day"])] += 1
    assert truth[date(2026, 3, 13)] == 0  # the morning clash is over
    assert truth[date(2026, 3, 14)] >= 1 and truth[date(2026, 3, 16)] >= 4
    assert sum(1 for p in listed if p["state"] == "handled") == 1
    total = sum(truth.values())

    for day in DAYS:
        iso = day.isoformat()
        code, text = cli(capsys, data, "brief", "--date", iso, "--no-mark-seen")
        head = re.search(r"(\d+) problems?", text)
        surfaces.setdefault("brief txt", {})[day] = int(head.group(1)) if head else 0
        code, js = cli(capsys, data, "brief", "--date", iso, "--format", "json", "--no-mark-seen")
        document = json.loads(js)
        surfaces.setdefault("brief json", {})[day] = document["headline"]["problems"]
        assert sum(p["state"] == "open" for p in document["problems"]) == truth[day]
        code, md = cli(capsys, data, "brief", "--date", iso, "--format", "md", "--no-mark-seen")
        section = md.split("## Problems", 1)[1].split("\n## ", 1)[0] if "## Problems" in md else ""
        surfaces.setdefault("brief md", {})[day] = section.count("\n- ")
        code, html = cli(capsys, data, "brief", "--date", iso, "--format", "html", "--no-mark-seen")
        found = re.search(r"<h2>Problems \((\d+)\)</h2>", html)
        surfaces.setdefault("brief html", {})[day] = int(found.group(1)) if found else 0
        code, _ = cli(capsys, data, "brief", "--date", iso, "--check", "--no-mark-seen")
        surfaces.setdefault("brief --check", {})[day] = truth[day] if code == EXIT_PROBLEMS else 0
        assert code in (EXIT_OK, EXIT_PROBLEMS)

    # The window, on the same store at the same moment.
    window = MainWindow(store, store.path, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.show()
    hygiene = window.hygiene_model
    by_day: dict[date, int] = {}
    for item in hygiene.items():
        if item.state == "open" and item.day is not None:
            by_day[item.day] = by_day.get(item.day, 0) + 1
    surfaces["Hygiene page"] = {day: by_day.get(day, 0) for day in DAYS}
    for day in DAYS:
        window.go_to(day)
        surfaces.setdefault("Day page", {})[day] = window.service.day(day).problem_count
        assert window.agenda_model.rowCount() == len(window.service.day(day).rows)
        page = window.briefing.briefing
        assert page is not None and page.day == day
        surfaces.setdefault("Briefing page", {})[day] = len(page.problems)
        title = window.briefing.title.text()
        assert (f"{truth[day]} open problem" in title) if truth[day] else "no open" in title, title
        week = {summary.day: summary.problems for summary in window.service.week(DAYS[0], 4)}
        shown = {
            window.week_model.day_at(r).day: window.week_model.day_at(r).problems
            for r in range(window.week_model.rowCount())
        }
        if day in shown:
            surfaces.setdefault("Week page", {})[day] = shown[day]
        surfaces.setdefault("Week service", {})[day] = week[day]

    # The tray: its badge is the review period's open count; the nudge says the same.
    tray = connect_tray(window, use_tray=False)
    assert tray.current_problems == total
    reminders = ReminderService(store, window.preferences, lambda: NOW)
    evening = next(
        r for r in reminders.planned(NOW) if r.kind is Kind.EVENING and r.day == DAYS[-1]
    )
    line = review_line(review(store, window.service.zone, window.service))
    assert line in evening.title
    period_problems = sum(int(n) for n in re.findall(r"(\d+) ", line))
    assert period_problems == total

    # The Clients page: each client's problems are review-model problems of its meetings.
    window.tabs.setCurrentIndex(TAB_CLIENTS)
    qtbot.waitUntil(lambda: bool(window.clients_page.model.rows()), timeout=20000)
    clients = {row.name: row.problems for row in window.clients_page.model.rows()}
    # Acme: the coffee nobody answered; Globex: its open items (the clash is handled);
    # Initech: the invitation the user has not answered.
    assert clients.get("Acme") == 1 + (1 if truth[date(2026, 3, 14)] > 1 else 0)
    assert clients.get("Globex") == 1 and clients.get("Initech") == 1

    for name, counts in surfaces.items():
        for day, count in counts.items():
            assert count == truth[day], f"{name} says {count} for {day}, the model {truth[day]}"
    # Ten surfaces checked day by day against `daybrief problems` itself, plus the tray's
    # badge, its nudge and the Clients page: fourteen in all.
    assert len(surfaces) == 10
