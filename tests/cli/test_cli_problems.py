"""``daybrief problems`` and ``daybrief goals``: the contract scripts rely on.

A realistic Friday evening (17:45 in Berlin): a Saturday client coffee nobody answered, a
clash this morning that is over, on Monday a double-booking, a pile-up of three and an
invitation the user has not answered. Every run is at ``--now``; nothing reads the clock.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daybrief.cli.main import EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE, main

NOW = "2026-03-13T17:45:00+01:00"
MONDAY_NIGHT = "2026-03-16T20:00:00+01:00"

EVENTS = {
    "past-a": ("20260313T090000", "20260313T100000", "Morning clash A", ""),
    "past-b": ("20260313T093000", "20260313T103000", "Morning clash B", ""),
    "coffee": (
        "20260314T100000",
        "20260314T110000",
        "Client coffee",
        "ORGANIZER;CN=Me:mailto:me@agency.com\n"
        "ATTENDEE;CN=Jane Doe;PARTSTAT=NEEDS-ACTION:mailto:jane@acme.com\n",
    ),
    "globex": (
        "20260316T090000",
        "20260316T100000",
        "Globex renewal – confidential pricing",
        "ORGANIZER;CN=Bob:mailto:bob@globex.com\nATTENDEE;PARTSTAT=ACCEPTED:mailto:me@agency.com\n",
    ),
    "acme": (
        "20260316T093000",
        "20260316T103000",
        "Acme weekly",
        "ORGANIZER:mailto:me@agency.com\nATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@acme.com\n",
    ),
    "pile1": ("20260316T140000", "20260316T150000", "Pile one", ""),
    "pile2": ("20260316T141500", "20260316T151500", "Pile two", ""),
    "pile3": ("20260316T143000", "20260316T153000", "Pile three", ""),
    "initech": (
        "20260316T113000",
        "20260316T120000",
        "Initech intro",
        "ORGANIZER;CN=Carol:mailto:carol@initech.com\n"
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:me@agency.com\n",
    ),
}


def calendar(events: dict[str, tuple[str, str, str, str]]) -> str:
    body = "".join(
        f"BEGIN:VEVENT\nUID:{uid}@x\nDTSTART;TZID=Europe/Berlin:{start}\n"
        f"DTEND;TZID=Europe/Berlin:{end}\nSUMMARY:{summary}\n{extra}END:VEVENT\n"
        for uid, (start, end, summary, extra) in events.items()
    )
    return (
        f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nX-WR-CALNAME:Work\n{body}END:VCALENDAR\n"
    )


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "data"
    path = tmp_path / "work.ics"
    path.write_text(calendar(EVENTS), encoding="utf-8")
    assert (
        main(["import", str(path), "--data-dir", str(data), "--now", NOW, "--tz", "Europe/Berlin"])
        == 0
    )
    assert main(["whoami", "--save", "me@agency.com", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    return data


def run(
    capsys: pytest.CaptureFixture[str], data: Path, *args: str, now: str = NOW
) -> tuple[int, str, str]:
    code = main([*args, "--data-dir", str(data), "--now", now, "--tz", "Europe/Berlin"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def problems(
    capsys: pytest.CaptureFixture[str], data: Path, *args: str, now: str = NOW
) -> list[dict]:
    code, out, err = run(capsys, data, "problems", "--json", *args, now=now)
    assert code == EXIT_OK, err
    return [json.loads(line) for line in out.splitlines()]


def test_json_lines_carry_the_contracts_fields(capsys, store: Path) -> None:
    found = problems(capsys, store)
    assert found
    for problem in found:
        assert {"id", "kind", "state", "day", "meetings", "reason"} <= set(problem)
        assert problem["state"] == "open"
        for meeting in problem["meetings"]:
            assert set(meeting) >= {
                "uid",
                "recurrence_id",
                "start_utc",
                "end_utc",
                "summary",
                "calendar",
            }
    kinds = sorted((p["day"], p["kind"]) for p in found)
    # Friday evening covers Saturday (the coffee) and Monday; the morning clash is over.
    assert ("2026-03-14", "unconfirmed") in kinds
    assert ("2026-03-13", "double-booking") not in kinds
    doubles = [p for p in found if p["kind"] == "double-booking"]
    assert sorted(len(p["meetings"]) for p in doubles) == [2, 3]
    coffee = next(p for p in found if p["kind"] == "unconfirmed" and p["day"] == "2026-03-14")
    assert coffee["reason"] == "waiting on 1 of 1: Jane Doe"
    assert coffee["meetings"][0]["start_utc"] == "2026-03-14T09:00:00Z"


def test_ids_survive_a_re_import(capsys, store: Path, tmp_path: Path) -> None:
    before = {p["id"] for p in problems(capsys, store)}
    changed = dict(EVENTS)
    changed["pile3"] = ("20260316T143000", "20260316T154500", "Pile three (longer)", "")
    path = tmp_path / "work.ics"
    path.write_text(calendar(changed), encoding="utf-8")
    code, _, err = run(capsys, store, "import", str(path))
    assert code == EXIT_OK, err
    assert {p["id"] for p in problems(capsys, store)} == before


def test_handling_takes_a_problem_out_of_check_until_it_changes(
    capsys, store: Path, tmp_path: Path
) -> None:
    monday = problems(capsys, store, "--date", "2026-03-16")
    ids = [p["id"] for p in monday]
    code, out, err = run(
        capsys, store, "brief", "--date", "2026-03-16", "--check", "--no-mark-seen"
    )
    assert code == EXIT_PROBLEMS, err
    code, out, err = run(capsys, store, "problems", "handle", *ids)
    assert code == EXIT_OK, err
    assert all(p["state"] == "handled" for p in problems(capsys, store, "--date", "2026-03-16"))
    code, out, err = run(
        capsys, store, "brief", "--date", "2026-03-16", "--check", "--no-mark-seen"
    )
    assert code == EXIT_OK, out
    assert "HANDLED" in out
    # The pile-up grows a meeting's end: something new, so that problem is open again.
    changed = dict(EVENTS)
    changed["pile3"] = ("20260316T143000", "20260316T160000", "Pile three", "")
    path = tmp_path / "work.ics"
    path.write_text(calendar(changed), encoding="utf-8")
    assert run(capsys, store, "import", str(path))[0] == EXIT_OK
    states = {p["id"]: p["state"] for p in problems(capsys, store, "--date", "2026-03-16")}
    pile = next(p for p in monday if p["kind"] == "double-booking" and len(p["meetings"]) == 3)
    assert states[pile["id"]] == "open"
    assert [s for i, s in states.items() if i != pile["id"] and i in ids].count("handled") >= 3
    code, *_ = run(capsys, store, "brief", "--date", "2026-03-16", "--check", "--no-mark-seen")
    assert code == EXIT_PROBLEMS


def test_reopen_and_ignore_by_id_prefix(capsys, store: Path) -> None:
    first = problems(capsys, store)[0]
    assert run(capsys, store, "problems", "ignore", first["id"][:6])[0] == EXIT_OK
    assert {p["id"]: p["state"] for p in problems(capsys, store)}[first["id"]] == "ignored"
    assert run(capsys, store, "problems", "reopen", first["id"])[0] == EXIT_OK
    assert {p["id"]: p["state"] for p in problems(capsys, store)}[first["id"]] == "open"


def test_an_unknown_id_is_refused_in_one_line(capsys, store: Path) -> None:
    code, _, err = run(capsys, store, "problems", "handle", "ffffffffffff")
    assert code == EXIT_UNUSABLE
    assert err.count("\n") == 1 and "ffffffffffff" in err


def test_drafts_go_to_the_right_people(capsys, store: Path) -> None:
    found = problems(capsys, store, "--date", "2026-03-16")
    pair = next(p for p in found if p["kind"] == "double-booking" and len(p["meetings"]) == 2)
    code, out, err = run(capsys, store, "problems", "draft", pair["id"], "--json")
    assert code == EXIT_OK, err
    drafts = [json.loads(line) for line in out.splitlines()]
    assert {tuple(d["to"]) for d in drafts} == {("bob@globex.com",), ("jane@acme.com",)}
    for draft in drafts:
        assert set(draft) == {"problem", "to", "cc", "subject", "body"}
        assert draft["problem"] == pair["id"]
        assert "me@agency.com" not in draft["to"] + draft["cc"]
        if draft["to"] == ["jane@acme.com"]:
            assert "Globex" not in draft["subject"] + draft["body"]
    coffee = next(
        p
        for p in problems(capsys, store)
        if p["day"] == "2026-03-14" and p["kind"] == "unconfirmed"
    )
    code, out, _ = run(capsys, store, "problems", "draft", coffee["id"], "--json")
    assert [json.loads(line)["to"] for line in out.splitlines()] == [["jane@acme.com"]]


def test_brief_json_problems_are_the_same_objects(capsys, store: Path) -> None:
    listed = problems(capsys, store, "--date", "2026-03-16")
    code, out, err = run(
        capsys, store, "brief", "--date", "2026-03-16", "--format", "json", "--no-mark-seen"
    )
    assert code == EXIT_OK, err
    document = json.loads(out)
    assert [{k: p[k] for k in listed[0]} for p in document["problems"]] == listed
    assert document["headline"]["problems"] == len(listed)


def test_goals_typed_done_and_won(capsys, store: Path) -> None:
    code, out, err = run(
        capsys, store, "goals", "add", "Send Acme the  recap", "--date", "2026-03-16"
    )
    assert code == EXIT_OK, err
    goal_id = out.split()[0]
    assert (
        run(capsys, store, "goals", "add", "Book the offsite", "--date", "2026-03-16")[0] == EXIT_OK
    )
    code, out, _ = run(capsys, store, "goals", "list", "--date", "2026-03-16", "--json")
    goals = [json.loads(line) for line in out.splitlines()]
    assert [g["text"] for g in goals] == ["Send Acme the recap", "Book the offsite"]
    assert run(capsys, store, "goals", "done", goal_id)[0] == EXIT_OK
    # Monday evening: the done goal is a win.
    code, out, _ = run(
        capsys,
        store,
        "brief",
        "--date",
        "2026-03-16",
        "--format",
        "json",
        "--no-mark-seen",
        now=MONDAY_NIGHT,
    )
    assert json.loads(out)["wins"]["goals_done"] == ["Send Acme the recap"]
    # Tuesday: the unfinished one is offered again.
    code, out, _ = run(capsys, store, "goals", "list", "--date", "2026-03-17", now=MONDAY_NIGHT)
    assert "Not finished last time" in out and "Book the offsite" in out
    code, out, _ = run(
        capsys,
        store,
        "brief",
        "--date",
        "2026-03-17",
        "--format",
        "json",
        "--no-mark-seen",
        now=MONDAY_NIGHT,
    )
    assert json.loads(out)["unfinished_goals"] == ["Book the offsite"]
    assert run(capsys, store, "goals", "done", "9999")[0] == EXIT_UNUSABLE


def test_draft_send_mails_each_draft_through_the_account(
    capsys, store: Path, memory_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    import email
    import email.policy

    from tests.network import SmtpServer

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    pair = next(
        p
        for p in problems(capsys, store, "--date", "2026-03-16")
        if p["kind"] == "double-booking" and len(p["meetings"]) == 2
    )
    # No account yet: each draft is prepared as an .eml, nothing leaves the machine.
    code, out, err = run(capsys, store, "problems", "draft", pair["id"], "--send")
    assert code == EXIT_OK, err
    assert out.count("prepared for") == 2 and ".eml" in out
    server = SmtpServer("none")
    try:
        setup = ["mail", "setup", "--host", "127.0.0.1", "--port", str(server.port)]
        assert main([*setup, "--security", "none", "--from", "me@agency.com",
                     "--data-dir", str(store)]) == EXIT_OK  # fmt: skip
        code, out, err = run(capsys, store, "problems", "draft", pair["id"], "--send")
        assert code == EXIT_OK, err
        sent = {tuple(rcpt): email.message_from_bytes(raw, policy=email.policy.default)
                for _sender, rcpt, raw in server.messages}  # fmt: skip
        assert set(sent) == {("bob@globex.com",), ("jane@acme.com",)}
        to_jane = sent[("jane@acme.com",)]
        assert "Acme weekly" in to_jane["Subject"]
        assert "Globex" not in str(to_jane.get_body(("plain",)).get_content())
    finally:
        server.stop()
    server_down = run(capsys, store, "problems", "draft", pair["id"], "--send")
    assert server_down[0] == 4 and "not sent to" in server_down[2]
