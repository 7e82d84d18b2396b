"""The command line does what the window does, through the same service entries:
``import`` suggests (and saves) your addresses and puts the demo away, ``sources refresh``
and ``sources add`` apply the template rules."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.network import CalendarServer, MemoryKeyring, ics

from daybrief.cli.main import main
from daybrief.services.demo import has_demo, load_demo
from daybrief.store import UserData, open_store, store_path

NOW = "2026-03-05T16:00:00+00:00"
CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Daybrief tests//EN
BEGIN:VEVENT
UID:qbr@acme.test
DTSTAMP:20260301T000000Z
DTSTART:20260306T100000Z
DTEND:20260306T110000Z
SUMMARY:Acme QBR
ORGANIZER;CN=Jo Real:mailto:jo@agency.test
ATTENDEE;CN=Jo Real;PARTSTAT=ACCEPTED:mailto:jo@agency.test
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@acme.test
END:VEVENT
BEGIN:VEVENT
UID:plan@agency.test
DTSTAMP:20260301T000000Z
DTSTART:20260306T130000Z
DTEND:20260306T140000Z
SUMMARY:Team planning
ORGANIZER;CN=Jo Real:mailto:jo@agency.test
ATTENDEE;PARTSTAT=ACCEPTED:mailto:kim@agency.test
END:VEVENT
END:VCALENDAR
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(path: Path, text: str = CALENDAR) -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


def test_import_suggests_and_saves_your_addresses_as_the_window_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path), "--now", NOW, "--tz", "UTC"]
    code, out, err = run(capsys, "import", str(write(tmp_path / "work.ics")), *data)
    assert code == 0, err
    assert "These look like your addresses: jo@agency.test; saved as yours" in out
    assert "daybrief whoami --save" in out
    code, out, _ = run(capsys, "whoami", "--data-dir", str(tmp_path))
    assert "jo@agency.test" in out
    # Known now: importing again suggests nothing.
    code, out, _ = run(capsys, "import", str(tmp_path / "work.ics"), *data)
    assert code == 0 and "look like your addresses" not in out


def test_import_puts_the_demo_away(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(store_path(tmp_path)) as store:
        load_demo(
            store, tmp_path, today=date(2026, 3, 5), zone=ZoneInfo("UTC"),
            now=datetime(2026, 3, 5, 16, tzinfo=UTC),
        )  # fmt: skip
    data = ["--data-dir", str(tmp_path), "--now", NOW, "--tz", "UTC"]
    code, out, err = run(capsys, "import", str(write(tmp_path / "work.ics")), *data)
    assert code == 0, err
    assert "The demo calendar was removed" in out
    with open_store(store_path(tmp_path)) as store:
        assert not has_demo(store)
        assert UserData.of(store).follow_ups.all() == []


def test_sources_refresh_applies_template_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path), "--now", NOW]
    path = write(tmp_path / "work.ics")
    assert run(capsys, "import", str(path), *data, "--tz", "UTC")[0] == 0
    write(path, CALENDAR.replace("SUMMARY:Acme QBR", "SUMMARY:Acme renewal"))
    code, out, err = run(capsys, "sources", "refresh", *data)
    assert code == 0, err
    assert "applied templates: 2 items on 1 meetings" in out
    with open_store(store_path(tmp_path)) as store:
        texts = [i.text for i in UserData.of(store).checklists.items("qbr@acme.test")]
    assert "Pricing approved" in texts and "Contract draft ready" in texts


def test_sources_add_applies_template_rules(
    tmp_path: Path,
    calendar_server: CalendarServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    calendar_server.serve(
        "/w.ics", ics(("r-1", "Globex renewal", datetime(2026, 3, 6, 9, tzinfo=UTC)))
    )
    code, out, err = run(
        capsys, "sources", "add", calendar_server.url("/w.ics"), "--data-dir", str(tmp_path),
        "--now", NOW,
    )  # fmt: skip
    assert code == 0, err
    assert "applied templates: 2 items on 1 meetings" in out
