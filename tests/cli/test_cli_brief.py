"""``daybrief brief``: demo on a fresh install, the store, given files, formats, exit codes."""

from __future__ import annotations

import email
import subprocess
import sys
import unicodedata
from datetime import date
from email import policy
from pathlib import Path

import pytest

from daybrief.cli.main import EXIT_OK, EXIT_OUTPUT, EXIT_PROBLEMS, EXIT_UNUSABLE, main
from daybrief.core.demo import DEMO_USER, demo_calendar


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_brief_demo_works_on_a_fresh_install(capsys, data_dir: Path) -> None:
    code, out, err = run(capsys, "brief", "--demo", "--data-dir", str(data_dir))
    assert code == EXIT_OK, err
    assert out.startswith("Briefing for ")
    assert "PROBLEMS" in out and "Double-booking:" in out and "Globex renewal call" in out
    assert not data_dir.exists()  # the demo touches no store


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("md", "# Briefing for"), ("html", "<!DOCTYPE html>"), ("followups-ics", "BEGIN:VTODO")],
)
def test_brief_demo_formats_to_stdout(capsys, fmt: str, marker: str) -> None:
    code, out, _ = run(capsys, "brief", "--demo", "--format", fmt)
    assert code == EXIT_OK
    assert marker in out


def test_brief_eml_to_a_file_is_a_message_to_the_user(capsys, tmp_path: Path) -> None:
    target = tmp_path / "brief.eml"
    code, out, _ = run(capsys, "brief", "--demo", "--format", "eml", "--out", str(target))
    assert code == EXIT_OK and out == ""
    message = email.message_from_bytes(target.read_bytes(), policy=policy.default)
    assert message["To"] == DEMO_USER
    assert message["Subject"].startswith("Briefing for ")


def test_brief_redact_leaves_out_addresses(capsys) -> None:
    code, out, _ = run(capsys, "brief", "--demo", "--redact")
    assert code == EXIT_OK
    assert "@" not in out.split("Made by")[0]
    assert "Jordan Lee" in out


def test_brief_check_exits_1_when_the_day_has_problems(capsys) -> None:
    code, out, _ = run(capsys, "brief", "--demo", "--check")
    assert code == EXIT_PROBLEMS
    assert "PROBLEMS" in out  # the briefing is still written


def test_brief_with_given_calendars_only(capsys, tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "work.ics"
    path.write_text(demo_calendar(date.today()), encoding="utf-8")
    code, out, err = run(
        capsys, "brief", "--calendar", str(path), "--date", "next", "--me", DEMO_USER,
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "you have not answered" in out
    assert not data_dir.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--demo", "--date", "someday"], "--date: not a day"),
        (["--calendar", "/nonexistent/x.ics"], "x.ics"),
        (["--demo", "--tz", "Mars/Olympus"], "unknown time zone"),
        ([], "no store"),
    ],
)
def test_brief_unusable_input_exits_2_with_one_line(
    capsys, data_dir: Path, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "brief", "--data-dir", str(data_dir), *args)
    assert code == EXIT_UNUSABLE
    assert message in err and err.count("\n") == 1
    assert out == ""


def test_brief_on_a_store_without_calendars_says_what_to_do(
    capsys, tmp_path: Path, data_dir: Path
) -> None:
    backup = str(tmp_path / "backup.json")
    assert run(capsys, "export-data", backup, "--data-dir", str(data_dir))[0] == EXIT_OK
    code, _, err = run(capsys, "brief", "--data-dir", str(data_dir))
    assert code == EXIT_UNUSABLE
    assert "--demo" in err


def test_brief_unwritable_out_exits_3(capsys, tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "brief", "--demo", "--out", str(tmp_path / "missing" / "dir" / "b.md")
    )
    assert code == EXIT_OUTPUT
    assert "b.md" in err


def test_end_to_end_import_identity_brief_next_and_what_changed(
    capsys, tmp_path: Path, data_dir: Path
) -> None:
    """Issue 6: on a fresh data dir, import the demo, set identity, brief the next day."""
    calendar = tmp_path / "demo.ics"
    calendar.write_text(demo_calendar(date.today()), encoding="utf-8")
    store = ["--data-dir", str(data_dir)]
    assert run(capsys, "import", str(calendar), *store)[0] == EXIT_OK
    assert run(capsys, "whoami", "--save", DEMO_USER, *store)[0] == EXIT_OK
    code, out, err = run(capsys, "brief", "--date", "next", "--format", "md", *store)
    assert code == EXIT_OK, err
    assert "## Problems" in out
    for expected in (
        "**Double-booking:** Acme quarterly business review",
        "**Not confirmed:** Globex renewal call",
        "you have not answered",
        "waiting on 1 of 1: Tom Becker",
        "you answered tentatively",
        "the meeting itself is tentative",
    ):
        assert expected in out
    assert "since you last looked" not in out

    # That briefing was marked seen: a moved meeting is flagged in the next one.
    text = calendar.read_bytes()
    moved = text.replace(b"T100000\r\nDTEND", b"T093000\r\nDTEND", 1)
    assert moved != text
    calendar.write_bytes(moved)
    assert run(capsys, "import", str(calendar), *store)[0] == EXIT_OK
    code, out, _ = run(capsys, "brief", "--date", "next", "--no-mark-seen", *store)
    assert code == EXIT_OK
    assert "since you last looked" in out


def test_brief_pdf_without_a_display(tmp_path: Path) -> None:
    """A child process with no DISPLAY, like cron: the CLI picks Qt's offscreen platform."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf (the test extra) reads the PDF back")
    target = tmp_path / "brief.pdf"
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY",
           "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "daybrief.cli.main", "brief", "--demo", "--format", "pdf",
         "--out", str(target)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode == EXIT_OUTPUT and "did not load" in result.stderr:
        pytest.skip(f"Qt cannot load here: {result.stderr.strip()}")
    assert result.returncode == EXIT_OK, result.stderr
    raw = "".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    # Qt writes ligatures (ﬁ) and lays words out with tabs; compare words, not glyphs.
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    assert "Briefing for" in text and "Globex renewal call" in text
    assert "Double-booking:" in text and "Send Globex the revised pricing" in text
