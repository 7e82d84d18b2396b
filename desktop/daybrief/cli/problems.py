"""``daybrief problems``: the review's problems; handle, ignore, reopen; drafts."""

from __future__ import annotations

import argparse
from datetime import date, tzinfo
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    UsageError,
    add_scope,
    clock_of,
    json_lines,
    open_store_for,
    terminal_safe,
    zone_of,
)
from daybrief.core.serialize import draft_to_dict, problem_to_dict

_STATE_OF_VERB = {"handle": "handled", "ignore": "ignored", "reopen": "open"}


def register(commands: Any) -> None:
    problems = commands.add_parser(
        "problems",
        help="the review's problems (double-bookings, unconfirmed, open items, ...): list, "
        "handle, ignore, reopen, draft",
        description="The problems of the review period (from now to the end of today during "
        "the working day; after it, to the end of the next working day, weekend included), "
        "or of the days given. Handled and ignored problems are listed apart.",
    )
    problems.set_defaults(run=_cmd_list)
    scope = problems.add_mutually_exclusive_group()
    scope.add_argument("--date", help="one day: YYYY-MM-DD, today, tomorrow or next")
    scope.add_argument("--days", type=int, metavar="N", help="N days from today")
    problems.add_argument("--json", action="store_true", help="one JSON line per problem")
    add_scope(problems, defaults=True)
    verbs = problems.add_subparsers(dest="verb", metavar="VERB")
    for verb, summary in (
        ("handle", "mark problems handled (they leave the counts until something changes)"),
        ("ignore", "ignore problems (they leave the counts until something changes)"),
        ("reopen", "show handled or ignored problems as open again"),
    ):
        command = verbs.add_parser(verb, help=summary, description=summary)
        command.set_defaults(run=_cmd_set_state, state=_STATE_OF_VERB[verb])
        command.add_argument("ids", nargs="+", metavar="ID", help="problem ids (or 4+ first chars)")
        add_scope(command, defaults=False)
    draft = verbs.add_parser(
        "draft",
        help="the messages that would fix a problem, to the right people",
        description="The drafts a problem offers: for a double-booking one per meeting that "
        "could move, to its organiser (or its attendees when it is yours); for unanswered "
        "invitees, to them; for your own unanswered invitation, to its organiser.",
    )
    draft.set_defaults(run=_cmd_draft)
    draft.add_argument("id", metavar="ID")
    draft.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    draft.add_argument(
        "--send",
        action="store_true",
        help="send the drafts with your mail account ('daybrief mail setup'); without one "
        "they are saved as .eml files (and opened in your mail program on a desktop)",
    )
    add_scope(draft, defaults=False)


def _first_day(args: argparse.Namespace, store: Any, zone: tzinfo) -> tuple[date | None, int]:
    from daybrief.services.briefing import resolve_day, settings_of

    now = clock_of(args).now().astimezone(zone)
    if args.days is not None:
        if args.days < 1:
            raise UsageError(f"--days: give 1 or more, not {args.days}")
        return now.date(), args.days
    if args.date is not None:
        try:
            return resolve_day(args.date, now, settings_of(store)), 1
        except ValueError as error:
            raise UsageError(f"--date: {error}") from None
    return None, 1


