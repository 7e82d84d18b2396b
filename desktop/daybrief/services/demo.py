"""The demo calendar as a real source of the store, so every feature can be tried on it.

The demo is made relative to today; it is written to the data folder and imported like
any file, and made again on each start so "tomorrow" stays tomorrow.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path

from daybrief.core.demo import (
    DEMO_CLIENTS,
    DEMO_DOMAINS,
    DEMO_FILE,
    DEMO_NAME,
    DEMO_USER,
    demo_calendar,
    demo_user_inputs,
    is_demo_uid,
    next_working_day,
)
from daybrief.core.keys import meeting_key
from daybrief.services.importer import ImportReport, import_file
from daybrief.services.preferences import zone_label
from daybrief.services.queries import (
    DEMO_LOCATION,
    demo_location,
    demo_showing,
    own_identity,
    save_identity,
)
from daybrief.services.rules import apply_rules_ahead
from daybrief.services.sources import remove_source
from daybrief.store.calendars import Calendars
from daybrief.store.db import Store
from daybrief.store.purge import Purged, purge
from daybrief.store.settings import Settings
from daybrief.store.userdata import UserData

__all__ = ["DEMO_FILE", "DEMO_NAME", "Purged", "demo_showing", "remove_demo"]

_SEEDED = "demo_seeded"


def demo_path(folder: Path) -> Path:
    return folder / DEMO_FILE


def demo_source_id(store: Store, folder: Path | None = None) -> int | None:
    """The demo's source in ``store``: its file in ``folder``, or where it was loaded from."""
    location = str(demo_path(folder).resolve()) if folder is not None else demo_location(store)
    source = Calendars(store).find_source("file", location)
    return source.id if source is not None else None


def has_demo(store: Store, folder: Path | None = None) -> bool:
    return demo_source_id(store, folder) is not None


def needs_identity(store: Store) -> bool:
    """No addresses are known as the user's (an older demo saved its made-up one)."""
    return own_identity(store) in ([], [DEMO_USER])


def forget_demo_identity(store: Store) -> None:
    if own_identity(store) == [DEMO_USER]:
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
    """Write and import the demo for ``today``; the first time, give it its user's data.

    The demo has its own user (:data:`DEMO_USER`) and working week: while it shows, the
    user's own addresses and hours are kept but not used (see ``saved_identity``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = demo_path(folder)
    path.write_text(demo_calendar(today), encoding="utf-8", newline="")
    Settings(store).set(DEMO_LOCATION, str(path.resolve()))
    # The demo is its user's own calendar, whoever the saved identity is: never guessed.
    report = import_file(
        store, str(path), user_zone=zone, zone_name=zone_label(zone), now=now, name=DEMO_NAME,
        role="mine",
    )  # fmt: skip
    settings = Settings(store)
    if not settings.get_as(_SEEDED, bool, False):
        _seed(store, today)
        settings.set(_SEEDED, True)
    # The starter templates fill the rest, as they would for a real calendar.
    apply_rules_ahead(store, user_zone=zone, zone_name=zone_label(zone), now=now)
    return report


def remove_demo(store: Store) -> Purged | None:
    """Remove the demo calendar, its file and everything attached to it: checklist items,
    notes, follow-ups and acknowledgements on its meetings, its clients and their
    follow-ups, the goals and follow-ups it seeded. None when no demo is loaded.

    Called by every way a real calendar arrives (import, subscribe), so the demo's
    meetings never clash with real ones and its data never reaches a real briefing.
    """
    source_id = demo_source_id(store)
    if source_id is None:
        return None
    location = demo_location(store)
    sample = demo_user_inputs(date(2000, 1, 3))  # the texts do not depend on the day
    with store.transaction():
        remove_source(store, source_id)
        purged = purge(
            store,
            meeting=is_demo_uid,
            client_domains=DEMO_DOMAINS,
            follow_up_texts=[text for _id, text, *_rest in sample.follow_ups],
            goal_texts=sample.goals,
        )
        forget_demo_identity(store)
        settings = Settings(store)
        settings.set(_SEEDED, False)
        settings.set(DEMO_LOCATION, None)
    Path(location).unlink(missing_ok=True)
    return purged


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
