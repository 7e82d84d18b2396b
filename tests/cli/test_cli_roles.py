"""Issue 17's command line: ``import FILE... --role``, ``sources add URL --role``,
``sources set ID|NAME --role ... [--colour #RRGGBB]`` and the role in ``sources list``."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.network import CalendarServer, MemoryKeyring, ics

from daybrief.cli.main import main

NOW = "2026-03-08T18:00:00+01:00"  # Sunday evening: Monday 9 March is under review
MONDAY = ["--start", "2026-03-09", "--end", "2026-03-09", "--tz", "Europe/Berlin"]
GOOGLE_HOLIDAYS = (
    "/calendar/ical/en.german%23holiday%40group.v.calendar.google.com/public/basic.ics"
)


def run(capsys, monkeypatch, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own refusals (an unknown --role)
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def data(tmp_path: Path) -> list[str]:
    return ["--data-dir", str(tmp_path / "data"), "--now", NOW]


def _conflicts(capsys, monkeypatch, data: list[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, monkeypatch, "conflicts", *MONDAY, "--json", *data)
    assert code in (0, 1), err
    return [json.loads(line) for line in out.splitlines()]


def test_import_with_roles_then_set_and_list(capsys, monkeypatch, calendars, data) -> None:  # type: ignore[no-untyped-def]
    # A first calendar that comes before the user's addresses are known is theirs.
    first = ["--data-dir", data[1] + "-first", "--now", NOW]
    code, out, err = run(capsys, monkeypatch, "import", str(calendars.roles_work), *first)
    assert code == 0, err
    assert "role mine (guessed: your addresses are not set" in out
    code, out, err = run(capsys, monkeypatch, "import", str(calendars.roles_work), *first)
    assert code == 0 and "role mine" not in out  # guessed once, on the first import only

    code, out, err = run(capsys, monkeypatch, "import", str(calendars.roles_work), *data)
    assert code == 0, err
    assert run(capsys, monkeypatch, "whoami", "--save", "me@corp.example", *data)[0] == 0
    assert run(capsys, monkeypatch, "sources", "remove", "Work", *data)[0] == 0
    code, out, err = run(capsys, monkeypatch, "import", str(calendars.roles_work), *data)
    assert code == 0, err
    assert (
        f"{calendars.roles_work}: role mine (guessed: you organise or attend 6 of its 6 meetings)"
        in out
    )
    code, out, err = run(
        capsys, monkeypatch, "import", str(calendars.roles_team), str(calendars.roles_info),
        "--role", "others", *data,
    )  # fmt: skip
    assert code == 0, err
    assert f"{calendars.roles_team}: role others" in out
    assert f"{calendars.roles_info}: role others" in out
    code, out, _ = run(capsys, monkeypatch, "sources", "set", "Markets", "--role", "info", *data)
    assert code == 0 and out.strip() == "'Markets' (id 3): role info"

    # Only the user's own double-booking is left: the retro they are invited to × their 1:1.
    [conflict] = _conflicts(capsys, monkeypatch, data)
    assert {conflict["a"]["summary"], conflict["b"]["summary"]} == {"Team retro", "1:1 with Bo"}
    code, out, _ = run(capsys, monkeypatch, "occurrences", *MONDAY, "--json", *data)
    rows = {row["summary"]: row for row in map(json.loads, out.splitlines())}
    assert (
        rows["Ana: leadership offsite"]["calendar_role"],
        rows["Ana: leadership offsite"]["context"],
    ) == ("others", True)
    assert (rows["Stock market opens"]["calendar_role"], rows["Stock market opens"]["context"]) == (
        "info",
        True,
    )
    assert rows["Team retro"]["context"] is False
    code, out, _ = run(capsys, monkeypatch, "occurrences", *MONDAY, *data)
    assert "Ana: leadership offsite  [Team]  (context)" in out
    assert "Team retro  [Team]\n" in out
    code, out, _ = run(capsys, monkeypatch, "unconfirmed", *MONDAY, "--json", *data)
    assert [json.loads(line)["summary"] for line in out.splitlines()] == ["Team retro"]

    code, out, _ = run(capsys, monkeypatch, "sources", "list", *data)
    assert code == 0
    assert "role mine (guessed: you organise or attend 6 of its 6 meetings)" in out
    assert "role others (set)" in out and "role info (set)" in out
    code, out, _ = run(capsys, monkeypatch, "sources", "list", "--json", *data)
    listed = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["role"], r["role_how"]) for r in listed] == [
        ("Work", "mine", "guessed"),
        ("Team", "others", "set"),
        ("Markets", "info", "set"),
    ]
    assert listed[0]["role_reason"] == "you organise or attend 6 of its 6 meetings"

    # Back to one diary: every calendar the user's own brings the false double-bookings back,
    # at once, with nothing imported again.
    for name in ("Team", "3"):
        assert run(capsys, monkeypatch, "sources", "set", name, "--role", "mine", *data)[0] == 0
    assert len(_conflicts(capsys, monkeypatch, data)) > 5
    code, out, _ = run(
        capsys, monkeypatch, "sources", "set", "2", "--role", "others", "--colour", "#16A34A", *data
    )
    assert code == 0 and out.strip() == "'Team' (id 2): role others, colour #16a34a"
    code, out, _ = run(capsys, monkeypatch, "sources", "list", *data)
    assert "role others (set); colour #16a34a" in out
    code, out, _ = run(capsys, monkeypatch, "sources", "set", "Team", "--colour", "none", *data)
    assert code == 0 and out.strip() == "'Team' (id 2): colour default"


def test_bad_roles_colours_and_names_are_refused(capsys, monkeypatch, calendars, data) -> None:  # type: ignore[no-untyped-def]
    assert run(capsys, monkeypatch, "import", str(calendars.roles_work), *data)[0] == 0
    code, _, err = run(
        capsys, monkeypatch, "import", str(calendars.roles_team), "--role", "team", *data
    )
    assert code == 2 and "invalid choice: 'team'" in err
    code, _, err = run(capsys, monkeypatch, "sources", "set", "Work", "--colour", "blue", *data)
    assert code == 2 and "--colour: colour 'blue' is not of the form #RRGGBB" in err
    code, _, err = run(capsys, monkeypatch, "sources", "set", "Nope", "--role", "info", *data)
    assert code == 2 and "no calendar source 'Nope'" in err
    code, _, err = run(capsys, monkeypatch, "sources", "set", "Work", *data)
    assert code == 2 and "give --role mine|others|info and/or --colour #RRGGBB" in err
    code, out, _ = run(capsys, monkeypatch, "sources", "list", "--json", *data)
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["role"], row["colour"]) == ("mine", None)  # nothing changed by the refusals


def test_sources_add_guesses_googles_holidays_by_address_or_takes_the_role_given(
    capsys, monkeypatch, data, calendar_server: CalendarServer, memory_keyring: MemoryKeyring
) -> None:  # type: ignore[no-untyped-def]
    monday = datetime(2026, 3, 9, 8, tzinfo=UTC)
    calendar_server.serve(
        GOOGLE_HOLIDAYS, ics(("h-1", "Something timed", monday), name="Feiertage")
    )
    code, out, err = run(
        capsys, monkeypatch, "sources", "add", calendar_server.url(GOOGLE_HOLIDAYS), *data
    )
    assert code == 0, err
    # The stored address is redacted (no path): the guess saw the real one.
    assert "role info, guessed: a Google holidays calendar" in out
    assert "daybrief sources set 1 --role" in out
    calendar_server.serve("/team.ics", ics(("t-1", "Offsite", monday), name="Team"))
    code, out, err = run(
        capsys,
        monkeypatch,
        "sources",
        "add",
        calendar_server.url("/team.ics"),
        "--role",
        "others",
        *data,
    )
    assert code == 0, err
    assert out.endswith("\n  role others\n") and "role others, guessed" not in out
    code, out, _ = run(capsys, monkeypatch, "sources", "list", "--json", *data)
    listed = [json.loads(line) for line in out.splitlines()]
    assert [(r["role"], r["role_how"]) for r in listed] == [("info", "guessed"), ("others", "set")]


def test_the_overview_counts_only_the_users_meetings(capsys, monkeypatch, calendars, data) -> None:  # type: ignore[no-untyped-def]
    run(capsys, monkeypatch, "import", str(calendars.roles_work), *data)
    run(capsys, monkeypatch, "whoami", "--save", "me@corp.example", *data)
    run(capsys, monkeypatch, "import", str(calendars.roles_team), "--role", "others", *data)
    run(capsys, monkeypatch, "import", str(calendars.roles_info), "--role", "info", *data)
    # What 'daybrief' alone prints without a display.
    from daybrief.cli.calendar import overview

    sink = io.StringIO()
    args = argparse.Namespace(data_dir=data[1], now=NOW, tz="Europe/Berlin")
    assert overview(args, sink) == 0
    out = sink.getvalue()
    assert (
        "Monday 09 March: 6 meetings (and 3 for context), 1 double-booking(s), 1 unconfirmed" in out
    )
    assert "Ana: leadership offsite [Team]  (context)" in out
