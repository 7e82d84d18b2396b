-- Schema 2: what the calendars say. All of it can be made again from the sources, so it
-- may be replaced wholesale by an import; none of it may delete user data: meetings are
-- referred to by their key text, never through a foreign key that could cascade.

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('file', 'url', 'caldav')),
    location        TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    content_hash    TEXT,          -- of the last good import: the same bytes again are skipped
    window_start    TEXT,          -- the materialised window and the zone it was made in
    window_end      TEXT,
    user_zone       TEXT,
    last_success_at TEXT,
    last_error      TEXT,
    last_error_at   TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (kind, location)
);

-- The last good content of each source, so a wider window or another zone needs no fetch.
CREATE TABLE source_content (
    source_id INTEGER PRIMARY KEY NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    data      BLOB NOT NULL
);

-- What the last good import of a source skipped or guessed (file, line, reason).
CREATE TABLE source_warnings (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    line      INTEGER,
    uid       TEXT,
    message   TEXT NOT NULL
);
CREATE INDEX source_warnings_by_source ON source_warnings(source_id);

-- Occurrences materialised for the window of each source.
CREATE TABLE occurrences (
    source_id      INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    uid            TEXT,
    recurrence_id  TEXT NOT NULL DEFAULT '',
    start_utc      TEXT NOT NULL,
    end_utc        TEXT NOT NULL,
    all_day        INTEGER NOT NULL CHECK (all_day IN (0, 1)),
    start_date     TEXT,
    end_date       TEXT,
    summary        TEXT NOT NULL DEFAULT '',
    location       TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    conference_url TEXT,
    status         TEXT,
    transp         TEXT NOT NULL DEFAULT 'OPAQUE',
    ms_busystatus  TEXT,
    organizer      TEXT,
    organizer_cn   TEXT,
    attendees      TEXT NOT NULL DEFAULT '[]',  -- JSON: [{email, cn, partstat, explicit, role, cutype}]
    sequence       INTEGER NOT NULL DEFAULT 0,
    tz             TEXT NOT NULL DEFAULT 'utc',
    zone           TEXT,                        -- IANA name of the organiser's zone, if known
    orphan         TEXT,
    range_future   INTEGER NOT NULL DEFAULT 0 CHECK (range_future IN (0, 1))
);
CREATE INDEX occurrences_by_start ON occurrences(start_utc);
CREATE INDEX occurrences_by_source ON occurrences(source_id, uid, recurrence_id);
