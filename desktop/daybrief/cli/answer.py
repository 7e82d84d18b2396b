"""``daybrief answer MEETING accept|tentative|decline``: answer an invitation.

Exit codes: 0 done; 2 unusable (no such meeting, not an attendee, bad options); 4 the
server (calendar or mail) could not be reached: said so, and nothing changed.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    UsageError,
    add_data_dir,
    clock_of,
    now_of,
    open_store_for,
)


def register(commands: Any) -> None:
    command = commands.add_parser(
        "answer",
        help="accept, tentatively accept or decline an invitation",
        description="Answer an invitation. CalDAV calendars are changed on the server "
        "(only your PARTSTAT); for files and ICS addresses an iMIP reply goes to the "
        "organiser: sent with --send through the mail account, saved with --out, else "
        "opened in your mail program (or saved in the outbox). Until the calendar shows "
        "the answer, the meeting shows as answered, waiting for your calendar.",
    )
    command.set_defaults(run=_cmd_answer)
    command.add_argument(
        "meeting",
        metavar="MEETING",
        help="a UID, UID@RECURRENCE-ID (UTC basic format, e.g. abc@20260316T100000Z), "
        "or a problem id",
    )
    command.add_argument("answer", choices=("accept", "tentative", "decline"))
    command.add_argument("--comment", metavar="TEXT", default="", help="a note for the organiser")
    scope = command.add_mutually_exclusive_group()
    scope.add_argument(
        "--instance",
        dest="scope",
        action="store_const",
        const="instance",
        help="this instance only (the default for UID@RECURRENCE-ID)",
    )
    scope.add_argument(
        "--series",
        dest="scope",
        action="store_const",
        const="series",
        help="the whole series (the default for a UID)",
    )
    command.add_argument(
        "--out", metavar="FILE.eml", default=None, help="save the iMIP reply as this file"
    )
    command.add_argument(
        "--send", action="store_true", help="send the iMIP reply through the mail account"
    )
    add_data_dir(command)


def _problems_of(store: Any, clock: Any) -> Any:
    """A lookup of the review's problems by id (None for an unknown id)."""
    from daybrief.services.preferences import load_preferences
    from daybrief.services.review import ProblemNotFound, find_problem

    zone = load_preferences(store).zone()

    def by_id(text: str) -> Any:
        try:
            return find_problem(store, zone, clock, text)
        except ProblemNotFound:
            return None

    return by_id


def _cmd_answer(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.answers import (
        VERBS,
        AnswerError,
        answer,
        find_meeting,
        resolve_meeting,
    )
    from daybrief.services.credentials import KeyringStore

    target = Path(args.out) if args.out else None
    if target is not None and not target.parent.is_dir():
        raise UsageError(f"--out: no such folder: {target.parent}")
    with open_store_for(args, create=False) as store:
        try:
            uid, instance = resolve_meeting(
                store, args.meeting, problem_by_id=_problems_of(store, clock_of(args))
            )
            meeting = find_meeting(store, uid, instance)
            result = answer(
                store, meeting, VERBS[args.answer], comment=args.comment, scope=args.scope,
                credentials=KeyringStore(), now=now_of(args), send=args.send, out=target,
                open_mail_program=bool(
                    os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                ),
            )  # fmt: skip
        except AnswerError as error:
            if error.unreachable:
                print(f"daybrief: {error.reason}", file=err)
                return EXIT_SOURCE_FAILED
            raise UsageError(error.reason) from None
    print(_terminal_safe(result.describe()), file=out)
    if result.warning:
        print(f"daybrief: warning: {_terminal_safe(result.warning)}", file=err)
    return EXIT_OK


def _terminal_safe(text: str) -> str:
    # Meeting titles are calendar text: no escape sequences reach the terminal.
    return "".join(c if c.isprintable() else " " for c in text)
