"""One self-contained HTML file: inline CSS, no scripts, prints on A4 and Letter.

Every calendar text goes through :func:`html.escape` (quotes too, for attributes), and
only http, https and mailto URLs become links. A Content-Security-Policy that allows no
scripts at all is a second wall, should an escape ever be missed.

The markup sticks to what Qt's rich-text engine also understands (tables, lists, simple
CSS), because the PDF is made from this same HTML by ``QTextDocument``.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from string import Template

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
# Layout only; the colours come from COLOURS below, filled from a palette.
STYLE = """
@page { margin: 14mm 12mm; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; font-size: 9.5pt;
  line-height: 1.3; margin: 0; overflow-wrap: anywhere; }
/* The card look is for screens only; Qt's PDF writer and printers get the plain page. */
@media screen {
  .page { max-width: 820px; margin: 24px auto; padding: 28px 36px; }
}
h1 { font-size: 18pt; margin: 0 0 4px 0; }
h2 { font-size: 13pt; margin: 16px 0 6px 0; padding-bottom: 3px; border-bottom-width: 2px;
  border-bottom-style: solid; }
h3 { font-size: 10.5pt; margin: 0; }
p { margin: 4px 0; }
.headline { font-size: 12pt; font-weight: 600; }
ul { margin: 4px 0 4px 0; padding-left: 20px; }
li { margin: 1px 0; }
.problems li { margin: 1px 0; }
.tag { font-weight: 700; }
table.meetings { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.meetings td { vertical-align: top; padding: 4px 6px; border-top-width: 1px;
  border-top-style: solid; }
td.when { width: 18%; font-weight: 700; }
td.when .other { font-weight: 400; font-size: 9pt; }
.flags { font-weight: 400; font-size: 9.5pt; }
.cancelled h3 { text-decoration: line-through; }
.detail { font-size: 9pt; margin: 0; }
ul.checklist { list-style: none; padding-left: 0; -qt-list-indent: 0; }
.box { font-size: 12pt; }
.problems a { text-decoration: none; }
.footer { margin-top: 24px; font-size: 8.5pt; }
@media print {
  table.meetings tr, li { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { text-decoration: none; }
}
"""

# Every colour, by tone name: light for paper, the window passes its palette's tones
# (ui/theme.py) so the page reads on a dark palette too. Qt's rich text knows no CSS
# variables, hence a template rather than var().
COLOURS = Template("""
body { color: $text; background: $page; }
@media screen { html { background: $canvas; } .page { background: $page; } }
h2 { border-bottom-color: $rule; color: $heading; }
.headline, td.when, .box { color: $heading; }
.changes, .flags { color: $warning; }
.tag, .warn { color: $problem; }
tr.changed td { background: $changed; }
table.meetings td { border-top-color: $line; }
td.when .other, .label, .done, .muted { color: $muted; }
.cancelled h3 { color: $muted; }
.detail { color: $text; }
.footer { color: $muted; }
a { color: $link; }
/* Not "inherit": Qt's PDF writer turns it into a colourless pen poppler rejects. */
.problems a { color: $text; }
@media print { a { color: $text; } }
""")

LIGHT = {
    "text": "#1d2330",
    "page": "#ffffff",
    "canvas": "#f4f5f7",
    "heading": "#2c3a55",
    "muted": "#5b6475",
    "line": "#e3e6eb",
    "rule": "#d8dce3",
    "problem": "#b3261e",
    "warning": "#8a5a00",
    "changed": "#fff6e0",
    "link": "#1a56c4",
}
"""Paper and browsers' light mode."""

DARK = {
    "text": "#e3e6eb",
    "page": "#1b1e24",
    "canvas": "#121418",
    "heading": "#b9c6e0",
    "muted": "#9aa2b1",
    "line": "#333842",
    "rule": "#464c58",
    "problem": "#f2877e",
    "warning": "#e8b65a",
    "changed": "#3a3020",
    "link": "#8ab4f8",
}
"""Browsers that prefer dark (the saved file follows the reader's system)."""


def colour_css(colours: Mapping[str, str] | None) -> str:
    """The colour rules: ``colours`` when given (the window), else light with a dark
    variant for browsers set to dark."""
    if colours is not None:
        return COLOURS.substitute({**LIGHT, **colours})
    return (
        COLOURS.substitute(LIGHT)
        + "@media screen and (prefers-color-scheme: dark) {"
        + COLOURS.substitute(DARK)
        + "}\n"
    )


def esc(text: str) -> str:
    return escape(text, quote=True)


def anchor(label: str, url: str | None) -> str:
    """A link when ``url`` is http, https or mailto; else the escaped label alone."""
    target = safe_url(url)
    if target is None:
        return esc(label)
    return f'<a href="{esc(target)}" rel="noopener noreferrer">{esc(label)}</a>'


SHOW_ALL = "#show-all"
"""The link that asks a shortened page for every meeting and problem."""


def render_html(
    briefing: Briefing, colours: Mapping[str, str] | None = None, *, shown: int | None = None
) -> str:
    """The page; ``colours`` (tone name to #rrggbb, see LIGHT) when shown in the window.

    ``shown``: at most this many meetings and problems each, then a :data:`SHOW_ALL` link
    (the window: laying out a 277-meeting day froze it for 0.2 s); None: all (exports).
    """
    more = 0
    title = f"Briefing for {day_title(briefing)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{STYLE}{colour_css(colours)}</style>",
        '</head><body><div class="page">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="headline">{esc(headline_text(briefing))}</p>',
    ]
    changes = changes_text(briefing)
    if changes:
        parts.append(f'<p class="changes">{esc(changes)}</p>')

    refs = {entry.ref: index for index, entry in enumerate(briefing.meetings)}
    problems = briefing.problems if shown is None else briefing.problems[:shown]
    more += len(briefing.problems) - len(problems)
    if briefing.problems:
        parts.append(f'<h2>Problems ({len(briefing.problems)})</h2><ul class="problems">')
        for problem in problems:
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
        # One table per meeting: the PDF keeps each table on one page (ui/pdf.py).
        meetings = briefing.meetings if shown is None else briefing.meetings[:shown]
        more += len(briefing.meetings) - len(meetings)
        for index, entry in enumerate(meetings):
            row = _meeting(index, entry, briefing.redacted)
            parts.append(f'<table class="meetings">{row}</table>')
        if more:
            parts.append(
                f'<p class="muted">Shortened: {len(meetings)} of {len(briefing.meetings)} '
                f"meetings and {len(problems)} of "
                f'{len(briefing.problems)} problems shown. <a href="{SHOW_ALL}">Show all</a>'
                "</p>"
            )
        for gone in briefing.gone:
            parts.append(
                '<table class="meetings">'
                '<tr class="cancelled"><td class="when" width="18%">'
                f"{gone.start:%H:%M}–{gone.end:%H:%M}</td>"
                f'<td width="82%"><h3>{esc(one_line(gone.summary) or "(no title)")}</h3>'
                '<p class="flags">no longer in the calendar</p></td></tr></table>'
            )

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
        f'<tr{cls} id="m{index}"><td class="when" width="18%"><a name="m{index}"></a>'
        f'{when}</td><td width="82%">{"".join(rows)}</td></tr>'
    )


def _detail(label: str, value_html: str) -> str:
    return f'<p class="detail"><span class="label">{esc(label)}:</span> {value_html}</p>'
