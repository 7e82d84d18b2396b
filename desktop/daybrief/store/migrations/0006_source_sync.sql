-- Schema 4 (source sync): how each network source is fetched again. Like the calendar cache
-- it can be made again (by a full fetch), so nothing here refers to the user's data.
-- Secrets are not here: secret_ref names the keyring entry holding the address, user name
-- and password; display_url is the redacted scheme://host/… form.

CREATE TABLE source_sync (
    source_id      INTEGER PRIMARY KEY NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    secret_ref     TEXT NOT NULL UNIQUE,
    display_url    TEXT NOT NULL,
    calendar_name  TEXT,            -- CalDAV: the calendar picked on the server
    etag           TEXT,            -- ICS URL: validators for a conditional request
    last_modified  TEXT,
    sync_token     TEXT,            -- CalDAV: RFC 6578 token of the objects below
    fetched_start  TEXT,            -- CalDAV: the time range the objects were fetched for
    fetched_end    TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,  -- failed attempts in a row (back-off)
    last_attempt_at TEXT,
    next_retry_at  TEXT
);

-- CalDAV: the last good copy of each calendar object, so a sync fetches only what changed.
CREATE TABLE caldav_objects (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    href      TEXT NOT NULL,        -- the object's path on the server (no host, no password)
    etag      TEXT,
    data      BLOB NOT NULL,
    PRIMARY KEY (source_id, href)
);
