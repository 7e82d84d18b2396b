"""`daybrief import` applies the rules; `templates list` and `rules list` show them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daybrief.cli.main import main


def calendar(path: Path) -> Path:
    """Meetings tomorrow (the CLI imports relative to the real clock)."""
    day = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y%m%d")
    text = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
BEGIN:VEVENT
UID:qbr@acme.example
DTSTART:{day}T100000Z
DTEND:{day}T110000Z
SUMMARY:Acme QBR
ATTENDEE:mailto:me@agency.example
ATTENDEE:mailto:jo@acme.example
END:VEVENT
BEGIN:VEVENT
UID:plan@agency.example
DTSTART:{day}T130000Z
DTEND:{day}T140000Z
SUMMARY:Team planning
ATTENDEE:mailto:me@agency.example
END:VEVENT
END:VCALENDAR
"""
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


def test_import_applies_the_rules_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    path = calendar(tmp_path / "work.ics")
    assert main(["whoami", str(path), "--save", "me@agency.example", *data]) == 0
    assert main(["import", str(path), *data]) == 0
    out = capsys.readouterr().out
    # QBR: the client-meeting template (2 items) and the QBR one (3).
    assert "applied templates: 5 items on 1 meetings" in out
    path.write_bytes(path.read_bytes() + b"\r\n")
    assert main(["import", str(path), *data]) == 0
    assert "applied templates: 0 items on 0 meetings" in capsys.readouterr().out


def test_templates_and_rules_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["import", str(calendar(tmp_path / "work.ics")), *data]) == 0
    capsys.readouterr()
    assert main(["templates", "list", *data]) == 0
    text = capsys.readouterr().out
    assert "Quarterly business review\n  - Deck ready (required)\n" in text
    assert "  - Notes from last meeting reviewed (optional)\n" in text
    assert main(["templates", "list", "--json", *data]) == 0
    templates = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [t["name"] for t in templates] == [
        "Client meeting",
        "Quarterly business review",
        "Renewal",
    ]
    assert templates[1]["items"][0] == {
        "text": "Deck ready",
        "required": True,
        "file_pattern": None,
    }
    assert main(["rules", "list", "--json", *data]) == 0
    rules = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["kind"], r["value"], r["template"], r["enabled"]) for r in rules] == [
        ("external_attendees", "", "Client meeting", True),
        ("title_keyword", "QBR, quarterly business review", "Quarterly business review", True),
        ("title_keyword", "renewal", "Renewal", True),
    ]
    assert main(["rules", "list", *data]) == 0
    assert "title has renewal → Renewal" in capsys.readouterr().out


def test_lists_without_a_store_create_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path / "nothing")]
    assert main(["rules", "list", *data]) == 0
    assert "No rules yet" in capsys.readouterr().out
    assert main(["templates", "list", "--json", *data]) == 0
    assert capsys.readouterr().out == ""
    assert not (tmp_path / "nothing").exists()
