"""The briefing as one JSON document (``daybrief brief --format json``).

Its ``problems`` are the same objects ``daybrief problems --json`` prints, open ones and
then those the user handled or ignored (with their ``state``). Text is as the calendar
gave it: JSON escaping is the encoder's, so nothing here is HTML- or terminal-escaped.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from daybrief.core.briefing import Briefing, MeetingEntry
from daybrief.core.model import format_utc
from daybrief.core.serialize import problem_to_dict


def _local(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="minutes") if moment is not None else None


def _meeting(entry: MeetingEntry) -> dict[str, Any]:
    return {
        "ref": entry.ref,
        "uid": entry.uid,
        "start": _local(entry.start),
        "end": _local(entry.end),
        "start_utc": format_utc(entry.start),
        "end_utc": format_utc(entry.end),
        "all_day": entry.all_day,
        "summary": entry.title,
        "calendar": entry.calendar,
        "status": entry.status,
        "busy": entry.busy,
        "context": entry.context,
        "clients": list(entry.clients),
        "location": entry.location,
        "conference_url": entry.conference_url,
        "organizer": entry.organizer,
        "my_answer": entry.my_answer,
        "unconfirmed": entry.unconfirmed,
        "attendees": [
            {
                "name": a.name,
                "email": a.email,
                "answer": a.answer,
                "required": a.required,
                "me": a.is_me,
                "client": a.client,
            }
            for a in entry.attendees
        ],
        "checklist": [
            {"text": i.text, "required": i.required, "done": i.done} for i in entry.checklist
        ],
        "organizer_start": _local(entry.organizer_start),
        "organizer_zone": entry.organizer_zone,
        "changes": [c.value for c in entry.changes],
    }


def _problems(briefing: Briefing) -> list[dict[str, Any]]:
    problems = [problem_to_dict(p) for p in (*briefing.problems, *briefing.handled)]
    if briefing.redacted:  # a redacted briefing names people, never their addresses
        for problem in problems:
            for person in problem["people"]:
                person["email"] = ""
    return problems


def briefing_to_dict(briefing: Briefing) -> dict[str, Any]:
    head = briefing.headline
    wins = briefing.wins
    return {
        "day": briefing.day.isoformat(),
        "zone": briefing.zone_name,
        "generated_at": _local(briefing.generated_at),
        "working_day": briefing.working_day,
        "redacted": briefing.redacted,
        "headline": {
            "meetings": head.meetings,
            "hours_booked": head.hours_booked,
            "first_start": _local(head.first_start),
            "problems": head.problems,
        },
        "problems": _problems(briefing),
        "meetings": [_meeting(m) for m in briefing.meetings],
        "follow_ups": [
            {
                "id": line.entry.id,
                "text": line.entry.text,
                "due": line.entry.due.isoformat() if line.entry.due else None,
                "client": group.client,
                "overdue_days": line.overdue_days,
                "meeting_uid": line.entry.meeting_uid,
            }
            for group in briefing.follow_ups
            for line in group.items
        ],
        "goals": [{"text": g.text, "done": g.done} for g in briefing.goals],
        "unfinished_goals": list(briefing.unfinished_goals),
        "wins": None
        if wins is None
        else {
            "follow_ups_done": [f.text for f in wins.follow_ups_done],
            "goals_done": list(wins.goals_done),
            "meetings_held": list(wins.meetings_held),
        },
        "prep_slots": [
            {
                "meeting": s.ref,
                "title": s.title,
                "start": _local(s.start),
                "end": _local(s.end),
                "open_items": list(s.open_items),
            }
            for s in briefing.prep_slots
        ],
        "gone": [
            {"ref": g.ref, "summary": g.summary, "start": _local(g.start)} for g in briefing.gone
        ],
        "last_look_at": _local(briefing.last_look_at),
    }


def render_json(briefing: Briefing) -> str:
    return json.dumps(briefing_to_dict(briefing), ensure_ascii=False, indent=2) + "\n"
