"""What syncing follow-ups with a CalDAV task list costs, on a local Radicale.

    python benchmarks/bench_tasks.py [--count 1000]

A fresh Radicale (the test fixture's, on 127.0.0.1) and two fresh stores. Measured, in
HTTP requests and seconds:

- first sync, sending: the first device with ``--count`` follow-ups and an empty list;
- first sync, receiving: a second device fetching them all;
- a sync with nothing changed (best of 5), on each device;
- a sync after one edit.

Seconds are printed with a ratio against a baseline of the same run: one authenticated
PROPFIND of the list's ETags through the same client (what any ETag-based client pays to
learn that nothing changed), so machines of different speed compare.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT)]

NOW = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    from tests.network import Radicale

    from daybrief.services.credentials import SessionCredentials
    from daybrief.services.task_server import TaskServer
    from daybrief.services.task_sync import connect_task_list, secret_for, sync_tasks
    from daybrief.store import open_store
    from daybrief.store.clients import Clients
    from daybrief.store.followups import FollowUps
    from daybrief.store.task_sync import TaskSync

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "radicale").mkdir()
        server = Radicale(root / "radicale", "alice", "bench-" + secrets.token_hex(4))
        server.start()
        try:
            credentials = SessionCredentials()
            a = open_store(root / "a.sqlite3")
            b = open_store(root / "b.sqlite3")
            for store in (a, b):
                connect_task_list(
                    store, server.url, username=server.user, password=server.password,
                    credentials=credentials, list_name="Follow-ups",
                )  # fmt: skip
            acme = Clients(a).create("Acme", ["acme.example"]).id
            follow_ups = FollowUps(a)
            with a.transaction():
                for n in range(args.count):
                    follow_ups.add(
                        f"Follow-up {n}: send the notes", due=date(2026, 3, 2) + timedelta(n % 30),
                        client_id=acme if n % 3 == 0 else None,
                    )  # fmt: skip

            def baseline() -> float:
                state = TaskSync(a).task_list()
                assert state is not None
                probe = TaskServer(secret_for(state, credentials))
                start = time.perf_counter()
                probe._propfind()
                return time.perf_counter() - start

            def sync(store: object, label: str) -> tuple[int, float]:
                start = time.perf_counter()
                report = sync_tasks(store, credentials=credentials, now=NOW)  # type: ignore[arg-type]
                seconds = time.perf_counter() - start
                print(f"{label:<38} {report.requests:>6} requests  {seconds:8.3f} s  "
                      f"(sent {report.sent}, received {report.received})")  # fmt: skip
                return report.requests, seconds

            print(f"{args.count} follow-ups, Radicale on 127.0.0.1\n")
            sync(a, "first sync, sending (device A)")
            sync(b, "first sync, receiving (device B)")
            base = min(baseline() for _ in range(5))
            for store, name in ((a, "A"), (b, "B")):
                runs = [sync(store, f"nothing changed (device {name})") for _ in range(5)]
                best = min(s for _, s in runs)
                print(f"{'':<38} best {best:.3f} s = {best / base:.1f}x the baseline")
            item = follow_ups.all()[0]
            follow_ups.update(item.id, text=item.text + " (edited)")
            sync(a, "one edit sent (device A)")
            sync(b, "one edit received (device B)")
            print(f"\nbaseline: one PROPFIND of the list's ETags: {base:.3f} s")
            a.close()
            b.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
