"""``daybrief tasks``: keep follow-ups in a CalDAV task list (connect, sync, status, disconnect).

Exit codes: 0 done; 2 bad input (not connected, several lists and no ``--list``, no keyring,
a failing password command); 4 the server could not be reached or refused (local changes
stay queued for the next sync).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from daybrief.cli.common import (
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    UsageError,
    add_data_dir,
    existing_store,
    now_of,
    open_store_for,
)
from daybrief.cli.followups import shown


def register(commands: Any) -> None:
    group = commands.add_parser(
        "tasks",
        help="sync follow-ups with a CalDAV task list: connect, sync, status, disconnect",
        description="Two-way sync of follow-ups with a CalDAV task list (Nextcloud Tasks, "
        "iCloud Reminders, Tasks.org or jtx Board via DAVx⁵, Thunderbird, …). The address and "
        "password are kept in the OS keyring, never in the store.",
    )
    verbs = group.add_subparsers(dest="verb", metavar="VERB", required=True)
    connect = verbs.add_parser(
        "connect",
        help="connect a task list (an account, or the list's own address) and sync it",
        description="Connect the task list at URL, or the account's list --list NAME (made "
        "if the account has none of that name). Without --list: the only list, or a new "
        "one called Follow-ups when there is none.",
    )
    connect.set_defaults(run=_cmd_connect)
    connect.add_argument("url", metavar="URL")
    connect.add_argument("--user", metavar="U", required=True, help="user name")
    how = connect.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (kept in the keyring)",
    )
    how.add_argument(
        "--password-command",
        metavar="CMD",
        help="run CMD for the password at every sync (its first line; nothing is kept)",
    )
    connect.add_argument("--list", metavar="NAME", help="the task list (made if missing)")
    add_data_dir(connect)
    sync = verbs.add_parser(
        "sync", help="send what changed here, fetch what changed there (exit 4: offline)"
    )
    sync.set_defaults(run=_cmd_sync)
    add_data_dir(sync)
    status = verbs.add_parser("status", help="the list, the last sync, any problem, the queue")
    status.set_defaults(run=_cmd_status)
    status.add_argument("--json", action="store_true", help="one JSON object")
    add_data_dir(status)
    disconnect = verbs.add_parser(
        "disconnect", help="stop syncing (follow-ups stay here, tasks stay on the server)"
    )
    disconnect.set_defaults(run=_cmd_disconnect)
    add_data_dir(disconnect)


def _cmd_connect(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import (
        CredentialsUnavailable,
        KeyringStore,
        password_from_command,
    )
    from daybrief.services.fetch import FetchError
    from daybrief.services.task_sync import connect_task_list

    try:
        if args.password_command is not None:
            password = password_from_command(args.password_command)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise UsageError("--password-stdin: standard input gave no password")
    except CredentialsUnavailable as error:
        raise UsageError(str(error)) from None
    with open_store_for(args) as store:
        try:
            result = connect_task_list(
                store, args.url, username=args.user, password=password,
                credentials=KeyringStore(), list_name=args.list,
                password_command=args.password_command,
            )  # fmt: skip
        except CredentialsUnavailable as error:
            raise UsageError(f"{error} (nothing connected)") from None
        except FetchError as error:
            if error.kind == "address":  # not an address at all: bad input, not a failure
                raise UsageError(f"{error.reason} (nothing connected)") from None
            print(f"daybrief: {error.reason} (nothing connected)", file=err)
            return EXIT_SOURCE_FAILED
        if result.choices:
            print("This account has several task lists:", file=err)
            for name in result.choices:
                print(f"  {shown(name)}", file=err)
            raise UsageError("pick one with --list NAME (a new name makes a new list)")
        made = " (new list)" if result.created else ""
        print(f"Connected to task list {shown(result.list_name)!r}{made}.", file=out)
        return _sync(args, store, out, err)


def _cmd_sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store = existing_store(args)
    if store is None:
        raise UsageError("no task list connected: daybrief tasks connect URL --user U first")
    with store:
        return _sync(args, store, out, err)


def _sync(args: argparse.Namespace, store: Any, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import CredentialsUnavailable, KeyringStore
    from daybrief.services.task_sync import (
        NotConnected,
        TaskSyncFailed,
        pending_changes,
        sync_tasks,
    )

    try:
        report = sync_tasks(store, credentials=KeyringStore(), now=now_of(args))
    except NotConnected as error:
        raise UsageError(str(error)) from None
    except CredentialsUnavailable as error:
        raise UsageError(str(error)) from None
    except TaskSyncFailed as error:
        waiting = pending_changes(store)
        kept = (
            f"; {waiting} change{'s' if waiting != 1 else ''} stay queued for the next sync"
            if waiting
            else ""
        )
        print(f"daybrief: tasks not synced: {error.reason}{kept}", file=err)
        return EXIT_SOURCE_FAILED
    print(f"Synced: {report.summary()}.", file=out)
    for message in report.messages:
        print(f"  {shown(message)}", file=err)
    return EXIT_OK


def _cmd_status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import json

    from daybrief.services.task_sync import TaskListStatus, task_list_status

    store = existing_store(args)
    status = TaskListStatus(False)
    if store is not None:
        with store:
            status = task_list_status(store)
    if args.json:
        print(json.dumps(status.to_dict(), ensure_ascii=False), file=out)
        return EXIT_OK
    if not status.connected:
        print("No task list connected (daybrief tasks connect URL --user U).", file=out)
        return EXIT_OK
    when = status.to_dict()["last_sync_at"] or "never"
    print(f"Task list: {shown(status.list_name)} at {status.address}", file=out)
    print(f"Last sync: {str(when).replace('T', ' ')}", file=out)
    print(f"Waiting:   {status.waiting_text() or 'nothing waiting for the server'}", file=out)
    if status.problem:
        print(f"Problem:   {shown(status.problem)}", file=out)
    return EXIT_OK


def _cmd_disconnect(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.credentials import KeyringStore
    from daybrief.services.task_sync import disconnect_task_list

    store = existing_store(args)
    was = False
    if store is not None:
        with store:
            was = disconnect_task_list(store, KeyringStore())
    if not was:
        print("No task list was connected.", file=out)
        return EXIT_OK
    print("Disconnected; your follow-ups stay here and the tasks stay on the server.", file=out)
    return EXIT_OK
