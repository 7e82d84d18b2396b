"""One self-contained HTML file: inline CSS, no scripts, prints on A4 and Letter.

Every calendar text goes through :func:`html.escape` (quotes too, for attributes), and
only http, https and mailto URLs become links. A Content-Security-Policy that allows no
scripts at all is a second wall, should an escape ever be missed.

The markup sticks to what Qt's rich-text engine also understands (tables, lists, simple
CSS), because the PDF is made from this same HTML by ``QTextDocument``.
"""

from __future__ import annotations

from html import escape

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

# @page without a size: the printer's paper (A4 or Letter) decides, the margins fit both.
STYLE = """
@page { margin: 14mm 12mm; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; font-size: 10pt;
  color: #1d2330; line-height: 1.4; margin: 0; overflow-wrap: anywhere; }
/* The card look is for screens only; Qt's PDF writer and printers get the plain page. */
@media screen {
  html { background: #f4f5f7; }
  .page { max-width: 820px; margin: 24px auto; background: #ffffff; padding: 28px 36px; }
}
h1 { font-size: 18pt; margin: 0 0 4px 0; }
h2 { font-size: 13pt; margin: 22px 0 8px 0; padding-bottom: 3px;
  border-bottom: 2px solid #d8dce3; color: #2c3a55; }
h3 { font-size: 11pt; margin: 0; }
p { margin: 4px 0; }
.headline { font-size: 12pt; font-weight: 600; color: #2c3a55; }
.changes { color: #8a5a00; }
ul { margin: 4px 0 4px 0; padding-left: 20px; }
li { margin: 2px 0; }
.problems li { margin: 3px 0; }
.tag { font-weight: 700; color: #b3261e; }
table.meetings { border-collapse: collapse; width: 100%; table-layout: fixed; }
tr.changed td { background: #fff6e0; }
table.meetings td { vertical-align: top; padding: 8px 6px; border-top: 1px solid #e3e6eb; }
td.when { width: 96px; white-space: nowrap; font-weight: 700; color: #2c3a55; }
td.when .other { font-weight: 400; color: #5b6475; font-size: 9pt; white-space: normal; }
.flags { font-weight: 400; color: #8a5a00; font-size: 9.5pt; }
.cancelled h3 { text-decoration: line-through; color: #7a8190; }
.detail { color: #3d4556; font-size: 9.5pt; margin: 2px 0; }
.label { color: #5b6475; }
.warn { color: #b3261e; }
ul.checklist { list-style: none; padding-left: 0; -qt-list-indent: 0; }
.done { color: #5b6475; }
.box { font-size: 12pt; color: #2c3a55; }
.problems a { color: inherit; text-decoration: none; }
.muted { color: #5b6475; }
.footer { margin-top: 24px; color: #7a8190; font-size: 8.5pt; }
a { color: #1a56c4; }
@media print {
  table.meetings tr, li { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: #1d2330; text-decoration: none; }
}
"""


def esc(text: str) -> str:
    return escape(text, quote=True)


def anchor(label: str, url: str | None) -> str:
    """A link when ``url`` is http, https or mailto; else the escaped label alone."""
    target = safe_url(url)
    if target is None:
        return esc(label)
    return f'<a href="{esc(target)}" rel="noopener noreferrer">{esc(label)}</a>'


