"""What the first-import guess of a calendar's role (issue 17, docs/roles.md) makes of the
real-world corpus: counts per role, and examples with their reasons.

The guess depends on who the user is, so each file is guessed three ways:

* ``unknown``: before the user's addresses are known (a first import);
* ``owner``: the user is whom the file itself suggests (``daybrief whoami``): as if it
  were the user's own calendar;
* ``outsider``: the user is in none of its meetings: as if it were a colleague's.

    python tools/corpus_roles.py [CORPUS] [--files] [--examples N]

CORPUS defaults to ../shared/corpus next to the checkout (or $DAYBRIEF_CORPUS).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from collections import Counter
from pathlib import Path

from daybrief.core.confirmation import identity
from daybrief.core.engine import guess_calendar_role, suggest_identity_from
from daybrief.core.errors import InvalidCalendar
from daybrief.core.events import read_calendar
from daybrief.core.roles import ROLES

OUTSIDER = identity(["nobody@outside.invalid"])
SCENARIOS = ("unknown", "owner", "outsider")


def _corpus(given: str | None) -> Path:
    if given:
        return Path(given)
    if os.environ.get("DAYBRIEF_CORPUS"):
        return Path(os.environ["DAYBRIEF_CORPUS"])
    return Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", help="the corpus folder (with MANIFEST.tsv)")
    parser.add_argument("--files", action="store_true", help="one line per file as well")
    parser.add_argument("--examples", type=int, default=4, help="examples per role and scenario")
    args = parser.parse_args(argv)
    corpus = _corpus(args.corpus)
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if int(r["vevents"] or 0) > 0]
    counts = {scenario: Counter[str]() for scenario in SCENARIOS}
    reasons = {scenario: Counter[str]() for scenario in SCENARIOS}
    examples: dict[tuple[str, str], dict[str, str]] = {}
    unreadable = no_events = 0
    for row in rows:
        path = corpus / "files" / row["local_path"]
        try:
            calendar = read_calendar(path.read_bytes(), str(path))
        except InvalidCalendar:
            unreadable += 1
            continue
        if not calendar.events:
            no_events += 1  # every VEVENT of it was broken
            continue
        owner = identity(suggest_identity_from([calendar]))
        line = []
        for scenario, me in (("unknown", frozenset()), ("owner", owner), ("outsider", OUTSIDER)):
            guess = guess_calendar_role(calendar, [], me)
            role = guess.role.value
            counts[scenario][role] += 1
            line.append(f"{scenario}={role}")
            reasons[scenario][re.sub(r"\d+", "N", guess.reason)] += 1
            found = examples.setdefault((scenario, role), {})
            repo = row["repo"]
            if len(found) < args.examples and repo not in found:  # one per project
                found[repo] = f"{row['local_path']} ({len(calendar.events)} events): {guess.reason}"
        if args.files:
            print(f"{row['local_path']}\t{' '.join(line)}")
    print(f"{len(rows)} files with VEVENTs in {corpus}")
    print(f"  unreadable: {unreadable}; no readable event: {no_events}")
    print(f"  {'scenario':<10}" + "".join(f"{role:>8}" for role in ROLES))
    for scenario in SCENARIOS:
        print(f"  {scenario:<10}" + "".join(f"{counts[scenario][r]:>8}" for r in ROLES))
    for scenario in SCENARIOS:
        print(f"  why, {scenario}:")
        for reason, n in reasons[scenario].most_common():
            print(f"    {n:>4}  {reason}")
    for scenario in SCENARIOS:
        for role in ROLES:
            for example in examples.get((scenario, role), {}).values():
                print(f"  [{scenario} → {role}] {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
