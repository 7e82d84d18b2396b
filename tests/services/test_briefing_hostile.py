"""Hostile calendars render safely in every format (issue 6, "Done means").

Summaries, locations, descriptions, attendee names and URLs hold HTML, <script>,
``javascript:`` links, CRLF header injection, terminal escapes, bidi overrides and 10 kB
strings; the user's own texts (checklists, follow-ups, goals, client names) do too.
"""

from __future__ import annotations

import email
import re
from datetime import date, datetime
from email import policy
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import icalendar
import pytest

from daybrief.core.briefing import Briefing, ChecklistEntry, FollowUpEntry, GoalEntry, UserInputs
from daybrief.core.clients import ClientDirectory
from daybrief.core.clock import FixedClock
from daybrief.core.events import read_calendar
from daybrief.services.briefing import briefing_from_calendars, render
from daybrief.services.export.eml import render_eml
from daybrief.services.export.markdown import render_markdown

ZONE = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 24)
ME = "me@agency.example"
CLOCK = FixedClock(datetime(2026, 11, 23, 17, 0, tzinfo=ZONE))
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
INJECT = "\\nBcc: evil@attacker.example\\nX-Evil: 1"  # ICS-escaped newlines: real ones once read
BIG = "W" * 10_000


def ics_event(uid: str, start: str, end: str, *lines: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Berlin:20261124T{start}00",
        f"DTEND;TZID=Europe/Berlin:20261124T{end}00",
        *lines,
        "END:VEVENT",
    ]


HOSTILE = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//evil//EN",
        *ics_event(
            "evil-1",
            "1000",
            "1100",
            f"SUMMARY:{SCRIPT}{IMG} **bold** [click](javascript:alert(3)) # x | y{INJECT}",
            f"LOCATION:javascript:alert(4) {IMG}",
            f"DESCRIPTION:<b>desc</b> {SCRIPT} dial +49 30 1234 5678 PIN: 4242#{INJECT}",
            "X-GOOGLE-CONFERENCE:javascript:alert(5)",
            f'ORGANIZER;CN="{IMG}":mailto:boss@evil.example',
            f'ATTENDEE;CN="<script>x</script>";PARTSTAT=NEEDS-ACTION:mailto:{ME}',
            'ATTENDEE;CN="\\"><svg onload=alert(6)>";PARTSTAT=NEEDS-ACTION:mailto:x@evil.example',
        ),
        *ics_event(
            "evil-2",
            "1030",
            "1130",
            f"SUMMARY:{BIG}",
            f"DESCRIPTION:{BIG}",
            f"LOCATION:{BIG}",
            'URL:https://meet.google.com/abc-defg-hij?x="><script>alert(7)</script>',
            f"ATTENDEE;PARTSTAT=TENTATIVE:mailto:{ME}",
        ),
        *ics_event(
            "evil-3",
            "1400",
            "1500",
            "SUMMARY:\x1b[31mred\x1b[0m \u202egnp.exe \x07bell",
            'LOCATION:https://zoom.us/j/123?pwd="onmouseover=alert(8)',
            "X-GOOGLE-CONFERENCE:https://meet.google.com/xyz-abcd-efg",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
        ),
        "END:VCALENDAR",
        "",
    ]
)

USER_TEXT = f"{SCRIPT}{IMG} [x](javascript:alert(9))\r\nBcc: evil@attacker.example"


def hostile_briefing(*, redact: bool = False) -> Briefing:
    calendar = read_calendar(HOSTILE.encode("utf-8"), "evil.ics", "Evil")
    user = UserInputs(
        me=frozenset({ME}),
        clients=ClientDirectory.for_user([ME], names={"evil.example": f"Evil {SCRIPT}"}),
        checklists={"evil-1": [ChecklistEntry(USER_TEXT, required=True)]},
        follow_ups=(
            FollowUpEntry(
                1,
                USER_TEXT + "\r\nEND:VTODO\r\nBEGIN:VEVENT",
                DAY,
                f"Client {IMG}",
                meeting_uid="evil-1\r\nBEGIN:VEVENT",
            ),
            FollowUpEntry(2, BIG, DAY, BIG),
        ),
        goals=(GoalEntry(USER_TEXT), GoalEntry(BIG)),
    )
    return briefing_from_calendars(
        [calendar], DAY, ZONE, CLOCK, me=[ME], user=user, redact=redact
    ).briefing


@pytest.fixture(scope="module", params=[False, True], ids=["plain", "redacted"])
def briefing(request: pytest.FixtureRequest) -> Briefing:
    return hostile_briefing(redact=request.param)


def test_the_hostile_calendar_was_read_as_meant(briefing: Briefing) -> None:
    """Guard: the attack strings must reach the renderers, or the other tests prove nothing."""
    titles = [m.title for m in briefing.meetings]
    assert any(SCRIPT in t and "\nBcc:" in t for t in titles)
    assert any(len(t) == 10_000 for t in titles)
    assert any("\x1b[31m" in t for t in titles)


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "div", "h1", "h2", "h3", "p", "ul",
    "li", "a", "span", "table", "tr", "td", "b", "br",
}  # fmt: skip


