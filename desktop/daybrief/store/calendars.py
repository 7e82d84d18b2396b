"""Calendar sources and the occurrences materialised from them (schema 0002).

Everything here is re-creatable from the sources; the user's data lives in the other
repositories and is never touched by what happens here.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from daybrief.core.errors import ReadWarning
from daybrief.core.ics_reader import Block
from daybrief.core.model import Attendee, EventInfo, Occurrence, format_utc, recurrence_key
from daybrief.store.db import Store
from daybrief.store.errors import StoreError


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    kind: str
    location: str
    name: str
    enabled: bool
    content_hash: str | None
    window_start: datetime | None
    window_end: datetime | None
    user_zone: str | None
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    role: str = "mine"
    """mine, others or info (schema 11, core.roles)."""
    role_set: bool = False
    """Chosen by the user; False: guessed on the first import (``role_reason`` says why)."""
    role_reason: str | None = None
    colour: str | None = None
    """#RRGGBB, or None for the window's default."""


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _source(row: Any) -> Source:
    return Source(
        id=row["id"],
        kind=row["kind"],
        location=row["location"],
        name=row["name"],
        enabled=bool(row["enabled"]),
        content_hash=row["content_hash"],
        window_start=_moment(row["window_start"]),
        window_end=_moment(row["window_end"]),
        user_zone=row["user_zone"],
        last_success_at=row["last_success_at"],
        last_error=row["last_error"],
        last_error_at=row["last_error_at"],
        **_role_columns(row),
    )


def _role_columns(row: Any) -> dict[str, Any]:
    # Stores are opened at older schemas too (a migration's own steps, its tests).
    if "role" not in row.keys():  # noqa: SIM118 (a sqlite3.Row's "in" looks at values)
        return {}
    return {
        "role": row["role"],
        "role_set": bool(row["role_set"]),
        "role_reason": row["role_reason"],
        "colour": row["colour"],
    }


