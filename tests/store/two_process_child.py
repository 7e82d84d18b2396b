"""A second Daybrief process for the two-process tests.

python two_process_child.py hold STORE        # app instance: lock, print ready, wait
python two_process_child.py write STORE GO N  # wait for file GO, then add N items
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from daybrief.store import StoreLocked, UserData, meeting_key, open_store

SHARED = meeting_key("shared@acme.example")


def main(argv: list[str]) -> int:
    mode, store_path = argv[0], Path(argv[1])
    if mode == "hold":
        try:
            store = open_store(store_path, instance_lock=True)
        except StoreLocked as exc:
            print(f"refused {exc}", flush=True)
            return 4
        UserData.of(store).settings.set("holder", "child")
        print("ready", flush=True)
        sys.stdin.readline()  # until the parent closes our stdin (or kills us)
        store.close()
        return 0
    go, count = Path(argv[2]), int(argv[3])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.002)
    # Both processes open (and, on a new store, create and migrate) at the same moment.
    with open_store(store_path, timeout=30) as store:
        ud = UserData.of(store)
        for n in range(count):
            ud.checklists.add(SHARED, f"{argv[4]}-{n}")
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
