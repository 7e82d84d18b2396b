"""The demo calendar as a real source of the store, so every feature can be tried on it.

The demo is made relative to today; it is written to the data folder and imported like
any file, and made again on each start so "tomorrow" stays tomorrow.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path

from daybrief.core.demo import (
    DEMO_CLIENTS,
    DEMO_USER,
    demo_calendar,
    demo_user_inputs,
    next_working_day,
)
from daybrief.services.importer import ImportReport, import_file
from daybrief.services.preferences import zone_label
from daybrief.services.queries import save_identity, saved_identity
from daybrief.services.rules import apply_rules_ahead
from daybrief.store.calendars import Calendars
from daybrief.store.db import Store
from daybrief.store.meetings import meeting_key
from daybrief.store.settings import Settings
from daybrief.store.userdata import UserData

DEMO_FILE = "demo-calendar.ics"
DEMO_NAME = "Demo calendar"
_SEEDED = "demo_seeded"


def demo_path(folder: Path) -> Path:
    return folder / DEMO_FILE


def demo_source_id(store: Store, folder: Path) -> int | None:
    source = Calendars(store).find_source("file", str(demo_path(folder).resolve()))
    return source.id if source is not None else None


def has_demo(store: Store, folder: Path) -> bool:
    return demo_source_id(store, folder) is not None


def needs_identity(store: Store) -> bool:
    """No addresses are known as the user's, or only the demo's made-up one."""
    return saved_identity(store) in ([], [DEMO_USER])


def forget_demo_identity(store: Store) -> None:
    if saved_identity(store) == [DEMO_USER]:
        save_identity(store, [])


FIRST_RUN_DONE = "first_run_done"


def first_run(store: Store) -> bool:
    """True once per store: the very first start shows the demo instead of an empty window."""
    settings = Settings(store)
    if settings.get_as(FIRST_RUN_DONE, bool, False):
        return False
    settings.set(FIRST_RUN_DONE, True)
    return True


def load_demo(
    store: Store, folder: Path, *, today: date, zone: tzinfo, now: datetime
) -> ImportReport:
    """Write and import the demo for ``today``; the first time, give it a user and data."""
    folder.mkdir(parents=True, exist_ok=True)
    path = demo_path(folder)
    path.write_text(demo_calendar(today), encoding="utf-8", newline="")
    # The demo is its user's own calendar, whoever the saved identity is: never guessed.
    report = import_file(
        store, str(path), user_zone=zone, zone_name=zone_label(zone), now=now, name=DEMO_NAME,
        role="mine",
    )  # fmt: skip
    if not saved_identity(store):
        save_identity(store, [DEMO_USER])
    settings = Settings(store)
    if not settings.get_as(_SEEDED, bool, False):
        _seed(store, today)
        settings.set(_SEEDED, True)
    # The starter templates fill the rest, as they would for a real calendar.
    apply_rules_ahead(store, user_zone=zone, zone_name=zone_label(zone), now=now)
    return report


def _seed(store: Store, today: date) -> None:
    """The demo user's own data: the same as ``daybrief brief --demo`` shows."""
    day = next_working_day(today)
    demo = demo_user_inputs(day)
    domains = {name: domain for name, domain, _user, _person in DEMO_CLIENTS}
    data = UserData.of(store)
    with store.transaction():
        for uid, items in demo.checklists.items():
            for text, required, done in items:
                item = data.checklists.add(meeting_key(uid), text, required=required)
                if done:
                    data.checklists.set_done(item.id, True)
        for _id, text, due, client_name, meeting_uid in demo.follow_ups:
            client_id = (
                data.clients.ensure_for_domain(domains[client_name], client_name).id
                if client_name in domains
                else None
            )
            key = meeting_key(meeting_uid) if meeting_uid else None
            data.follow_ups.add(text, due=due, client_id=client_id, meeting_key=key)
        for text in demo.goals:
            data.goals.add(day, text)
