"""The command line as a script or cron job uses it: files in, text or JSON lines out."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from daybrief.cli.main import main

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
BEGIN:VEVENT
UID:qbr@acme.example
DTSTART;TZID=Europe/Berlin:20261124T100000
DTEND;TZID=Europe/Berlin:20261124T113000
SUMMARY:Acme QBR
ORGANIZER:mailto:jo@acme.example
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:Me@Example.com
END:VEVENT
BEGIN:VEVENT
UID:renewal@globex.example
DTSTART:20261124T100000Z
DTEND:20261124T110000Z
SUMMARY:Globex renewal
ORGANIZER:mailto:me@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com
ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:pat@globex.example
ATTENDEE;ROLE=OPT-PARTICIPANT:mailto:optional@globex.example
END:VEVENT
BEGIN:VEVENT
UID:broken
SUMMARY:No start
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture()
def calendar_file(tmp_path: Path) -> Path:
    path = tmp_path / "work.ics"
    path.write_text(CALENDAR.replace("\n", "\r\n"), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_occurrences_json_has_the_spec_fields(calendar_file: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        "occurrences",
        str(calendar_file),
        "--start",
        "2026-11-24",
        "--end",
        "2026-11-25",
        "--tz",
        "UTC",
        "--json",
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["uid"] for r in rows] == ["qbr@acme.example", "renewal@globex.example"]
    qbr = rows[0]
    assert qbr["start_utc"] == "2026-11-24T09:00:00Z" and qbr["end_utc"] == "2026-11-24T10:30:00Z"
    for field in (
        "recurrence_id",
        "all_day",
        "summary",
        "status",
        "transp",
        "organizer",
        "attendees",
        "calendar",
    ):
        assert field in qbr
    assert qbr["attendees"][0] == {
        "email": "me@example.com",
        "partstat": "NEEDS-ACTION",
        "explicit": True,
        "role": "REQ-PARTICIPANT",
        "cn": None,
    }
    # The broken event is a warning naming the file and line, and the rest is kept.
    assert "work.ics:22" in err and "no DTSTART" in err


def test_conflicts_json_pairs_with_overlap_minutes(calendar_file: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "conflicts",
        str(calendar_file),
        "--start",
        "2026-11-24",
        "--end",
        "2026-11-24",
        "--tz",
        "Europe/Berlin",
        "--json",
        "-q",
    )
    assert code == 0
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert line["a"]["uid"] == "qbr@acme.example" and line["b"]["uid"] == "renewal@globex.example"
    assert line["overlap_minutes"] == 30
    assert {"uid", "recurrence_id", "start_utc", "end_utc", "summary", "calendar"} <= set(line["a"])


def test_unconfirmed_reasons_for_the_user(calendar_file: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "unconfirmed",
        str(calendar_file),
        "--start",
        "2026-11-24",
        "--end",
        "2026-11-25",
        "--me",
        "ME@example.com",
        "--json",
        "-q",
    )
    assert code == 0
    rows = {r["uid"]: r for r in map(json.loads, out.splitlines())}
    assert rows["qbr@acme.example"]["reason"] == "needs-action"
    assert rows["renewal@globex.example"]["reason"] == "waiting-on"
    assert rows["renewal@globex.example"]["waiting_on"] == ["pat@globex.example"]


def test_human_output_names_the_meetings(calendar_file: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "conflicts",
        str(calendar_file),
        "--start",
        "2026-11-24",
        "--end",
        "+1d",
        "--tz",
        "Europe/Berlin",
        "-q",
    )
    assert code == 0
    assert "30 min overlap" in out and "Acme QBR" in out and "Globex renewal" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["occurrences", "missing.ics"], "missing.ics: cannot read file"),
        (["occurrences", "{file}", "--tz", "Mars/Olympus"], "unknown time zone"),
        (["occurrences", "{file}", "--start", "next tuesday"], "not a date"),
        (["occurrences", "{file}", "--start", "2026-11-25", "--end", "2026-11-24"], "not after"),
        (["occurrences", "{junk}"], "not an iCalendar file"),
        (["occurrences"], "no calendar given"),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    args: list[str], message: str, calendar_file: Path, tmp_path: Path, capsys
) -> None:
    junk = tmp_path / "junk.ics"
    junk.write_text("hello, this is not a calendar\n")
    argv = [a.format(file=calendar_file, junk=junk) for a in args]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_demo_next_working_day_has_problems(capsys) -> None:
    code, out, _ = run(
        capsys, "conflicts", "--demo", "--start", "tomorrow", "--end", "+7d", "--json", "-q"
    )
    assert code == 0 and out.strip(), "the demo must always show a double-booking"


def test_console_script_runs_as_a_module(calendar_file: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "daybrief",
            "occurrences",
            str(calendar_file),
            "--start",
            "2026-11-24",
            "--end",
            "2026-11-25",
            "--tz",
            "UTC",
            "--json",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert len(completed.stdout.splitlines()) == 2


def test_bare_command_shows_the_demo_next_working_day(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAYBRIEF_DATA_DIR", str(tmp_path / "no-store-yet"))
    code, out, _ = run(capsys)
    assert code == 0
    assert "demo calendar" in out
    assert "Double-booked:" in out and "Not confirmed:" in out


def test_bare_command_shows_imported_calendars_instead_of_the_demo(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from daybrief.core.demo import next_working_day

    monkeypatch.setenv("DAYBRIEF_DATA_DIR", str(tmp_path / "data"))
    day = next_working_day(date.today())
    path = tmp_path / "mine.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:mine@example.com\n"
        f"DTSTART:{day:%Y%m%d}T090000\nDTEND:{day:%Y%m%d}T100000\n"
        "SUMMARY:My own meeting\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    assert run(capsys, "import", str(path))[0] == 0
    code, out, _ = run(capsys)
    assert code == 0 and "My own meeting" in out and "demo" not in out


def test_a_bare_calendar_file_without_a_display_is_imported(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAYBRIEF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # no display: no window
    path = tmp_path / "invite.ics"
    day = date.today() + timedelta(days=1)
    path.write_text(
        f"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:invite@example.com\nDTSTART:{day:%Y%m%d}T090000Z\n"
        f"DTEND:{day:%Y%m%d}T100000Z\nSUMMARY:Invite\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    code, out, _ = run(capsys, str(path))
    assert code == 0 and "invite.ics" in out and "1 added" in out


def test_data_dir_and_now_count_before_the_command_as_after_it(tmp_path: Path, capsys) -> None:
    """``daybrief --now X goals list`` once ran at the real time on the default store: the
    command's own defaults overwrote what was given before it."""
    data = str(tmp_path / "data")
    code, _, _ = run(
        capsys, "--data-dir", data, "--now", "2026-03-10T09:00", "goals", "add", "Ship it"
    )
    assert code == 0
    assert (tmp_path / "data").is_dir()
    before = run(capsys, "--data-dir", data, "--now", "2026-03-10T09:00", "goals", "list", "--json")
    after = run(capsys, "goals", "list", "--json", "--data-dir", data, "--now", "2026-03-10T09:00")
    assert before == after and '"text": "Ship it"' in before[1]
    # The one given after the command wins over the one before it.
    code, out, _ = run(
        capsys, "--now", "2026-03-10T09:00", "goals", "list", "--json", "--data-dir", data,
        "--now", "2026-03-11T09:00",
    )  # fmt: skip
    assert code == 0 and "Ship it" not in out
