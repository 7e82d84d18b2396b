"""Markdown (CommonMark/GFM): every calendar text escaped, links only http/https/mailto.

Escaping: fields never start a line (each sits after a list marker or label), so only
inline syntax matters; every character that opens inline markup or raw HTML is
backslash-escaped, which CommonMark allows for all ASCII punctuation.
"""

from __future__ import annotations

import re

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

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


def md(text: str) -> str:
    """Escape already-cleaned one-line text for Markdown."""
    return _SPECIAL.sub(r"\\\1", text)


def link(label: str, url: str | None) -> str:
    """A Markdown link when ``url`` is safe, else the escaped label alone."""
    target = safe_url(url)
    if target is None:
        return md(label)
    return f"[{md(label)}](<{target}>)"


def render_markdown(briefing: Briefing) -> str:
    out: list[str] = [f"# Briefing for {day_title(briefing)}", "", f"**{headline_text(briefing)}**"]
    changes = changes_text(briefing)
    if changes:
        out += ["", f"_{changes}_"]
    out.append("")

    if briefing.problems:
        out += ["## Problems", ""]
        for problem in briefing.problems:
            out.append(f"- **{PROBLEM_TITLES[problem.kind]}:** {md(one_line(problem.text, 600))}")
        out.append("")
    if briefing.handled:
        out += [f"## Handled ({len(briefing.handled)})", ""]
        for problem in briefing.handled:
            title = PROBLEM_TITLES[problem.kind]
            out.append(f"- {title} ({problem.state.value}): {md(one_line(problem.text, 300))}")
        out.append("")

    out += ["## Meetings", ""]
    if not briefing.meetings:
        out += ["No meetings.", ""]
    for entry in briefing.meetings:
        out += _meeting(entry, briefing.redacted)
    for gone in briefing.gone:
        title = md(one_line(gone.summary) or "(no title)")
        when = f"{gone.start:%H:%M}–{gone.end:%H:%M}"
        out += [f"### ~~{when} {title}~~ (no longer in the calendar)", ""]

    if briefing.prep_slots:
        out += ["## Prep time", ""]
        for slot in briefing.prep_slots:
            items = ", ".join(md(one_line(i, 80)) for i in slot.open_items)
            out.append(
                f"- **{slot.start:%H:%M}–{slot.end:%H:%M}** for {md(one_line(slot.title))}: {items}"
            )
        out.append("")

    out += ["## Follow-ups", ""]
    if not briefing.follow_ups:
        out += ["None due.", ""]
    for group in briefing.follow_ups:
        name = md(one_line(group.client, 80)) if group.client else "No client"
        out += [f"### {name}", ""]
        for line in group.items:
            due = (
                f"overdue {line.overdue_days} day{'s' if line.overdue_days != 1 else ''}"
                if line.overdue_days
                else "due"
            )
            out.append(f"- [ ] {md(one_line(line.entry.text))} _({due})_")
        out.append("")

    out += ["## Goals", ""]
    if not briefing.goals:
        out.append("No goals picked yet.")
    for goal in briefing.goals:
        out.append(f"- [{'x' if goal.done else ' '}] {md(one_line(goal.text))}")
    out.append("")

    if briefing.wins is not None:
        out += ["## Wins", ""]
        wins = briefing.wins
        if wins.empty:
            out.append("Nothing recorded today.")
        for item in wins.follow_ups_done:
            out.append(f"- Follow-up done: {md(one_line(item.text))}")
        for text in wins.goals_done:
            out.append(f"- Goal reached: {md(one_line(text))}")
        if wins.meetings_held:
            out.append(f"- {len(wins.meetings_held)} meetings held")
        out.append("")

    out += ["---", "", f"_{md(generated_text(briefing))}_"]
    return "\n".join(out) + "\n"


def _meeting(entry: MeetingEntry, redacted: bool) -> list[str]:
    title = md(one_line(entry.title) or "(no title)")
    if entry.status == "cancelled":
        title = f"~~{title}~~"
    flags = meeting_flags(entry) + change_labels(entry)
    suffix = f" _({', '.join(flags)})_" if flags else ""
    lines = [f"### {md(span(entry))} · {title}{suffix}", ""]
    other = organizer_time(entry)
    if other:
        lines.append(f"- {md(other)}")
    clients = ", ".join(md(one_line(c, 80)) for c in entry.clients) or "internal"
    lines.append(f"- **Clients:** {clients}")
    if entry.location.strip():
        location = one_line(entry.location)
        lines.append(f"- **Where:** {link(location, entry.location)}")
    url = safe_url(entry.conference_url)
    if url and url != entry.location.strip():
        lines.append(f"- **Link:** {link(one_line(entry.conference_url, 120), url)}")
    if entry.unconfirmed:
        lines.append(f"- **Not confirmed:** {md(one_line(entry.unconfirmed, 600))}")
    people = attendee_text(entry, with_email=not redacted)
    if people:
        lines.append(f"- **With:** {md('; '.join(people))}")
    for item in entry.checklist:
        required = " _(required)_" if item.required else ""
        lines.append(f"- [{'x' if item.done else ' '}] {md(one_line(item.text))}{required}")
    notes = block(entry.description, 300)
    if notes:
        lines.append(f"- **Notes:** {md(' / '.join(notes))}")
    lines.append("")
    return lines
