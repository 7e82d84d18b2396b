"""Occurrences, conflicts and unconfirmed meetings as JSON-ready dicts (docs/semantics.md).

Field names match ``shared/corpus/expected`` so the two compare directly.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from daybrief.core.confirmation import Unconfirmed, unconfirmed_reason, user_partstat
from daybrief.core.conflicts import Conflict
from daybrief.core.model import Occurrence, format_utc, recurrence_key
from daybrief.core.review import Draft, Problem
from daybrief.core.roles import is_mine


def occurrence_to_dict(occurrence: Occurrence, me: Collection[str] = ()) -> dict[str, Any]:
    event = occurrence.event
    data: dict[str, Any] = {
        "uid": event.uid,
        "recurrence_id": recurrence_key(occurrence) or None,
        "start_utc": format_utc(occurrence.start),
        "end_utc": format_utc(occurrence.end),
        "all_day": occurrence.all_day,
    }
    if occurrence.all_day and occurrence.start_date is not None:
        data["start_date"] = occurrence.start_date.isoformat()
        if occurrence.end_date is not None:
            data["end_date"] = occurrence.end_date.isoformat()
    data.update(
        {
            "tz": occurrence.tz,
            "summary": event.summary,
            "status": event.status,
            "transp": event.transp,
            "ms_busystatus": event.ms_busystatus,
            "organizer": event.organizer,
            "attendees": [
                {
                    "email": a.email,
                    "partstat": a.partstat,
                    "explicit": a.explicit,
                    "role": a.role,
                    "cn": a.cn,
                }
                for a in event.attendees
            ],
            "user_partstat": user_partstat(occurrence, me) if me else None,
            "unconfirmed": unconfirmed_reason(occurrence, me) is not None
            and (bool(me) or event.status == "TENTATIVE"),
            "calendar": event.calendar,
            "calendar_role": event.role,
            "context": not is_mine(occurrence, me),
            "location": event.location,
            "conference_url": event.conference_url,
        }
    )
    if occurrence.calendars:
        data["calendars"] = list(occurrence.calendars)
    if occurrence.orphan:
        data["orphan"] = occurrence.orphan
    if occurrence.range:
        data["range"] = occurrence.range
    return data


def _brief(occurrence: Occurrence) -> dict[str, Any]:
    return {
        "uid": occurrence.event.uid,
        "recurrence_id": recurrence_key(occurrence) or None,
        "start_utc": format_utc(occurrence.start),
        "end_utc": format_utc(occurrence.end),
        "summary": occurrence.event.summary,
        "calendar": occurrence.event.calendar,
    }


def conflict_to_dict(conflict: Conflict) -> dict[str, Any]:
    data: dict[str, Any] = {
        "a": _brief(conflict.a),
        "b": _brief(conflict.b),
        "overlap_start": format_utc(conflict.overlap_start),
        "overlap_end": format_utc(conflict.overlap_end),
        "overlap_minutes": conflict.overlap_minutes,
    }
    if conflict.same_uid:
        data["same_uid"] = True
    return data


def unconfirmed_to_dict(item: Unconfirmed, me: Collection[str] = ()) -> dict[str, Any]:
    data = occurrence_to_dict(item.occurrence, me)
    data["unconfirmed"] = True
    data["reason"] = item.reason
    data["waiting_on"] = list(item.waiting_on)
    return data


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """One problem of the review (``daybrief problems --json``, ``brief --format json``)."""
    return {
        "id": problem.id,
        "kind": problem.kind.value,
        "state": problem.state.value,
        "day": problem.day.isoformat(),
        "meetings": [
            {
                "uid": m.uid,
                "recurrence_id": m.recurrence_id,
                "start_utc": format_utc(m.start),
                "end_utc": format_utc(m.end),
                "summary": m.summary,
                "calendar": m.calendar,
            }
            for m in problem.meetings
        ],
        "reason": problem.reason,
        "people": [
            {"email": p.email, "name": p.name, "role": p.role.value} for p in problem.people
        ],
    }


def draft_to_dict(draft: Draft) -> dict[str, Any]:
    return {
        "problem": draft.problem,
        "to": list(draft.to),
        "cc": list(draft.cc),
        "subject": draft.subject,
        "body": draft.body,
    }