class Calendars:
    """Repository of sources and their materialised occurrences."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ sources

    def sources(self) -> list[Source]:
        return [_source(r) for r in self.store.query("SELECT * FROM sources ORDER BY id")]

    def find_source(self, kind: str, location: str) -> Source | None:
        row = self.store.query_one(
            "SELECT * FROM sources WHERE kind = ? AND location = ?", (kind, location)
        )
        return _source(row) if row else None

    def add_source(self, kind: str, location: str, name: str) -> Source:
        now = self.store.now()
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO sources (kind, location, name, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, location) DO NOTHING",
                (kind, location, name, now, now),
            )
        found = self.find_source(kind, location)
        assert found is not None
        return found

    def remove_source(self, source_id: int) -> None:
        """Forget a source and its occurrences; user data on its meetings stays (orphaned)."""
        with self.store.transaction():
            self.store.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    def record_failure(self, source_id: int, reason: str) -> None:
        """A failed refresh: say why and when; the last good data stays as it was."""
        now = self.store.now()
        with self.store.transaction():
            self.store.execute(
                "UPDATE sources SET last_error = ?, last_error_at = ?, updated_at = ? WHERE id = ?",
                (reason, now, now, source_id),
            )

    def record_success(self, source_id: int) -> None:
        """A refresh that found the calendar unchanged: it is current as of now."""
        now = self.store.now()
        with self.store.transaction():
            self.store.execute(
                "UPDATE sources SET last_success_at = ?, last_error = NULL, last_error_at = NULL, "
                "updated_at = ? WHERE id = ?",
                (now, now, source_id),
            )

    def set_role(
        self, source_id: int, role: str, *, chosen: bool, reason: str | None = None
    ) -> None:
        """The source's role: ``chosen`` by the user, or guessed for ``reason``.

        Only the sources row changes: occurrences take the role when read (:meth:`between`).
        """
        with self.store.transaction():
            self.store.execute(
                "UPDATE sources SET role = ?, role_set = ?, role_reason = ?, updated_at = ? "
                "WHERE id = ?",
                (role, int(chosen), reason, self.store.now(), source_id),
            )

    def set_colour(self, source_id: int, colour: str | None) -> None:
        with self.store.transaction():
            self.store.execute(
                "UPDATE sources SET colour = ?, updated_at = ? WHERE id = ?",
                (colour, self.store.now(), source_id),
            )

    def rename(self, source_id: int, name: str) -> None:
        with self.store.transaction():
            self.store.execute(
                "UPDATE sources SET name = ?, updated_at = ? WHERE id = ?",
                (name, self.store.now(), source_id),
            )

    def content(self, source_id: int) -> bytes | None:
        """The source's last good content, byte for byte as it was imported."""
        row = self.store.query_one(
            "SELECT data, layout FROM source_content WHERE source_id = ?", (source_id,)
        )
        if row is None:
            return None
        if row["layout"] is None:
            return bytes(row["data"])
        blocks = {
            bytes(r["digest"]): bytes(r["data"])
            for r in self.store.query(
                "SELECT digest, data FROM source_blocks WHERE source_id = ? AND data IS NOT NULL",
                (source_id,),
            )
        }
        outside = bytes(row["data"])
        parts: list[bytes] = []
        previous = 0
        for offset, digest in zip(*_unpack_layout(bytes(row["layout"])), strict=True):
            block = blocks.get(digest)
            if block is None:
                raise StoreError(
                    f"{self.store.path}: a calendar block of source {source_id} is missing"
                )
            parts += (outside[previous:offset], block)
            previous = offset
        parts.append(outside[previous:])
        return b"".join(parts)

    def block_digests(self, source_id: int) -> list[bytes] | None:
        """Digests of the VEVENT blocks of the last good content, in file order.

        None when the content is stored whole (written before schema 4, or not splittable).
        """
        row = self.store.query_one(
            "SELECT layout FROM source_content WHERE source_id = ?", (source_id,)
        )
        if row is None or row["layout"] is None:
            return None
        return _unpack_layout(bytes(row["layout"]))[1]

    def block_uids(self, source_id: int, digests: Iterable[bytes]) -> dict[bytes, str | None]:
        """The UID of each of these blocks that the source has."""
        found: dict[bytes, str | None] = {}
        wanted = list(dict.fromkeys(digests))
        for chunk in _chunks(wanted):
            for r in self.store.query(
                "SELECT digest, uid FROM source_blocks WHERE source_id = ? "
                f"AND digest IN ({', '.join('?' for _ in chunk)})",
                (source_id, *chunk),
            ):
                found[bytes(r["digest"])] = r["uid"]
        return found

    def digests_of_uids(self, source_id: int, uids: Iterable[str]) -> set[bytes]:
        """Digests of every block of the source carrying one of these UIDs."""
        found: set[bytes] = set()
        for chunk in _chunks(list(uids)):
            found.update(
                bytes(r["digest"])
                for r in self.store.query(
                    "SELECT digest FROM source_blocks WHERE source_id = ? "
                    f"AND uid IN ({', '.join('?' for _ in chunk)})",
                    (source_id, *chunk),
                )
            )
        return found

    def warnings(self, source_id: int, location: str) -> list[ReadWarning]:
        return [
            ReadWarning(location, r["line"], r["uid"], r["message"])
            for r in self.store.query(
                "SELECT line, uid, message FROM source_warnings WHERE source_id = ? ORDER BY rowid",
                (source_id,),
            )
        ]

    def replace_content(
        self,
        source: Source,
        *,
        data: bytes,
        content_hash: str,
        blocks: Sequence[Block],
        block_uids: Mapping[bytes, str | None],
        block_spans: Mapping[bytes, tuple[str, str] | None],
        frame_digest: bytes,
        outside: tuple[bytes, list[int]] | None,
        occurrences: Iterable[Occurrence],
        warnings: Iterable[ReadWarning],
        window: tuple[datetime, datetime],
        user_zone: str,
        name: str,
    ) -> None:
        """A successful import, all at once: the old content is replaced in one transaction.

        ``blocks``: the VEVENT blocks in file order; ``outside``: the bytes of ``data``
        outside them and where each block goes among them (see ``ics_reader.outside_blocks``),
        or None to keep ``data`` whole (when the block offsets are not offsets in ``data``).
        """
        now = self.store.now()
        with self.store.transaction():
            self.store.execute("DELETE FROM occurrences WHERE source_id = ?", (source.id,))
            self._insert_occurrences(source.id, occurrences)
            self.store.execute("DELETE FROM source_warnings WHERE source_id = ?", (source.id,))
            self.store.executemany(
                "INSERT INTO source_warnings (source_id, line, uid, message) VALUES (?, ?, ?, ?)",
                [(source.id, w.line, w.uid, w.message) for w in warnings],
            )
            self.store.execute("DELETE FROM source_blocks WHERE source_id = ?", (source.id,))
            self._insert_blocks(
                source.id, data if outside is not None else None, blocks, block_uids, block_spans
            )
            self._write_content(source.id, data, blocks, outside)
            self.store.execute(
                "UPDATE sources SET content_hash = ?, window_start = ?, window_end = ?, "
                "user_zone = ?, name = ?, last_success_at = ?, last_error = NULL, "
                "last_error_at = NULL, updated_at = ?, frame_digest = ? WHERE id = ?",
                (
                    content_hash,
                    format_utc(window[0]),
                    format_utc(window[1]),
                    user_zone,
                    name,
                    now,
                    now,
                    frame_digest,
                    source.id,
                ),
            )

    def _insert_occurrences(self, source_id: int, occurrences: Iterable[Occurrence]) -> None:
        # A generator: rows are made as SQLite takes them, never all held at once.
        self.store.executemany(
            f"INSERT INTO occurrences ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
            (_occurrence_row(source_id, o) for o in occurrences),
        )

    def _insert_blocks(
        self,
        source_id: int,
        data: bytes | None,
        blocks: Iterable[Block],
        block_uids: Mapping[bytes, str | None],
        block_spans: Mapping[bytes, tuple[str, str] | None],
    ) -> None:
        view = memoryview(data) if data is not None else None
        never = ("", "")
        self.store.executemany(
            "INSERT INTO source_blocks (source_id, digest, uid, data, span_start, span_end) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    source_id,
                    b.digest,
                    block_uids.get(b.digest),
                    view[b.start : b.end] if view is not None else None,
                    *(block_spans.get(b.digest, never) or (None, None)),
                )
                for b in blocks
            ),
        )

    def _write_content(
        self,
        source_id: int,
        data: bytes,
        blocks: Sequence[Block],
        outside: tuple[bytes, list[int]] | None,
    ) -> None:
        stored, layout = (
            (data, None) if outside is None else (outside[0], _layout(blocks, outside[1]))
        )
        self.store.execute(
            "INSERT INTO source_content (source_id, data, layout) VALUES (?, ?, ?) "
            "ON CONFLICT (source_id) DO UPDATE SET data = excluded.data, layout = excluded.layout",
            (source_id, stored, layout),
        )

    def frame_digest(self, source_id: int) -> bytes | None:
        row = self.store.query_one("SELECT frame_digest FROM sources WHERE id = ?", (source_id,))
        return bytes(row["frame_digest"]) if row and row["frame_digest"] is not None else None

    def count_occurrences(self, source_id: int) -> int:
        row = self.store.query_one(
            "SELECT count(*) AS n FROM occurrences WHERE source_id = ?", (source_id,)
        )
        return int(row["n"]) if row else 0

    def replace_series(
        self,
        source: Source,
        *,
        uids: Sequence[str],
        occurrences: Iterable[Occurrence],
        data: bytes,
        content_hash: str,
        blocks: Sequence[Block],
        outside: tuple[bytes, list[int]],
        removed: Iterable[bytes],
        added: Iterable[Block],
        block_uids: Mapping[bytes, str | None],
        block_spans: Mapping[bytes, tuple[str, str] | None],
        warnings: Iterable[ReadWarning],
    ) -> None:
        """An incremental import: only the occurrences of ``uids`` are replaced, and only
        the ``removed`` and ``added`` blocks of the content (``blocks`` is all of them, in
        file order, with offsets in ``data``; ``outside`` as for :meth:`replace_content`)."""
        now = self.store.now()
        with self.store.transaction():
            self.store.executemany(
                "DELETE FROM occurrences WHERE source_id = ? AND uid = ?",
                [(source.id, uid) for uid in uids],
            )
            self._insert_occurrences(source.id, occurrences)
            self.store.executemany(
                "DELETE FROM source_warnings WHERE source_id = ? AND uid = ?",
                [(source.id, uid) for uid in uids],
            )
            warnings = list(warnings)
            self.store.executemany(
                "INSERT INTO source_warnings (source_id, line, uid, message) VALUES (?, ?, ?, ?)",
                [(source.id, w.line, w.uid, w.message) for w in warnings if w.uid is not None],
            )
            # A partial read says the calendar's own warnings (no UID: an unknown
            # X-WR-TIMEZONE, say) again; keep one of each, not one per re-import.
            self.store.executemany(
                "INSERT INTO source_warnings (source_id, line, uid, message)"
                " SELECT ?, ?, NULL, ? WHERE NOT EXISTS (SELECT 1 FROM source_warnings"
                " WHERE source_id = ? AND uid IS NULL AND line IS ? AND message = ?)",
                [
                    (source.id, w.line, w.message, source.id, w.line, w.message)
                    for w in warnings
                    if w.uid is None
                ],
            )
            # One row per removed block: a block that is in the file twice has two rows.
            self.store.executemany(
                "DELETE FROM source_blocks WHERE rowid = (SELECT rowid FROM source_blocks "
                "WHERE source_id = ? AND digest = ? LIMIT 1)",
                [(source.id, digest) for digest in removed],
            )
            self._insert_blocks(source.id, data, added, block_uids, block_spans)
            self._write_content(source.id, data, blocks, outside)
            self.store.execute(
                "UPDATE sources SET content_hash = ?, last_success_at = ?, last_error = NULL, "
                "last_error_at = NULL, updated_at = ? WHERE id = ?",
                (content_hash, now, now, source.id),
            )

    def move_window(
        self, source: Source, window: tuple[datetime, datetime], gained: Iterable[Occurrence]
    ) -> None:
        """The same content over a later ``window``: add the occurrences of the time it
        gained, drop those that left it (as ``_in_window`` in recurrence decides)."""
        now = self.store.now()
        start = format_utc(window[0])
        with self.store.transaction():
            self.store.execute(
                "DELETE FROM occurrences WHERE source_id = ? AND (start_utc >= ? OR "
                "(end_utc = start_utc AND start_utc < ?) OR "
                "(end_utc > start_utc AND end_utc <= ?))",
                (source.id, format_utc(window[1]), start, start),
            )
            self._insert_occurrences(source.id, gained)
            self.store.execute(
                "UPDATE sources SET window_start = ?, window_end = ?, last_success_at = ?, "
                "last_error = NULL, last_error_at = NULL, updated_at = ? WHERE id = ?",
                (start, format_utc(window[1]), now, now, source.id),
            )

    def identities_from(self, source_id: int, moment: datetime) -> set[tuple[str, str]]:
        """(UID, RECURRENCE-ID) of the occurrences ending at or after ``moment``."""
        return {
            (r["uid"], r["recurrence_id"])
            for r in self.store.query(
                "SELECT uid, recurrence_id FROM occurrences WHERE source_id = ? "
                "AND end_utc >= ? AND uid IS NOT NULL",
                (source_id, format_utc(moment)),
            )
        }

    def occurrences_leaving(
        self, source_id: int, window: tuple[datetime, datetime]
    ) -> list[Occurrence]:
        """The occurrences :meth:`move_window` to ``window`` drops."""
        start = format_utc(window[0])
        names = self._calendar_names()
        return [
            _occurrence(r, names)
            for r in self.store.query(
                "SELECT * FROM occurrences WHERE source_id = ? AND (start_utc >= ? OR "
                "(end_utc = start_utc AND start_utc < ?) OR "
                "(end_utc > start_utc AND end_utc <= ?)) ORDER BY start_utc",
                (source_id, format_utc(window[1]), start, start),
            )
        ]

    def blocks_reaching(
        self, source_id: int, start: str, end: str
    ) -> list[tuple[bytes, str | None]]:
        """(digest, UID) of the blocks that may have occurrences between ``start`` and
        ``end`` (naive UTC, ISO text; see schema 4's spans)."""
        return [
            (bytes(r["digest"]), r["uid"])
            for r in self.store.query(
                "SELECT digest, uid FROM source_blocks WHERE source_id = ? AND "
                "(span_start IS NULL OR (span_start < ? AND span_end > ?))",
                (source_id, end, start),
            )
        ]

    def occurrences_of_uids(self, source_id: int, uids: Sequence[str]) -> list[Occurrence]:
        """By UID (in SQLite's byte order, which is Python's for str), then by start."""
        names = self._calendar_names()
        found: list[Occurrence] = []
        for chunk in _chunks(sorted(set(uids))):
            found.extend(
                _occurrence(r, names)
                for r in self.store.query(
                    "SELECT * FROM occurrences WHERE source_id = ? "
                    f"AND uid IN ({', '.join('?' for _ in chunk)}) ORDER BY uid, start_utc",
                    (source_id, *chunk),
                )
            )
        return found

    # ------------------------------------------------------------------ occurrences

    def occurrences_of(self, source_id: int) -> list[Occurrence]:
        names = self._calendar_names()  # once, not once per row
        return [
            _occurrence(r, names)
            for r in self.store.query(
                "SELECT * FROM occurrences WHERE source_id = ? ORDER BY start_utc", (source_id,)
            )
        ]

    def between(self, start: datetime, end: datetime) -> list[Occurrence]:
        """Materialised occurrences of enabled sources overlapping ``[start, end)``."""
        names = self._calendar_names()
        rows = self.store.query(
            "SELECT o.* FROM occurrences o JOIN sources s ON s.id = o.source_id "
            "WHERE s.enabled = 1 AND o.start_utc < ? AND "
            "(o.end_utc > ? OR (o.end_utc = o.start_utc AND o.start_utc >= ?)) "
            "ORDER BY o.start_utc",
            (format_utc(end), format_utc(start), format_utc(start)),
        )
        return [_occurrence(r, names) for r in rows]

    def known_uids(self) -> set[str]:
        return {
            r["uid"] for r in self.store.query("SELECT DISTINCT uid FROM occurrences") if r["uid"]
        }

    def _calendar_names(self) -> dict[int, tuple[str, str]]:
        """Name and role per source: the role is applied here, as occurrences are read, so
        a change of role needs no import again."""
        return {s.id: (s.name, s.role) for s in self.sources()}


