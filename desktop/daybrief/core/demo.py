"""A realistic account manager's fortnight, made relative to a day, for trying Daybrief.

Times are floating (no zone), so the demo reads as local office hours wherever the
user is. The next working day always has a double-booking, unconfirmed meetings
and several clients.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

DEMO_USER = "sam.rivera@brightpath.example"
DEMO_CLIENTS = [
    ("Acme", "acme.example", "jordan.lee", "Jordan Lee"),
    ("Globex", "globex.example", "priya.nair", "Priya Nair"),
    ("Initech", "initech.example", "tom.becker", "Tom Becker"),
    ("Umbrella", "umbrella.example", "ana.souza", "Ana Souza"),
    ("Stark", "stark.example", "lena.fischer", "Lena Fischer"),
]
_COLLEAGUE = ("kim.park@brightpath.example", "Kim Park")
DEMO_FILE = "demo-calendar.ics"
DEMO_NAME = "Demo calendar"
DEMO_DOMAINS = frozenset(domain for _name, domain, _user, _person in DEMO_CLIENTS)
_DATED_UID = re.compile(r"demo-\d{8}-\d")


# The day the demo is about: two double-bookings, each kind of unconfirmed meeting.
_NEXT_WORKING_DAY: list[tuple[str, time, int, str, dict[str, Any]]] = [
    ("demo-qbr", time(10), 90, "Acme quarterly business review",
     {"client": 0, "location": "Acme HQ, Room 4"}),
    ("demo-globex-renewal", time(11), 60, "Globex renewal call",
     {"client": 1, "my_answer": "NEEDS-ACTION"}),
    ("demo-initech-kickoff", time(14), 60, "Initech onboarding kick-off",
     {"client": 2, "organizer_is_me": True, "client_answer": "NEEDS-ACTION"}),
    ("demo-umbrella-demo", time(14, 30), 30, "Umbrella product demo",
     {"client": 3, "my_answer": "TENTATIVE"}),
    ("demo-stark-lunch", time(12, 30), 60, "Lunch with Stark",
     {"client": 4, "status": "TENTATIVE"}),
]  # fmt: skip
_FIXED_UIDS = frozenset(["demo-standup", *(uid for uid, *_rest in _NEXT_WORKING_DAY)])


def is_demo_uid(uid: str) -> bool:
    """Whether a UID is one the demo calendar makes (on any day it was made)."""
    return uid in _FIXED_UIDS or _DATED_UID.fullmatch(uid) is not None


def next_working_day(today: date) -> date:
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _event(
    uid: str,
    start: datetime,
    minutes: int,
    summary: str,
    *,
    client: int | None = None,
    my_answer: str = "ACCEPTED",
    client_answer: str = "ACCEPTED",
    organizer_is_me: bool = False,
    status: str = "CONFIRMED",
    location: str = "",
    rrule: str | None = None,
) -> list[str]:
    end = start + timedelta(minutes=minutes)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(end)}",
        f"SUMMARY:{summary}",
        f"STATUS:{status}",
    ]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if location:
        lines.append(f"LOCATION:{location}")
    if client is not None:
        _, domain, local, name = DEMO_CLIENTS[client]
        organizer = DEMO_USER if organizer_is_me else f"{local}@{domain}"
        lines.append(f"ORGANIZER;CN={'Sam Rivera' if organizer_is_me else name}:mailto:{organizer}")
        lines.append(
            f"ATTENDEE;CN=Sam Rivera;PARTSTAT={my_answer};ROLE=REQ-PARTICIPANT:mailto:{DEMO_USER}"
        )
        lines.append(
            f"ATTENDEE;CN={name};PARTSTAT={client_answer};ROLE=REQ-PARTICIPANT:"
            f"mailto:{local}@{domain}"
        )
        if client in (0, 2):  # a colleague joins the bigger accounts, not every meeting
            lines.append(
                f"ATTENDEE;CN={_COLLEAGUE[1]};PARTSTAT=ACCEPTED;ROLE=OPT-PARTICIPANT:"
                f"mailto:{_COLLEAGUE[0]}"
            )
    lines.append("END:VEVENT")
    return lines


def demo_calendar(today: date) -> str:
    """ICS text of two weeks around ``today``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Daybrief//Demo//EN",
        "X-WR-CALNAME:Demo – Sam Rivera",
    ]
    first = today - timedelta(days=today.weekday())
    lines += _event(
        "demo-standup",
        datetime.combine(first, time(9, 0)),
        15,
        "Team stand-up",
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    )
    tomorrow = next_working_day(today)
    day = first
    index = 0
    while day < first + timedelta(days=14):
        if day.weekday() < 5 and day != tomorrow:
            for slot, hour in enumerate((10, 13, 15)):
                client = (index + slot) % len(DEMO_CLIENTS)
                name = DEMO_CLIENTS[client][0]
                lines += _event(
                    f"demo-{day:%Y%m%d}-{slot}",
                    datetime.combine(day, time(hour)),
                    45,
                    f"{name} weekly check-in",
                    client=client,
                    location="https://meet.example/room-" + name.lower(),
                )
            index += 1
        day += timedelta(days=1)

    for uid, at, minutes, summary, details in _NEXT_WORKING_DAY:
        lines += _event(uid, datetime.combine(tomorrow, at), minutes, summary, **details)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def demo_user_inputs(day: date) -> DemoUserData:
    """The demo user's own data for ``day`` (the demo's next working day): a checklist with
    open required items, follow-ups due and overdue for several clients, two goals."""
    return DemoUserData(
        checklists={
            "demo-qbr": [("Deck ready", True, True), ("Usage report", True, False),
                         ("Agenda sent", True, True)],
            "demo-initech-kickoff": [("Onboarding plan", True, False),
                                     ("Intro email to the Initech team", False, False)],
            "demo-globex-renewal": [("Pricing options", False, True)],
        },
        follow_ups=[
            (1, "Send Globex the revised pricing", day - timedelta(days=2), "Globex", None),
            (2, "Share the QBR notes with Jordan", day, "Acme", "demo-qbr"),
            (3, "Book the team offsite venue", day - timedelta(days=1), None, None),
            (4, "Send Stark the case study", day + timedelta(days=3), "Stark", None),
        ],
        goals=["Close the Globex renewal", "Get Initech's onboarding plan signed off"],
    )  # fmt: skip


class DemoUserData:
    """Plain tuples, so this module needs nothing from the briefing model."""

    def __init__(
        self,
        checklists: dict[str, list[tuple[str, bool, bool]]],
        follow_ups: list[tuple[int, str, date, str | None, str | None]],
        goals: list[str],
    ) -> None:
        self.checklists = checklists
        """Meeting UID → (text, required, done)."""
        self.follow_ups = follow_ups
        """(id, text, due, client name, meeting UID)."""
        self.goals = goals
