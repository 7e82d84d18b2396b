"""Short, polite messages for the hygiene panel: ask to reschedule, ask for an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from urllib.parse import quote

from daybrief.core.model import Occurrence
from daybrief.services.agenda import HygieneItem


@dataclass(frozen=True)
class Draft:
    to: tuple[str, ...]
    subject: str
    body: str

    def mailto(self) -> str:
        # Addresses go through quote too: a calendar's text must not add headers to the link.
        recipients = ",".join(quote(address, safe="@.+-_") for address in self.to)
        return f"mailto:{recipients}?subject={quote(self.subject)}&body={quote(self.body)}"

    def as_text(self) -> str:
        head = f"To: {', '.join(self.to)}\n" if self.to else ""
        return f"{head}Subject: {self.subject}\n\n{self.body}"


def _when(occurrence: Occurrence, zone: tzinfo) -> str:
    if occurrence.all_day and occurrence.start_date:
        return f"{occurrence.start_date:%A %d %B}"
    start = occurrence.start.astimezone(zone)
    return f"{start:%A %d %B at %H:%M} ({start.tzname()})"


def _single_line(text: str) -> str:
    return " ".join(text.split())


def draft_for(item: HygieneItem, zone: tzinfo, *, sender_name: str = "") -> Draft:
    """A message for one hygiene problem, written for the people who can fix it."""
    sign = f"\n\nThanks,\n{sender_name}" if sender_name else "\n\nThanks!"
    if item.kind == "conflict" and len(item.occurrences) == 2:
        target = item.occurrences[1]  # the later one: the one we ask to move
        subject = f"Could we move “{_single_line(target.summary or 'our meeting')}”?"
        body = (
            f"Hi,\n\nI am double-booked on {_when(target, zone)}: "
            f"“{_single_line(target.summary or 'our meeting')}” overlaps with another "
            "commitment. Would another time that day or later in the week work for you? "
            "Happy to fit around your calendar."
        )
        return Draft(item.mail_to, subject, body + sign)
    occurrence = item.occurrences[0] if item.occurrences else None
    title = _single_line(occurrence.summary if occurrence else item.title) or "our meeting"
    when = _when(occurrence, zone) if occurrence else ""
    if item.unconfirmed is not None and item.unconfirmed.reason == "waiting-on":
        subject = f"Are you able to join “{title}”?"
        body = (
            f"Hi,\n\nA quick check that {when} still works for “{title}”. "
            "Could you accept or decline the invitation so I can plan the agenda?"
        )
    elif item.unconfirmed is not None and item.unconfirmed.reason == "event-tentative":
        subject = f"Is “{title}” confirmed?"
        body = (
            f"Hi,\n\n“{title}” on {when} is still marked tentative. Is it going ahead as planned?"
        )
    else:
        subject = f"Confirming “{title}”"
        body = f"Hi,\n\nConfirming that I will join “{title}” on {when}. See you there."
    return Draft(item.mail_to, subject, body + sign)