_COLUMNS = (
    "source_id", "uid", "recurrence_id", "start_utc", "end_utc", "all_day", "start_date",
    "end_date", "summary", "location", "description", "conference_url", "status", "transp",
    "ms_busystatus", "organizer", "organizer_cn", "attendees", "sequence", "tz", "zone",
    "orphan", "range_future",
)  # fmt: skip


_ATTENDEES_JSON: dict[tuple[Attendee, ...], str] = {}
"""Every occurrence of a series, and many meetings of one team, share their attendees."""
_ATTENDEES_JSON_KEPT = 5_000


def _attendees_json(attendees: tuple[Attendee, ...]) -> str:
    found = _ATTENDEES_JSON.get(attendees)
    if found is None:
        found = json.dumps(
            [
                {"email": a.email, "cn": a.cn, "partstat": a.partstat, "explicit": a.explicit,
                 "role": a.role, "cutype": a.cutype}
                for a in attendees
            ],
            ensure_ascii=False,
        )  # fmt: skip
        if len(_ATTENDEES_JSON) >= _ATTENDEES_JSON_KEPT:
            _ATTENDEES_JSON.clear()
        _ATTENDEES_JSON[attendees] = found
    return found


def _occurrence_row(source_id: int, occurrence: Occurrence) -> tuple[Any, ...]:
    event = occurrence.event
    attendees = _attendees_json(event.attendees)
    zone = occurrence.zone
    zone_name = zone.key if isinstance(zone, ZoneInfo) else None
    return (
        source_id,
        event.uid,
        recurrence_key(occurrence),
        format_utc(occurrence.start),
        format_utc(occurrence.end),
        int(occurrence.all_day),
        occurrence.start_date.isoformat() if occurrence.start_date else None,
        occurrence.end_date.isoformat() if occurrence.end_date else None,
        event.summary,
        event.location,
        event.description,
        event.conference_url,
        event.status,
        event.transp,
        event.ms_busystatus,
        event.organizer,
        event.organizer_cn,
        attendees,
        event.sequence,
        occurrence.tz,
        zone_name,
        occurrence.orphan,
        int(occurrence.range == "THISANDFUTURE"),
    )


