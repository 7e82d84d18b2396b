-- Schema 5: what the user last saw of each day's briefing, for "what changed since you last
-- looked" (issue 6). Derived from the calendars at the time, so it may be pruned freely; it
-- points at nothing and nothing points at it, and it is not part of the user-data backup.

CREATE TABLE briefing_looks (
    day        TEXT PRIMARY KEY NOT NULL
               CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    seen_at    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The day's meetings as shown then; meeting_ref is the instance key (UID + RECURRENCE-ID).
CREATE TABLE briefing_seen (
    day         TEXT NOT NULL REFERENCES briefing_looks(day) ON DELETE CASCADE,
    meeting_ref TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    start_utc   TEXT NOT NULL,
    end_utc     TEXT NOT NULL,
    unconfirmed INTEGER NOT NULL DEFAULT 0 CHECK (unconfirmed IN (0, 1)),
    cancelled   INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    PRIMARY KEY (day, meeting_ref)
);
