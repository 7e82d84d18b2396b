"""ICS exports: follow-ups as VTODOs for task apps, chosen prep slots as VEVENTs.

Every TEXT value is escaped per RFC 5545 3.3.11 (backslash, semicolon, comma, newline)
after controls are removed, and lines are folded at 75 octets without splitting a
UTF-8 character, so no calendar text can start a property or component of its own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from daybrief.core.briefing import Briefing, FollowUpEntry, PrepSlot
from daybrief.core.model import format_utc
from daybrief.services.export._common import one_line

PRODID = "-//Daybrief//Briefing export//EN"
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def text_value(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = [
        _CONTROLS.sub(" ", line).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        for line in lines
    ]
    return "\\n".join(escaped)


def fold(line: str) -> list[str]:
    """RFC 5545 3.1: at most 75 octets per line, continuation lines start with a space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return out


def calendar(components: Iterable[list[str]], *, method: str | None = None) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if method:
        lines.append(f"METHOD:{method}")
    for component in components:
        lines += component
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in fold(line))


def _utc(moment: datetime) -> str:
    # From format_utc: strftime leaves years before 1000 unpadded.
    return format_utc(moment).replace("-", "").replace(":", "")


def _todo(item: FollowUpEntry, stamp: datetime, redacted: bool) -> list[str]:
    lines = [
        "BEGIN:VTODO",
        f"UID:daybrief-follow-up-{item.id}@daybrief.invalid",
        f"DTSTAMP:{_utc(stamp)}",
        f"SUMMARY:{text_value(one_line(item.text, 1000))}",
        "STATUS:NEEDS-ACTION",
    ]
    if item.due is not None:
        lines.append(f"DUE;VALUE=DATE:{item.due:%Y%m%d}")
    if item.client:
        lines.append(f"CATEGORIES:{text_value(one_line(item.client, 200))}")
    if item.meeting_uid and not redacted:
        lines.append(f"RELATED-TO:{text_value(one_line(item.meeting_uid, 500))}")
    lines.append("END:VTODO")
    return lines


def follow_ups_ics(briefing: Briefing) -> str:
    """The briefing's follow-ups (due and overdue) as VTODOs, stable UIDs per follow-up."""
    stamp = briefing.generated_at
    items = [line.entry for group in briefing.follow_ups for line in group.items]
    return calendar(_todo(item, stamp, briefing.redacted) for item in items)


def prep_slots_ics(briefing: Briefing, slots: Sequence[PrepSlot] | None = None) -> str:
    """The chosen prep slots (default: all suggested) as opaque VEVENTs to import."""
    chosen = briefing.prep_slots if slots is None else slots
    stamp = briefing.generated_at
    components = []
    for slot in chosen:
        digest = hashlib.sha256(f"{slot.ref}|{_utc(slot.start)}".encode()).hexdigest()[:24]
        items = "\n".join(f"- {one_line(text, 300)}" for text in slot.open_items)
        lines = [
            "BEGIN:VEVENT",
            f"UID:daybrief-prep-{digest}@daybrief.invalid",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART:{_utc(slot.start)}",
            f"DTEND:{_utc(slot.end)}",
            f"SUMMARY:{text_value('Prep: ' + one_line(slot.title, 300))}",
            f"DESCRIPTION:{text_value('Still open:' + chr(10) + items)}",
            "TRANSP:OPAQUE",
            "CATEGORIES:Daybrief prep",
        ]
        if slot.meeting_uid and not briefing.redacted:
            lines.append(f"RELATED-TO:{text_value(one_line(slot.meeting_uid, 500))}")
        lines.append("END:VEVENT")
        components.append(lines)
    return calendar(components)