def _occurrence(row: Any, calendars: dict[int, tuple[str, str]]) -> Occurrence:
    calendar, role = calendars.get(row["source_id"], ("", "mine"))
    attendees = tuple(
        Attendee(
            email=a["email"], cn=a["cn"], partstat=a["partstat"], explicit=a["explicit"],
            role=a["role"], cutype=a.get("cutype", "INDIVIDUAL"),
        )
        for a in json.loads(row["attendees"])
    )  # fmt: skip
    info = EventInfo(
        uid=row["uid"],
        summary=row["summary"],
        location=row["location"],
        description=row["description"],
        conference_url=row["conference_url"],
        status=row["status"],
        transp=row["transp"],
        ms_busystatus=row["ms_busystatus"],
        organizer=row["organizer"],
        organizer_cn=row["organizer_cn"],
        attendees=attendees,
        sequence=row["sequence"],
        calendar=calendar,
        role=role,
    )
    rid_text = row["recurrence_id"]
    recurrence_id: datetime | date | None = None
    if rid_text:
        recurrence_id = date.fromisoformat(rid_text) if len(rid_text) == 10 else _moment(rid_text)
    zone: tzinfo | None = ZoneInfo(row["zone"]) if row["zone"] else None
    start = _moment(row["start_utc"])
    end = _moment(row["end_utc"])
    assert start is not None and end is not None
    return Occurrence(
        event=info,
        start=start.astimezone(UTC),
        end=end.astimezone(UTC),
        all_day=bool(row["all_day"]),
        start_date=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
        end_date=date.fromisoformat(row["end_date"]) if row["end_date"] else None,
        recurrence_id=recurrence_id,
        tz=row["tz"],
        zone=zone,
        orphan=row["orphan"],
        range="THISANDFUTURE" if row["range_future"] else None,
    )


_CHUNK = 500  # bound parameters per statement, well under SQLite's limit
_DIGEST = 16  # bytes of a block digest (ics_reader.block_digest)


def _layout(blocks: Sequence[Block], offsets: list[int]) -> bytes:
    """``source_content.layout`` (schema 4): every block's offset among the outside bytes
    (8 bytes each, little-endian), then every block's digest."""
    return struct.pack(f"<{len(offsets)}Q", *offsets) + b"".join(b.digest for b in blocks)


def _unpack_layout(layout: bytes) -> tuple[tuple[int, ...], list[bytes]]:
    count = len(layout) // (8 + _DIGEST)
    offsets = struct.unpack_from(f"<{count}Q", layout)
    start = 8 * count
    return offsets, [layout[i : i + _DIGEST] for i in range(start, len(layout), _DIGEST)]


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
