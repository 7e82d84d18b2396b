"""Incremental re-import: only changed VEVENT blocks are parsed, and the result is exactly
what a fresh full import of the same file gives (a differential test)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daybrief.core.model import format_utc, recurrence_key
from daybrief.services.importer import import_file
from daybrief.store import open_store
from daybrief.store.calendars import Calendars

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def event(uid: str, day: int, hour: int, summary: str, extra: str = "") -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTART;TZID=Europe/Berlin:202612{day:02d}T{hour:02d}0000\n"
        f"DURATION:PT1H\nSUMMARY:{summary}\n{extra}END:VEVENT\n"
    )


def calendar(events: list[str], vtimezone: str = VTIMEZONE) -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n"
        + vtimezone
        + "".join(events)
        + ("END:VCALENDAR\n")
    )


BASE = [event(f"e{i}@x", 1 + i % 28, 8 + i % 9, f"Meeting {i}") for i in range(60)] + [
    event("series@x", 1, 9, "Weekly", "RRULE:FREQ=WEEKLY;COUNT=8\n"),
    event(
        "series@x", 15, 11, "Weekly (moved)", "RECURRENCE-ID;TZID=Europe/Berlin:20261215T090000\n"
    ),
]


def materialised(store) -> list[tuple[object, ...]]:
    calendars = Calendars(store)
    (source,) = calendars.sources()
    return sorted(
        (o.uid, recurrence_key(o), format_utc(o.start), format_utc(o.end), o.summary)
        for o in calendars.occurrences_of(source.id)
    )


def stored_content(store) -> bytes | None:
    calendars = Calendars(store)
    (source,) = calendars.sources()
    return calendars.content(source.id)


def write(path: Path, text: str) -> None:
    path.write_bytes(text.replace("\n", "\r\n").encode())


def run(store, path: Path):
    return import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=NOW)


# Each: (events of the first import, events of the re-import).
CHANGES = {
    "one event moved": (BASE, [BASE[0].replace("T08", "T16"), *BASE[1:]]),
    "one event removed": (BASE, BASE[1:]),
    "one event added": (BASE, [*BASE, event("new@x", 3, 7, "New one")]),
    "override of a series changed": (BASE, [*BASE[:-1], BASE[-1].replace("T11", "T14")]),
    "override of a series removed": (BASE, BASE[:-1]),
    "series master changed": (BASE, [*BASE[:-2], BASE[-2].replace("COUNT=8", "COUNT=3"), BASE[-1]]),
    "two copies of one block, one removed": ([*BASE, BASE[5]], BASE),
    "a copy of a block added": (BASE, [*BASE, BASE[7]]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_import_equals_a_full_import(change: str, tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    before, after = CHANGES[change]
    write(path, calendar(before))
    with open_store(tmp_path / "incremental.sqlite3") as store:
        run(store, path)
        write(path, calendar(after))
        report = run(store, path)
        assert report.changed_events is not None, "expected the incremental path"
        assert report.changed_events + report.gone_events <= 4
        incremental = materialised(store)
        assert stored_content(store) == path.read_bytes()
    with open_store(tmp_path / "full.sqlite3") as store:
        run(store, path)
        full = materialised(store)
    assert incremental == full


def test_a_changed_time_zone_definition_forces_a_full_import(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    write(path, calendar(BASE))
    with open_store(tmp_path / "s.sqlite3") as store:
        run(store, path)
        # Winter offset +00:00 instead of +01:00: every event reads differently.
        write(path, calendar(BASE, VTIMEZONE.replace("TZOFFSETTO:+0100", "TZOFFSETTO:+0000")))
        report = run(store, path)
        assert report.changed_events is None  # the frame changed: everything was read again
        first = next(o for o in materialised(store) if o[0] == "e0@x")
        assert first[2] == "2026-12-01T08:00:00Z"


def test_many_changes_take_the_full_path(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    write(path, calendar(BASE))
    with open_store(tmp_path / "s.sqlite3") as store:
        run(store, path)
        write(path, calendar([e.replace("Meeting", "Call") for e in BASE]))
        report = run(store, path)
        assert report.changed_events is None
        assert all(o[4].startswith(("Call", "Weekly")) for o in materialised(store))


def test_the_content_stays_exact_over_many_incremental_imports(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    events = list(BASE)
    write(path, calendar(events))
    with open_store(tmp_path / "s.sqlite3") as store:
        run(store, path)
        for step in range(6):
            events[step * 7] = events[step * 7].replace("Meeting", f"Call {step}")
            events.append(events[step])  # a second copy of a block
            write(path, calendar(events))
            assert run(store, path).changed_events is not None
            assert stored_content(store) == path.read_bytes()
        events = events[: len(BASE)]  # every copy removed again
        write(path, calendar(events))
        assert run(store, path).changed_events is not None
        assert stored_content(store) == path.read_bytes()


def test_content_written_before_schema_4_survives_and_is_split_on_the_next_import(
    tmp_path: Path,
) -> None:
    """A schema-3 store kept each source's content as one blob; it must read the same
    after the migration, and the next import (a full one) keeps it block by block."""
    from daybrief.core.ics_reader import split_blocks
    from daybrief.services.importer import frame_digest
    from daybrief.store import UserData, export_user_data
    from daybrief.store.db import bundled_migrations

    path = tmp_path / "work.ics"
    write(path, calendar(BASE))
    data = path.read_bytes()
    blocks = split_blocks(data)
    assert blocks is not None
    store_path = tmp_path / "s.sqlite3"
    block_content = next(m.version for m in bundled_migrations() if m.name == "block_content")
    before = [m for m in bundled_migrations() if m.version < block_content]
    with open_store(store_path, migrations=before) as store:
        UserData.of(store).notes.set("e1@x", "Bring the numbers")
        with store.transaction():
            store.execute(
                "INSERT INTO sources (kind, location, name, content_hash, window_start, "
                "window_end, user_zone, created_at, updated_at, frame_digest) VALUES "
                "('file', ?, 'work', 'old', '2026-10-24T00:00:00Z', '2027-05-22T00:00:00Z', "
                "'Europe/Berlin', 'x', 'x', ?)",
                (str(path.resolve()), frame_digest(data, blocks)),
            )
            store.execute("INSERT INTO source_content (source_id, data) VALUES (1, ?)", (data,))
            store.executemany(
                "INSERT INTO source_blocks (source_id, digest, uid) VALUES (1, ?, ?)",
                [(b.digest, "e0@x" if i == 0 else None) for i, b in enumerate(blocks)],
            )
    with open_store(store_path) as store:
        # Exported under the newest schema (an older one lacks later columns).
        user_data = export_user_data(store)
        assert [n["text"] for n in user_data["tables"]["notes"]] == ["Bring the numbers"]
        assert stored_content(store) == data
        assert Calendars(store).block_digests(1) is None
        write(path, calendar([BASE[0].replace("T08", "T16"), *BASE[1:]]))
        report = run(store, path)
        assert report.changed_events is None  # no block layout yet: a full import
        assert stored_content(store) == path.read_bytes()
        assert Calendars(store).block_digests(1) is not None
        notes = export_user_data(store)["tables"]["notes"]
        assert notes == user_data["tables"]["notes"] and len(notes) == 1
        assert store.integrity_check() == ["ok"]


def at_edges() -> list[str]:
    """Events around both ends of the default window for NOW (2026-10-24 .. 2027-05-22)."""
    found = []
    for n, day in enumerate(["20261022", "20261023", "20261024", "20261025", "20261026"]):
        found.append(
            f"BEGIN:VEVENT\nUID:past{n}@x\nDTSTART;TZID=Europe/Berlin:{day}T233000\n"
            "DURATION:PT2H\nSUMMARY:Past edge\nEND:VEVENT\n"
        )
    for n, day in enumerate(range(19, 29)):
        found.append(
            f"BEGIN:VEVENT\nUID:next{n}@x\nDTSTART;TZID=Europe/Berlin:202705{day}T0{n % 10}0000\n"
            f"DURATION:PT1H\nSUMMARY:Next edge {n}\nEND:VEVENT\n"
        )
        found.append(
            f"BEGIN:VEVENT\nUID:allday{n}@x\nDTSTART;VALUE=DATE:202705{day}\n"
            f"SUMMARY:All day {n}\nEND:VEVENT\n"
        )
    found.append(
        "BEGIN:VEVENT\nUID:zero@x\nDTSTART:20270523T000000Z\nSUMMARY:Zero length\nEND:VEVENT\n"
    )
    found.append(event("daily@x", 1, 7, "Daily", "RRULE:FREQ=DAILY\n"))
    found.append(
        event(
            "daily@x", 2, 9, "Daily moved", "RECURRENCE-ID;TZID=Europe/Berlin:20270524T070000\n"
        ).replace("202612", "202705")
    )
    found.append(event("monthly@x", 1, 8, "Monthly", "RRULE:FREQ=MONTHLY;COUNT=7\n"))
    return found


@pytest.mark.parametrize("days", [1, 2, 5])
def test_a_window_moved_on_reads_only_what_it_gained_and_equals_a_full_import(
    days: int, tmp_path: Path
) -> None:
    path = tmp_path / "work.ics"
    write(path, calendar(BASE + at_edges()))
    later = NOW + timedelta(days=days)

    def at(store, now: datetime):
        return import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=now)

    with open_store(tmp_path / "moved.sqlite3") as store:
        at(store, NOW)
        before = materialised(store)
        report = at(store, later)
        assert report.changed_events == 0, "expected the moved-window path"
        moved = materialised(store)
        assert at(store, later).unchanged
    with open_store(tmp_path / "full.sqlite3") as store:
        full_report = at(store, later)
        assert full_report.changed_events is None
        full = materialised(store)
    assert moved == full
    assert moved != before  # the edges really moved
    gone = {(o.uid, recurrence_key(o)) for o in report.removed}
    assert gone == {o[:2] for o in before} - {o[:2] for o in full}
    added = {(o.uid, recurrence_key(o)) for o in report.added}
    assert added == {o[:2] for o in full} - {o[:2] for o in before}


def test_a_window_moved_far_takes_the_full_path(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    write(path, calendar(BASE + at_edges()))
    with open_store(tmp_path / "s.sqlite3") as store:
        run(store, path)
        later = NOW + timedelta(days=400)
        report = import_file(
            store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=later
        )
        assert report.changed_events is None


def random_calendar(seed: int) -> str:
    """One-offs, all-day and zero-length events, series and overrides around both ends of
    the default window for NOW, in zones far east and west."""
    rng = random.Random(seed)
    zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"]
    found = []
    for n in range(120):
        edge = rng.choice([datetime(2027, 5, 22), datetime(2026, 10, 24)])
        start = edge + timedelta(minutes=rng.randrange(-12 * 24 * 60, 5 * 24 * 60, 30))
        lines = ["BEGIN:VEVENT", f"UID:r{n}@x", f"SUMMARY:r{n}"]
        kind = rng.choice(["zoned", "utc", "date", "zero"])
        if kind == "date":
            lines.append(f"DTSTART;VALUE=DATE:{start:%Y%m%d}")
        elif kind == "zoned":
            lines.append(f"DTSTART;TZID={rng.choice(zones)}:{start:%Y%m%dT%H%M%S}")
            lines.append(f"DURATION:PT{rng.randrange(0, 30)}H")
        else:
            lines.append(f"DTSTART:{start:%Y%m%dT%H%M%S}Z")
            if kind == "utc":
                lines.append(
                    f"DTEND:{start + timedelta(hours=rng.randrange(1, 40)):%Y%m%dT%H%M%S}Z"
                )
        until = start + timedelta(days=rng.randrange(0, 20), hours=rng.randrange(0, 24))
        if n % 3 == 0:
            lines.append(
                rng.choice(
                    [
                        "RRULE:FREQ=DAILY;COUNT=40",
                        "RRULE:FREQ=WEEKLY",
                        "RRULE:FREQ=HOURLY;INTERVAL=29",
                        f"RRULE:FREQ=DAILY;UNTIL={until:%Y%m%dT%H%M%S}Z",
                        f"RRULE:FREQ=HOURLY;INTERVAL=5;UNTIL={until:%Y%m%d}",
                        f"RRULE:FREQ=DAILY;UNTIL={until:%Y%m%dT%H%M%S}",
                        f"RDATE:{until:%Y%m%dT%H%M%S}Z,{until + timedelta(days=2):%Y%m%dT%H%M%S}Z",
                        f"RDATE;VALUE=PERIOD:{until:%Y%m%dT%H%M%S}Z/PT30H",
                    ]
                )
            )
        found.append("\n".join(lines) + "\nEND:VEVENT\n")
        if n % 3 == 0 and kind == "utc":
            moved = start + timedelta(days=rng.randrange(-3, 4), hours=rng.randrange(0, 5))
            rid = start + timedelta(days=1)
            future = ""
            if n % 4 == 0:  # moves this and every later instance more than a week on
                future = ";RANGE=THISANDFUTURE"
                moved += timedelta(days=9)
            found.append(
                f"BEGIN:VEVENT\nUID:r{n}@x\nRECURRENCE-ID{future}:{rid:%Y%m%dT%H%M%S}Z\n"
                f"DTSTART:{moved:%Y%m%dT%H%M%S}Z\nDURATION:PT1H\nSUMMARY:moved\nEND:VEVENT\n"
            )
    return "BEGIN:VCALENDAR\nVERSION:2.0\n" + "".join(found) + "END:VCALENDAR\n"


@pytest.mark.parametrize("seed", range(8))
def test_moved_windows_equal_full_imports_on_random_calendars(seed: int, tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    write(path, random_calendar(seed))

    def at(store, days: int):
        now = NOW + timedelta(days=days)
        return import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=now)

    with open_store(tmp_path / "moved.sqlite3") as moved:
        at(moved, 0)
        for days in (1, 2, 4):
            report = at(moved, days)
            assert report.changed_events == 0, "expected the moved-window path"
            with open_store(tmp_path / f"full{days}.sqlite3") as full:
                at(full, days)
                assert materialised(moved) == materialised(full)


def test_a_series_cut_in_the_window_takes_the_full_path_when_the_window_moves(
    tmp_path: Path,
) -> None:
    # More instances than the window may hold: which ones are kept depends on where the
    # window starts, so only a full import knows the new cut.
    busy = event("busy@x", 1, 8, "Every five minutes", "RRULE:FREQ=MINUTELY;INTERVAL=5\n")
    path = tmp_path / "work.ics"
    write(path, calendar([busy.replace("202612", "202610")]))
    later = NOW + timedelta(days=1)

    def at(store, now: datetime):
        return import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=now)

    with open_store(tmp_path / "moved.sqlite3") as store:
        assert any("series cut" in w.message for w in at(store, NOW).warnings)
        at(store, later)
        moved = materialised(store)
    with open_store(tmp_path / "full.sqlite3") as store:
        at(store, later)
        assert moved == materialised(store)


def test_a_series_moved_this_and_future_into_the_gained_day_is_found(tmp_path: Path) -> None:
    # The series ends ten days before the window does, but an override for this and all
    # later instances moves them ten days on: the last lands in the day the window gains.
    series = (
        "BEGIN:VEVENT\nUID:moved-on@x\nDTSTART:20270501T090000Z\nDURATION:PT1H\n"
        "RRULE:FREQ=DAILY;UNTIL=20270512T090000Z\nSUMMARY:Daily\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:moved-on@x\nRECURRENCE-ID;RANGE=THISANDFUTURE:20270505T090000Z\n"
        "DTSTART:20270515T090000Z\nDURATION:PT1H\nSUMMARY:Daily, later\nEND:VEVENT\n"
    )
    path = tmp_path / "work.ics"
    write(path, calendar([series]))
    later = NOW + timedelta(days=1)

    def at(store, now: datetime):
        return import_file(store, str(path), user_zone=BERLIN, zone_name="Europe/Berlin", now=now)

    with open_store(tmp_path / "moved.sqlite3") as store:
        at(store, NOW)
        assert at(store, later).changed_events == 0
        moved = materialised(store)
    with open_store(tmp_path / "full.sqlite3") as store:
        at(store, later)
        full = materialised(store)
    assert moved == full
    assert full[-1][2] == "2027-05-22T09:00:00Z"


@pytest.mark.parametrize("seed", range(20))
def test_block_changes_are_the_multiset_difference(seed: int) -> None:
    from collections import Counter

    from daybrief.core.ics_reader import Block
    from daybrief.services.importer import _block_changes

    rng = random.Random(seed)
    stored = [bytes([rng.randrange(12)]) * 16 for _ in range(rng.randrange(0, 40))]
    digests = list(stored)
    for _ in range(rng.randrange(0, 6)):
        if digests and rng.random() < 0.7:
            digests[rng.randrange(len(digests))] = bytes([rng.randrange(12)]) * 16
        elif rng.random() < 0.5:
            digests.insert(rng.randrange(len(digests) + 1), bytes([rng.randrange(12)]) * 16)
        elif digests:
            del digests[rng.randrange(len(digests))]
    blocks = [Block(d, i, i + 1, 0) for i, d in enumerate(digests)]
    new_blocks, removed = _block_changes(blocks, stored)
    assert Counter(b.digest for b in new_blocks) == Counter(digests) - Counter(stored)
    assert Counter(removed) == Counter(stored) - Counter(digests)


def test_the_calendars_own_warnings_do_not_pile_up_over_re_imports(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    head = "X-WR-TIMEZONE:Nowhere/Atlantis\n"  # unknown: one warning without a UID
    events = list(BASE)
    write(path, calendar(events).replace("PRODID:-//t//EN\n", "PRODID:-//t//EN\n" + head))
    with open_store(tmp_path / "s.sqlite3") as store:
        first = run(store, path)
        calendar_level = [w for w in first.warnings if w.uid is None]
        assert calendar_level and "Atlantis" in calendar_level[0].message
        for hour in (16, 17, 18):
            events[0] = BASE[0].replace("T08", f"T{hour}")
            text = calendar(events).replace("PRODID:-//t//EN\n", "PRODID:-//t//EN\n" + head)
            write(path, text)
            report = run(store, path)
            assert report.changed_events == 1  # the incremental path
        stored = Calendars(store).warnings(1, str(path))
        assert [w.message for w in stored if w.uid is None] == [w.message for w in calendar_level]