def render_html(briefing: Briefing) -> str:
    title = f"Briefing for {day_title(briefing)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{STYLE}</style>",
        '</head><body><div class="page">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="headline">{esc(headline_text(briefing))}</p>',
    ]
    changes = changes_text(briefing)
    if changes:
        parts.append(f'<p class="changes">{esc(changes)}</p>')

    refs = {entry.ref: index for index, entry in enumerate(briefing.meetings)}
    if briefing.problems:
        parts.append(f'<h2>Problems ({len(briefing.problems)})</h2><ul class="problems">')
        for problem in briefing.problems:
            text = esc(one_line(problem.text, 600))
            target = next((refs[r] for r in problem.refs if r in refs), None)
            if target is not None:
                text = f'<a href="#m{target}">{text}</a>'
            label = esc(PROBLEM_TITLES[problem.kind])
            parts.append(f'<li><span class="tag">{label}:</span> {text}</li>')
        parts.append("</ul>")
    if briefing.handled:
        # Collapsed: done with, but still there to look back at.
        parts.append(
            f'<details class="handled"><summary>Handled ({len(briefing.handled)})</summary><ul>'
        )
        for problem in briefing.handled:
            label = esc(f"{PROBLEM_TITLES[problem.kind]} ({problem.state.value})")
            parts.append(f"<li>{label}: {esc(one_line(problem.text, 300))}</li>")
        parts.append("</ul></details>")

    parts.append("<h2>Meetings</h2>")
    if not briefing.meetings and not briefing.gone:
        parts.append('<p class="muted">No meetings.</p>')
    else:
        parts.append('<table class="meetings">')
        for index, entry in enumerate(briefing.meetings):
            parts.append(_meeting(index, entry, briefing.redacted))
        for gone in briefing.gone:
            parts.append(
                f'<tr class="cancelled"><td class="when">{gone.start:%H:%M}–{gone.end:%H:%M}</td>'
                f"<td><h3>{esc(one_line(gone.summary) or '(no title)')}</h3>"
                '<p class="flags">no longer in the calendar</p></td></tr>'
            )
        parts.append("</table>")

    if briefing.prep_slots:
        parts.append("<h2>Prep time</h2><ul>")
        for slot in briefing.prep_slots:
            items = ", ".join(esc(one_line(i, 80)) for i in slot.open_items)
            parts.append(
                f"<li><b>{slot.start:%H:%M}–{slot.end:%H:%M}</b> for "
                f"{esc(one_line(slot.title))}: {items}</li>"
            )
        parts.append("</ul>")

    parts.append("<h2>Follow-ups</h2>")
    if not briefing.follow_ups:
        parts.append('<p class="muted">None due.</p>')
    for group in briefing.follow_ups:
        name = esc(one_line(group.client, 80)) if group.client else "No client"
        parts.append(f'<h3>{name}</h3><ul class="checklist">')
        for line in group.items:
            if line.overdue_days:
                s = "s" if line.overdue_days != 1 else ""
                due = f'<span class="warn">overdue {line.overdue_days} day{s}</span>'
            else:
                due = '<span class="muted">due</span>'
            parts.append(
                f'<li><span class="box">☐</span> {esc(one_line(line.entry.text))} ({due})</li>'
            )
        parts.append("</ul>")

    parts.append("<h2>Goals</h2>")
    if not briefing.goals:
        parts.append('<p class="muted">No goals picked yet.</p>')
    else:
        parts.append('<ul class="checklist">')
        for goal in briefing.goals:
            box = "☑" if goal.done else "☐"
            parts.append(f'<li><span class="box">{box}</span> {esc(one_line(goal.text))}</li>')
        parts.append("</ul>")

    if briefing.wins is not None:
        wins = briefing.wins
        parts.append("<h2>Wins</h2><ul>")
        if wins.empty:
            parts.append('<li class="muted">Nothing recorded today.</li>')
        for item in wins.follow_ups_done:
            parts.append(f"<li>Follow-up done: {esc(one_line(item.text))}</li>")
        for text in wins.goals_done:
            parts.append(f"<li>Goal reached: {esc(one_line(text))}</li>")
        if wins.meetings_held:
            parts.append(f"<li>{len(wins.meetings_held)} meetings held</li>")
        parts.append("</ul>")

    parts.append(f'<p class="footer">{esc(generated_text(briefing))}</p>')
    parts.append("</div></body></html>")
    return "\n".join(parts) + "\n"


def _meeting(index: int, entry: MeetingEntry, redacted: bool) -> str:
    classes = [name for name, on in (("cancelled", entry.status == "cancelled"),
                                     ("changed", bool(entry.changes))) if on]  # fmt: skip
    cls = f' class="{" ".join(classes)}"' if classes else ""
    when = esc(span(entry))
    other = organizer_time(entry)
    if other:
        when += f'<br><span class="other">{esc(other)}</span>'
    flags = meeting_flags(entry) + change_labels(entry)
    flag_html = f' <span class="flags">({esc(", ".join(flags))})</span>' if flags else ""
    rows = [f"<h3>{esc(one_line(entry.title) or '(no title)')}{flag_html}</h3>"]
    clients = ", ".join(esc(one_line(c, 80)) for c in entry.clients) or "internal"
    rows.append(_detail("Clients", clients))
    if entry.location.strip():
        location = one_line(entry.location)
        rows.append(_detail("Where", anchor(location, entry.location)))
    url = safe_url(entry.conference_url)
    if url and url != entry.location.strip():
        rows.append(_detail("Link", anchor(one_line(entry.conference_url, 120), url)))
    if entry.unconfirmed:
        why = esc(one_line(entry.unconfirmed, 600))
        rows.append(_detail("Not confirmed", f'<span class="warn">{why}</span>'))
    people = attendee_text(entry, with_email=not redacted)
    if people:
        rows.append(_detail("With", esc("; ".join(people))))
    if entry.checklist:
        rows.append('<ul class="checklist">')
        for item in entry.checklist:
            box = "☑" if item.done else "☐"
            required = ""
            if item.required:
                tone = "muted" if item.done else "warn"
                required = f' <span class="{tone}">(required)</span>'
            done = ' class="done"' if item.done else ""
            text = esc(one_line(item.text))
            rows.append(f'<li{done}><span class="box">{box}</span> {text}{required}</li>')
        rows.append("</ul>")
    notes = block(entry.description, 300)
    if notes:
        rows.append(_detail("Notes", esc(" / ".join(notes))))
    return (
        f'<tr{cls} id="m{index}"><td class="when"><a name="m{index}"></a>{when}</td>'
        f"<td>{''.join(rows)}</td></tr>"
    )


def _detail(label: str, value_html: str) -> str:
    return f'<p class="detail"><span class="label">{esc(label)}:</span> {value_html}</p>'
