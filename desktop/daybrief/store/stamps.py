"""A cheap fingerprint of the user's data that problems depend on.

The window keeps the review's problems while this and the calendars stay the same, so a
refresh on a big store does not work them out again on the UI thread. It reads content,
not connection counters, so a result worked out on a worker's connection is still good on
the window's.
"""

from __future__ import annotations

from daybrief.store.db import Store

_QUERIES = (
    # Which items exist, which are required, which are done (ids weighted, so ticking one
    # item and unticking another in the same second still changes it).
    "SELECT count(*), max(updated_at), total(done * id), total(required * id),"
    " total(length(text)) FROM checklist_items",
    "SELECT count(*), max(updated_at), total(length(state) + length(facts)) FROM problem_acks",
    # Settings the window writes as it goes (when reminders were last checked, where the
    # last export went, the theme, sync bookkeeping) change no problem: left out, or every
    # tray check would throw the kept problems away.
    "SELECT count(*), max(updated_at), total(length(value)) FROM settings"
    " WHERE key NOT LIKE 'reminders\\_%' ESCAPE '\\' AND key NOT LIKE 'export%'"
    " AND key NOT LIKE 'mail%' AND key NOT LIKE 'task%' AND key <> 'window_theme'",
    "SELECT count(*), max(updated_at), total(length(partstat) + length(previous))"
    " FROM pending_answers",
    # Who is a client, by which name (renames, merges and splits of the Clients page).
    "SELECT count(*), max(updated_at), total(length(name) * id) FROM clients",
    "SELECT count(*), max(updated_at), total(length(domain) * client_id) FROM client_domains",
)


def review_inputs_stamp(store: Store) -> tuple[object, ...]:
    """Changes whenever checklists, problem states, settings, pending answers or clients
    change."""
    stamp: list[object] = []
    with store.snapshot():
        for sql in _QUERIES:
            row = store.query_one(sql)
            stamp.append(tuple(row) if row is not None else None)
    return tuple(stamp)
