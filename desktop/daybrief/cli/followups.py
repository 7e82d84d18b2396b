"""``daybrief followups``: list, add, tick and edit follow-ups.

Edits are local; with a task list connected they wait for the next ``daybrief tasks sync``
(or the window's), which says how many are waiting.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    UsageError,
    add_data_dir,
    existing_store,
    json_lines,
    now_of,
    open_store_for,
    parse_moment,
    user_zone,
)

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def shown(text: str) -> str:
    """Text from a calendar or a task app, safe for a terminal: one line, no control codes."""
    return _CONTROLS.sub("\N{REPLACEMENT CHARACTER}", " ".join(text.split("\n")))


def register(commands: Any) -> None:
    group = commands.add_parser(
        "followups",
        help="what you owe people: list, add, done, edit",
        description="Follow-ups: list, add, tick done and edit. With a task list connected "
        "(daybrief tasks connect) they are synced by daybrief tasks sync.",
    )
    verbs = group.add_subparsers(dest="verb", metavar="VERB", required=True)
    listing = verbs.add_parser("list", help="open follow-ups by due date (--all: done too)")
    listing.set_defaults(run=_cmd_list)
    listing.add_argument("--all", action="store_true", help="include those done")
    listing.add_argument(
        "--json",
        action="store_true",
        help="JSON lines: id, text, due (YYYY-MM-DD or null), client, done, meeting_uid",
    )
    add_data_dir(listing)
    add = verbs.add_parser("add", help="a new follow-up")
    add.set_defaults(run=_cmd_add)
    add.add_argument("text", metavar="TEXT")
    add.add_argument("--due", metavar="DATE", help="YYYY-MM-DD, today, tomorrow or +Nd")
    add.add_argument("--client", metavar="NAME", help="the client (made if new)")
    add.add_argument("--meeting", metavar="UID", help="the UID of the meeting it came from")
    add_data_dir(add)
    done = verbs.add_parser("done", help="tick a follow-up done")
    done.set_defaults(run=_cmd_done)
    done.add_argument("id", metavar="ID", type=_follow_up_id)
    add_data_dir(done)
    edit = verbs.add_parser("edit", help="change a follow-up's text, due date or client")
    edit.set_defaults(run=_cmd_edit)
    edit.add_argument("id", metavar="ID", type=_follow_up_id)
    edit.add_argument("--text", metavar="T")
    edit.add_argument("--due", metavar="DATE", help="YYYY-MM-DD, today, tomorrow, +Nd or none")
    edit.add_argument("--client", metavar="NAME", help="the client; '' for none")
    add_data_dir(edit)


def _follow_up_id(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"not a follow-up id: {text!r} (a number)")
    return int(text)


def _due(args: argparse.Namespace, text: str) -> date | None:
    if text.strip().lower() in ("none", ""):
        return None
    moment, _ = parse_moment(text, user_zone(None), now=now_of(args))
    return moment.date()


def _cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.followups import follow_up_dicts

    store = existing_store(args)
    rows: list[dict[str, object]] = []
    if store is not None:
        with store:
            rows = follow_up_dicts(store, include_done=args.all)
    if args.json:
        json_lines(out, rows)
        return EXIT_OK
    if not rows:
        print("No follow-ups." if args.all else "No open follow-ups.", file=out)
    for row in rows:
        mark = "x" if row["done"] else " "
        due = row["due"] or "no date   "
        client = f"  [{shown(str(row['client']))}]" if row["client"] else ""
        print(f"{row['id']:>4}  [{mark}] {due}  {shown(str(row['text']))}{client}", file=out)
    return EXIT_OK


def _cmd_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.followups import add_follow_up

    due = _due(args, args.due) if args.due is not None else None
    with open_store_for(args) as store:
        try:
            item = add_follow_up(
                store, args.text, due=due, client=args.client, meeting_uid=args.meeting
            )
        except ValueError as error:
            raise UsageError(str(error)) from None
        _waiting(store, err)
    print(f"Added follow-up {item.id}: {shown(item.text)}", file=out)
    return EXIT_OK


def _cmd_done(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.followups import tick_follow_up

    with open_store_for(args, create=False) as store:
        try:
            item = tick_follow_up(store, args.id)
        except LookupError as error:
            raise UsageError(str(error).strip("'\"")) from None
        _waiting(store, err)
    print(f"Done: {shown(item.text)}", file=out)
    return EXIT_OK


def _cmd_edit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.followups import UNCHANGED, edit_follow_up

    if args.text is None and args.due is None and args.client is None:
        raise UsageError("followups edit: nothing to change (give --text, --due or --client)")
    due = UNCHANGED if args.due is None else _due(args, args.due)
    client = UNCHANGED if args.client is None else (args.client.strip() or None)
    with open_store_for(args, create=False) as store:
        try:
            item = edit_follow_up(store, args.id, text=args.text, due=due, client=client)
        except LookupError as error:
            raise UsageError(str(error).strip("'\"")) from None
        except ValueError as error:
            raise UsageError(str(error)) from None
        _waiting(store, err)
    print(f"Changed follow-up {item.id}: {shown(item.text)}", file=out)
    return EXIT_OK


def _waiting(store: Any, err: TextIO) -> None:
    from daybrief.services.task_sync import task_list_status

    status = task_list_status(store)
    if status.pending:
        print(f"({status.waiting_text()}: daybrief tasks sync)", file=err)
