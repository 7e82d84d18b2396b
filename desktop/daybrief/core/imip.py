"""iMIP replies (RFC 6047 over RFC 5546): the calendar text of "I accept / decline".

A REPLY tells the organiser one attendee's answer. It carries exactly what RFC 5546
3.2.3 asks for: METHOD:REPLY, UID, RECURRENCE-ID when the answer is for one instance,
SEQUENCE (the organiser's revision being answered), DTSTAMP, ORGANIZER, and exactly one
ATTENDEE (the user) with the new PARTSTAT; COMMENT when the user wrote one. Pure text:
the mail around it is built in services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from daybrief.core.model import PartStat

ANSWERS = (PartStat.ACCEPTED.value, PartStat.TENTATIVE.value, PartStat.DECLINED.value)
VERBS = {"accept": "ACCEPTED", "tentative": "TENTATIVE", "decline": "DECLINED"}
SUBJECT_WORDS = {"ACCEPTED": "Accepted", "TENTATIVE": "Tentative", "DECLINED": "Declined"}


@dataclass(frozen=True, slots=True)
class ReplyRequest:
    uid: str
    organizer: str
    """The organiser's address, ``mailto:`` stripped."""
    attendee: str
    """The user's address as the invitation lists it, ``mailto:`` stripped."""
    partstat: str
    dtstamp: datetime
    sequence: int = 0
    recurrence_id: datetime | date | None = None
    """The instance's original start (UTC datetime, or a date for all-day); None: the series."""
    comment: str = ""
    attendee_cn: str | None = None
    organizer_cn: str | None = None
    summary: str = ""
    start: datetime | date | None = None
    end: datetime | date | None = None


def escape_text(text: str) -> str:
    """RFC 5545 3.3.11 TEXT: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\n", "\\n")
    # Other controls are not allowed in TEXT at all.
    return "".join(c for c in text if c == "\t" or (ord(c) >= 0x20 and c != "\x7f"))


def _param(value: str) -> str:
    """A parameter value: quoted, with what a quoted string cannot hold removed (RFC 6868-lite)."""
    cleaned = "".join(c for c in value if c not in '"\r\n' and (ord(c) >= 0x20 or c == "\t"))
    return f'"{cleaned}"'


def _address(email: str) -> str:
    return "mailto:" + "".join(c for c in email if ord(c) > 0x20 and c not in '\x7f"')


def fold(line: str) -> str:
    """Lines longer than 75 octets folded (RFC 5545 3.1), never inside a UTF-8 sequence."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _moment(name: str, value: datetime | date) -> str:
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return f"{name}:{moment:%Y%m%dT%H%M%SZ}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def build_reply(request: ReplyRequest) -> bytes:
    """The VCALENDAR of a METHOD:REPLY, CRLF line ends, folded.

    Raises:
        ValueError: not an answer, or no UID, organiser or attendee to write.
    """
    if request.partstat not in ANSWERS:
        raise ValueError(f"not an answer: {request.partstat!r} (ACCEPTED, TENTATIVE, DECLINED)")
    if not request.uid or not request.organizer or not request.attendee:
        raise ValueError("a reply needs the meeting's UID, its organiser and the attendee")
    attendee = f"ATTENDEE;PARTSTAT={request.partstat}"
    if request.attendee_cn:
        attendee += f";CN={_param(request.attendee_cn)}"
    organizer = "ORGANIZER"
    if request.organizer_cn:
        organizer += f";CN={_param(request.organizer_cn)}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Daybrief//Answer//EN",
        "METHOD:REPLY",
        "BEGIN:VEVENT",
        f"UID:{escape_text(request.uid)}",
    ]
    if request.recurrence_id is not None:
        lines.append(_moment("RECURRENCE-ID", request.recurrence_id))
    lines += [
        f"SEQUENCE:{max(request.sequence, 0)}",
        _moment("DTSTAMP", request.dtstamp),
        f"{organizer}:{_address(request.organizer)}",
        f"{attendee}:{_address(request.attendee)}",
    ]
    if request.start is not None:
        lines.append(_moment("DTSTART", request.start))
    if request.end is not None:
        lines.append(_moment("DTEND", request.end))
    if request.summary:
        lines.append(f"SUMMARY:{escape_text(request.summary)}")
    if request.comment.strip():
        lines.append(f"COMMENT:{escape_text(request.comment.strip())}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def recurrence_text(value: datetime | date) -> str:
    """UTC basic format (``20260316T100000Z``), or ``20260316`` for a date: as typed on the
    command line after ``UID@``."""
    if isinstance(value, datetime):
        return f"{value.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f"{value:%Y%m%d}"
