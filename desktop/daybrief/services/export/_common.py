"""What every format shares: cleaning untrusted text, safe links, wording of times."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from urllib.parse import quote, urlsplit

from daybrief.core.briefing import Briefing, MeetingEntry, ProblemKind

LINE_LIMIT = 300
"""A single field (title, location, name) is cut here: a 10 kB title must not bury the day."""
BLOCK_LIMIT = 600
"""Descriptions, which are often pages of dial-in boilerplate."""

# C0/C1 controls and the bidi overrides that can make text read differently than it is
# (a title that visually reorders the next line); tabs and newlines are handled separately.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

PROBLEM_TITLES: dict[ProblemKind, str] = {
    ProblemKind.DOUBLE_BOOKING: "Double-booking",
    ProblemKind.UNCONFIRMED: "Not confirmed",
    ProblemKind.OPEN_ITEMS: "Open items",
    ProblemKind.TIME_OFF: "Time off",
    ProblemKind.OUTSIDE_HOURS: "Outside hours",
    ProblemKind.BACK_TO_BACK: "Back-to-back",
}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str | None, limit: int = LINE_LIMIT) -> str:
    """Untrusted text as one clean line: controls gone, any line break a space, clipped."""
    if not text:
        return ""
    cleaned = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return clip(" ".join(cleaned.split()), limit)


def block(text: str | None, limit: int = BLOCK_LIMIT) -> list[str]:
    """Untrusted multi-line text as clean, non-empty lines, clipped in total."""
    if not text:
        return []
    cleaned = _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).replace("\r", "\n")
    clipped = clip(cleaned.strip(), limit)
    return [" ".join(line.split()) for line in clipped.split("\n") if line.strip()]


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http, https or mailto link, percent-encoded; else None.

    Anything with whitespace or controls inside is refused rather than repaired: browsers
    strip some of those before reading the scheme (``java\\tscript:``).
    """
    if not url:
        return None
    candidate = url.strip()
    if not candidate or len(candidate) > 2000 or any(c.isspace() or ord(c) < 32 for c in candidate):
        return None
    if _INVISIBLE.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        return None
    if scheme in ("http", "https") and not parts.netloc:
        return None
    if scheme == "mailto" and "@" not in parts.path:
        return None
    # Characters that could end an attribute or a Markdown link target get encoded.
    return quote(candidate, safe=":/?#[]@!$&*+,;=%~-._")


def hm(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def span(entry: MeetingEntry) -> str:
    if entry.all_day:
        return "all day"
    end = hm(entry.end) if entry.end.date() == entry.start.date() else f"{entry.end:%a %H:%M}"
    return f"{hm(entry.start)}–{end}"


def organizer_time(entry: MeetingEntry) -> str | None:
    if entry.organizer_start is None or entry.organizer_end is None:
        return None
    zone = one_line(entry.organizer_zone, 60)
    return f"{hm(entry.organizer_start)}–{hm(entry.organizer_end)} {zone} (organiser's time)"


def day_title(briefing: Briefing) -> str:
    return f"{briefing.day:%A %d %B %Y}"


def headline_text(briefing: Briefing) -> str:
    head = briefing.headline
    parts = []
    if head.first_start is not None:
        parts.append(f"first meeting {hm(head.first_start)}")
    parts.append(f"{head.meetings} meeting{'s' if head.meetings != 1 else ''}")
    hours = head.booked.total_seconds() / 3600
    parts.append(f"{hours:.1f} h booked")
    parts.append(f"{head.problems} problem{'s' if head.problems != 1 else ''}")
    text = ", ".join(parts)
    if not briefing.working_day:
        text += " (not a working day)"
    return text[:1].upper() + text[1:]


def changes_text(briefing: Briefing) -> str | None:
    if briefing.last_look_at is None:
        return None
    count = briefing.changed
    since = f"{briefing.last_look_at:%a %d %b %H:%M}"
    if not count:
        return f"Nothing changed since you last looked ({since})."
    return f"{count} change{'s' if count != 1 else ''} since you last looked ({since})."


def attendee_text(entry: MeetingEntry, *, with_email: bool = True) -> list[str]:
    """Attendees as '<name> (<answer>)', the user first, as one-line strings."""
    lines = []
    for person in sorted(entry.attendees, key=lambda a: not a.is_me):
        name = one_line(person.name, 80) or "(no name)"
        email = one_line(person.email, 120)
        label = name
        if with_email and email and email != person.name:
            label = f"{name} <{email}>"
        details = ["you"] if person.is_me else []
        details.append(person.answer)
        if not person.required:
            details.append("optional")
        lines.append(f"{label} ({', '.join(details)})")
    return lines


def meeting_flags(entry: MeetingEntry) -> list[str]:
    flags = []
    if entry.status == "cancelled":
        flags.append("cancelled")
    elif entry.status == "tentative":
        flags.append("tentative")
    if entry.context:
        flags.append("for context")  # not the user's: "free" would say it is
    elif entry.my_answer == "declined":
        flags.append("you declined")
    elif not entry.busy and not entry.all_day and entry.status != "cancelled":
        flags.append("free")
    return flags


def change_labels(entry: MeetingEntry) -> list[str]:
    labels = []
    for change in entry.changes:
        if change.value == "moved" and entry.moved_from is not None:
            labels.append(f"moved from {entry.moved_from:%a %H:%M}")
        else:
            labels.append(change.value)
    return labels


def generated_text(briefing: Briefing) -> str:
    zone = one_line(briefing.zone_name, 60)
    text = f"Made by Daybrief {briefing.generated_at:%Y-%m-%d %H:%M} ({zone})"
    return text + (", redacted" if briefing.redacted else "")
