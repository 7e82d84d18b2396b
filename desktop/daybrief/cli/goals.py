"""``daybrief goals``: the day's few goals, in the user's own words; done ones are wins."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    UsageError,
    add_scope,
    clock_of,
    json_lines,
    open_store_for,
    terminal_safe,
    zone_of,
)


def register(commands: Any) -> None:
    goals = commands.add_parser(
        "goals",
        help="the day's goals: list, add, done",
        description="A few goals for the day (default: today during the working day, after it "
        "the next working day). Done goals are the day's wins in the end-of-day briefing; "
        "unfinished ones are offered again the next day.",
    )
    verbs = goals.add_subparsers(dest="verb", metavar="VERB", required=True)
    listing = verbs.add_parser("list", help="the day's goals, and yesterday's unfinished ones")
    listing.set_defaults(run=_cmd_list)
    listing.add_argument("--json", action="store_true", help="one JSON line per goal")
    add = verbs.add_parser("add", help="add a goal in your own words")
    add.set_defaults(run=_cmd_add)
    add.add_argument("text", metavar="TEXT")
    done = verbs.add_parser("done", help="mark a goal done (--undo: not done)")
    done.set_defaults(run=_cmd_done)
    done.add_argument("id", metavar="ID", type=int)
    done.add_argument("--undo", action="store_true", help="mark it not done again")
    for command in (listing, add, done):
        command.add_argument(
            "--date", default=None, help="YYYY-MM-DD, today, tomorrow or next (working day)"
        )
        add_scope(command, defaults=True)


def _day(args: argparse.Namespace, store: Any) -> date:
    from daybrief.services.briefing import resolve_day, settings_of

    now = clock_of(args).now().astimezone(zone_of(args))
    try:
        return resolve_day(args.date, now, settings_of(store))
    except ValueError as error:
        raise UsageError(f"--date: {error}") from None


def _cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.review import goal_suggestions_from_yesterday, goals_of

    with open_store_for(args, create=False) as store:
        day = _day(args, store)
        goals = goals_of(store, day)
        unfinished = goal_suggestions_from_yesterday(store, day)
    if args.json:
        json_lines(
            out,
            ({"id": g.id, "day": day.isoformat(), "text": g.text, "done": g.done} for g in goals),
        )
        return EXIT_OK
    print(f"Goals for {day:%A %d %B}:", file=out)
    if not goals:
        print("  none yet: daybrief goals add TEXT", file=out)
    for goal in goals:
        print(f"  {goal.id:>4}  [{'x' if goal.done else ' '}] {terminal_safe(goal.text)}", file=out)
    if unfinished:
        print("Not finished last time:", file=out)
        for text in unfinished:
            print(f"        {terminal_safe(text)}", file=out)
    return EXIT_OK


def _cmd_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.review import add_goal

    with open_store_for(args) as store:
        day = _day(args, store)
        try:
            goal = add_goal(store, day, args.text)
        except ValueError as error:
            raise UsageError(str(error)) from None
    print(f"{goal.id}  goal for {day:%a %d %b}: {terminal_safe(goal.text)}", file=out)
    return EXIT_OK


def _cmd_done(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.review import set_goal_done

    with open_store_for(args, create=False) as store:
        try:
            goal = set_goal_done(store, args.id, not args.undo)
        except LookupError as error:
            raise UsageError(str(error)) from None
    state = "done" if goal.done else "not done"
    print(f"{goal.id}  {state}: {terminal_safe(goal.text)}", file=out)
    return EXIT_OK
