"""Plain text: for the terminal, cron mail and the .eml's text part.

Escaping here means no control characters (a title must not move the terminal's cursor
or recolour it), no line breaks inside a field, and long fields cut.
"""

from __future__ import annotations

from daybrief.core.briefing import Briefing, MeetingEntry
from daybrief.services.export._common import (
    PROBLEM_TITLES,
    attendee_text,
    block,
    change_labels,
    changes_text,
    day_title,
    generated_text,
    headline_text,
    meeting_flags,
    one_line,
    organizer_time,
    safe_url,
    span,
)

INDENT = "      "


def render_text(briefing: Briefing) -> str:
    out: list[str] = []
    title = f"Briefing for {day_title(briefing)}"
    out += [title, "=" * len(title), headline_text(briefing)]
    changes = changes_text(briefing)
    if changes:
        out.append(changes)
    out.append("")

    if briefing.problems:
        out += ["PROBLEMS", ""]
        out += [
            f"  ! {PROBLEM_TITLES[problem.kind]}: {one_line(problem.text, 600)}"
            for problem in briefing.problems
        ]
        out.append("")
    if briefing.handled:
        out += [f"HANDLED ({len(briefing.handled)})", ""]
        out += [
            f"  - {PROBLEM_TITLES[problem.kind]} ({problem.state.value}): "
            f"{one_line(problem.text, 300)}"
            for problem in briefing.handled
        ]
        out.append("")

    out += ["MEETINGS", ""]
    if not briefing.meetings:
        out += ["  No meetings.", ""]
    for entry in briefing.meetings:
        out += _meeting(entry, briefing.redacted)
    for gone in briefing.gone:
        out += [
            f"  {gone.start:%H:%M}–{gone.end:%H:%M}  {one_line(gone.summary) or '(no title)'}"
            "  [no longer in the calendar]",
            "",
        ]

    if briefing.prep_slots:
        out += ["PREP TIME (free slots before meetings with open items)", ""]
        for slot in briefing.prep_slots:
            items = ", ".join(one_line(i, 80) for i in slot.open_items)
            out.append(
                f"  {slot.start:%H:%M}–{slot.end:%H:%M}  for {one_line(slot.title)}: {items}"
            )
        out.append("")

    out += ["FOLLOW-UPS", ""]
    if not briefing.follow_ups:
        out.append("  None due.")
    for group in briefing.follow_ups:
        out.append(f"  {one_line(group.client, 80) if group.client else 'No client'}")
        for line in group.items:
            due = (
                f"overdue {line.overdue_days} day{'s' if line.overdue_days != 1 else ''}"
                if line.overdue_days
                else "due"
            )
            out.append(f"    [ ] {one_line(line.entry.text)} ({due})")
    out.append("")

    out += ["GOALS", ""]
    if not briefing.goals:
        out.append("  No goals picked yet.")
    for goal in briefing.goals:
        out.append(f"  [{'x' if goal.done else ' '}] {one_line(goal.text)}")
    out.append("")

    if briefing.wins is not None:
        out += ["WINS", ""]
        wins = briefing.wins
        if wins.empty:
            out.append("  Nothing recorded today.")
        for item in wins.follow_ups_done:
            out.append(f"  + Follow-up done: {one_line(item.text)}")
        for text in wins.goals_done:
            out.append(f"  + Goal reached: {one_line(text)}")
        if wins.meetings_held:
            out.append(f"  + {len(wins.meetings_held)} meetings held")
        out.append("")

    out.append(generated_text(briefing))
    return "\n".join(out) + "\n"


def _meeting(entry: MeetingEntry, redacted: bool) -> list[str]:
    flags = meeting_flags(entry) + change_labels(entry)
    head = f"  {span(entry):<11}  {one_line(entry.title) or '(no title)'}"
    if flags:
        head += f"  [{', '.join(flags)}]"
    lines = [head]
    other = organizer_time(entry)
    if other:
        lines.append(f"{INDENT}{other}")
    clients = ", ".join(one_line(c, 80) for c in entry.clients) or "internal"
    lines.append(f"{INDENT}Clients: {clients}")
    if entry.location.strip():
        lines.append(f"{INDENT}Where: {one_line(entry.location)}")
    link = safe_url(entry.conference_url)
    if link and link != entry.location.strip():
        lines.append(f"{INDENT}Link: {one_line(link, 500)}")
    if entry.unconfirmed:
        lines.append(f"{INDENT}Not confirmed: {one_line(entry.unconfirmed, 600)}")
    people = attendee_text(entry, with_email=not redacted)
    if people:
        lines.append(f"{INDENT}With: {'; '.join(people)}")
    for item in entry.checklist:
        mark = "x" if item.done else " "
        required = " (required)" if item.required else ""
        lines.append(f"{INDENT}[{mark}] {one_line(item.text)}{required}")
    notes = block(entry.description, 300)
    if notes:
        lines.append(f"{INDENT}Notes: {' / '.join(notes)}")
    lines.append("")
    return lines