def _cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.review import review

    with open_store_for(args, create=False) as store:
        zone = zone_of(args)
        first, days = _first_day(args, store, zone)
        found = review(store, zone, clock_of(args), first=first, days=days)
    if args.json:
        json_lines(out, (problem_to_dict(p) for p in found.problems))
        return EXIT_OK
    period = found.period
    span = (
        f"{period.days[0]:%a %d %b}"
        if len(period.days) == 1
        else f"{period.days[0]:%a %d %b} to {period.days[-1]:%a %d %b}"
    )
    if not found.open:
        print(f"No open problems ({span}).", file=out)
    else:
        count = len(found.open)
        print(f"{count} open problem{'s' if count != 1 else ''} ({span}):", file=out)
    day: date | None = None
    for problem in found.open:
        if problem.day != day:
            day = problem.day
            print(f"\n{day:%A %d %B}", file=out)
        print(f"  {problem.id}  {problem.kind.value:<14}  {terminal_safe(problem.text)}", file=out)
    if found.closed:
        print(f"\nHandled ({len(found.closed)}):", file=out)
        for problem in found.closed:
            print(
                f"  {problem.id}  {problem.state.value:<8}  {problem.day:%a %d %b}  "
                f"{terminal_safe(problem.text)}",
                file=out,
            )
    if found.open:
        print("\nClose one: daybrief problems handle ID   Draft a message: daybrief problems "
              "draft ID", file=out)  # fmt: skip
    return EXIT_OK


def _horizon(store: Any) -> int:
    from daybrief.services.preferences import load_preferences

    return load_preferences(store).hygiene_days


def _cmd_set_state(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.review import ProblemNotFound, find_problem, set_problem_state

    clock = clock_of(args)
    with open_store_for(args, create=False) as store:
        zone = zone_of(args)
        horizon = _horizon(store)
        try:
            problems = [
                find_problem(store, zone, clock, text, days_ahead=horizon) for text in args.ids
            ]
        except ProblemNotFound as error:
            raise UsageError(str(error)) from None
        for problem in problems:
            set_problem_state(store, problem, args.state)
    for problem in problems:
        print(f"{problem.id}  {args.state}: {terminal_safe(problem.text)}", file=out)
    return EXIT_OK


def _send(args: argparse.Namespace, store: Any, found: list[Any], out: TextIO, err: TextIO) -> int:
    """Every draft of the problem, mailed (or prepared); 4 when the server refused one."""
    import os

    from daybrief.services.credentials import KeyringStore
    from daybrief.services.sending import MailError, send_draft

    display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    failed = 0
    for draft in found:
        who = ", ".join(draft.to)
        try:
            outcome = send_draft(
                store, draft, credentials=KeyringStore(), now=clock_of(args).now(),
                open_mail_program=display,
            )  # fmt: skip
        except MailError as error:
            if error.kind == "address":
                raise UsageError(error.reason) from None
            print(f"daybrief: {error.reason} (not sent to {terminal_safe(who)})", file=err)
            failed += 1
            continue
        if outcome.sent:
            print(f"sent to {terminal_safe(who)}: {terminal_safe(draft.subject)}", file=out)
        else:
            how = "opened in your mail program, " if outcome.opened else ""
            print(f"prepared for {terminal_safe(who)} ({how}saved as {outcome.path})", file=out)
    return EXIT_SOURCE_FAILED if failed else EXIT_OK


def _cmd_draft(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.review import ProblemNotFound, drafts, find_problem, saved_me

    clock = clock_of(args)
    with open_store_for(args, create=False) as store:
        zone = zone_of(args)
        try:
            problem = find_problem(store, zone, clock, args.id, days_ahead=_horizon(store))
        except ProblemNotFound as error:
            raise UsageError(str(error)) from None
        found = drafts(problem, saved_me(store), zone)
        if args.send and found:
            return _send(args, store, found, out, err)
    if getattr(args, "json", False):
        json_lines(out, (draft_to_dict(d) for d in found))
        return EXIT_OK
    if not found:
        print(f"No message would help with {problem.id}: nobody else can fix it.", file=out)
        return EXIT_OK
    for n, draft in enumerate(found):
        if n:
            print("\n" + "-" * 40 + "\n", file=out)
        print(f"To: {terminal_safe(', '.join(draft.to))}", file=out)
        if draft.cc:
            print(f"Cc: {terminal_safe(', '.join(draft.cc))}", file=out)
        print(f"Subject: {terminal_safe(draft.subject)}\n", file=out)
        for line in draft.body.splitlines():
            print(terminal_safe(line) if line else "", file=out)
    return EXIT_OK