def test_html_escapes_everything_and_links_only_safe_schemes(briefing: Briefing) -> None:
    page = render(briefing, "html").decode("utf-8")
    parser = TagCollector()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} <= OUR_TAGS
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert value is not None
                assert value.startswith(("#m", "http://", "https://", "mailto:")), value
                assert "<" not in value and '"' not in value and " " not in value
    text = "".join(parser.text)
    # The attack is visible as text, which is what the user should see.
    assert "<script>alert(1)</script>" in text
    assert "Content-Security-Policy" in page
    assert "script-src" not in page  # default-src 'none' covers scripts: none run
    # 10 kB fields are cut: the page stays readable (three 10 kB fields, two 10 kB notes).
    assert len(page) < 60_000
    assert BIG not in page


MD_LINK = re.compile(r"\]\(<([^>]*)>\)")


def test_markdown_escapes_markup_and_links_only_safe_schemes(briefing: Briefing) -> None:
    text = render_markdown(briefing)
    for target in MD_LINK.findall(text):
        assert target.split(":", 1)[0] in ("http", "https", "mailto"), target
    without_links = MD_LINK.sub("", text)
    # Every < and [ that is not ours is backslash-escaped: no raw HTML, no link of theirs.
    assert not re.search(r"(?<!\\)<", without_links), "raw < in Markdown"
    assert "javascript:alert(3)" not in "".join(MD_LINK.findall(text))
    assert not re.search(r"(?<!\\)\[click", text)
    # Our structure only: every line starts with our own markup or is empty.
    for line in text.splitlines():
        assert line == "" or line.startswith(("#", "- ", "**", "_", "---", "No ", "None")), line
    assert BIG not in text


def test_plain_text_has_no_controls_and_no_injected_lines(briefing: Briefing) -> None:
    text = render(briefing, "txt").decode("utf-8")
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e]", text)
    for line in text.splitlines():
        assert not line.startswith(("Bcc", "X-Evil", "END:", "BEGIN:"))
    assert BIG not in text


def test_eml_headers_cannot_be_injected(briefing: Briefing) -> None:
    raw = render_eml(briefing)
    message = email.message_from_bytes(raw, policy=policy.default)
    assert set(message.keys()) == {
        "From", "To", "Subject", "Date", "Message-ID", "X-Daybrief-Day", "MIME-Version",
        "Content-Type",
    }  # fmt: skip
    assert message["To"] == ME
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "&lt;script&gt;" in parts["text/html"]
    assert "<script>alert(1)" not in parts["text/html"].split("</style>", 1)[1].replace(
        "&lt;script&gt;", ""
    )
    for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        assert not line.lower().startswith((b"bcc", b"x-evil"))


def test_eml_with_a_hostile_recipient_has_no_to_rather_than_two(briefing: Briefing) -> None:
    raw = render_eml(briefing, to=f"{ME}\r\nBcc: evil@attacker.example")
    message = email.message_from_bytes(raw, policy=policy.default)
    assert "Bcc" not in message and "To" not in message


def test_follow_up_and_prep_ics_cannot_be_broken_out_of(briefing: Briefing) -> None:
    todos = render(briefing, "followups-ics")
    calendar = icalendar.Calendar.from_ical(todos)
    found = [c.name for c in calendar.walk() if c.name in ("VTODO", "VEVENT")]
    assert found == ["VTODO", "VTODO"]
    first = next(c for c in calendar.walk("VTODO"))
    assert "END:VTODO" in str(first["SUMMARY"])  # it is text, not structure
    for line in todos.split(b"\r\n"):
        assert len(line) <= 75
    prep = icalendar.Calendar.from_ical(render(briefing, "prep-ics"))
    assert all(c.name != "VTODO" for c in prep.walk())


def test_redaction_leaves_no_address_link_or_dial_in_code() -> None:
    b = hostile_briefing(redact=True)
    for fmt in ("txt", "md", "html"):
        text = render(b, fmt).decode("utf-8")
        assert "x@evil.example" not in text and "boss@evil.example" not in text
        assert "zoom.us" not in text and "meet.google.com" not in text
        assert "4242" not in text and "1234 5678" not in text
        assert "desc" not in text


def test_the_window_page_can_be_shortened_and_exports_never_are(briefing: Briefing) -> None:
    from daybrief.services.export.html import SHOW_ALL, render_html

    assert len(briefing.meetings) > 2
    whole = render_html(briefing)
    assert SHOW_ALL not in whole and "Shortened" not in whole
    assert whole.count('<table class="meetings">') == len(briefing.meetings) + len(briefing.gone)
    short = render_html(briefing, shown=1)
    assert short.count('<table class="meetings">') == 1 + len(briefing.gone)
    assert f'<a href="{SHOW_ALL}">Show all</a>' in short
    assert f"1 of {len(briefing.meetings)} meetings" in short
    assert "<script>alert(1)</script>" not in short  # still escaped
    assert render_html(briefing, shown=len(briefing.meetings) + len(briefing.problems)) == whole
