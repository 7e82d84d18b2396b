"""An .eml message to send oneself: multipart/alternative (text + HTML), To: the user.

No calendar text goes into a header, and every header value is stripped of CR, LF and
other controls before it is set, so no header can be injected; the stdlib ``email``
package then encodes what is left (RFC 2047 for non-ASCII).
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from daybrief.core.briefing import Briefing
from daybrief.services.export.html import render_html
from daybrief.services.export.text import render_text

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def header_value(text: str, limit: int = 200) -> str:
    """Safe as a header value: no line breaks or controls, so no second header."""
    cleaned = " ".join(_CONTROLS.sub(" ", text).split())
    return cleaned[:limit]


def mail_address(candidate: str) -> Address | None:
    """A plain address as an :class:`Address`, or None when it is not one."""
    value = header_value(candidate, 254)
    if not _ADDRESS.match(value):
        return None
    local, _, domain = value.rpartition("@")
    return Address(addr_spec=f"{local}@{domain}")


def subject(briefing: Briefing) -> str:
    head = briefing.headline
    return header_value(
        f"Briefing for {briefing.day:%a %d %b %Y}: {head.meetings} meeting"
        f"{'s' if head.meetings != 1 else ''}, {head.problems} problem"
        f"{'s' if head.problems != 1 else ''}"
    )


def render_eml(briefing: Briefing, to: str | None = None) -> bytes:
    """The message as bytes (CRLF line ends). ``to``: default the user's first address.

    Without a usable address the message has no To (the mail program asks), rather than
    a made-up one.
    """
    message = EmailMessage(policy=SMTP)
    candidates = [to] if to else list(briefing.me)
    recipient = next((a for a in (mail_address(c) for c in candidates) if a is not None), None)
    if recipient is not None:
        message["From"] = Address("Daybrief", addr_spec=recipient.addr_spec)
        message["To"] = recipient
    message["Subject"] = subject(briefing)
    message["Date"] = format_datetime(briefing.generated_at)
    message["Message-ID"] = make_msgid("briefing", domain="daybrief.invalid")
    message["X-Daybrief-Day"] = briefing.day.isoformat()
    message.set_content(render_text(briefing), subtype="plain", charset="utf-8")
    message.add_alternative(render_html(briefing), subtype="html", charset="utf-8")
    return message.as_bytes()
