-- Schema 12: follow-ups kept in step with a CalDAV task list (VTODO).
-- notes: the follow-up's own text beyond its one line (the task's DESCRIPTION).
ALTER TABLE follow_ups ADD COLUMN notes TEXT NOT NULL DEFAULT '';

-- The one task list this store is connected to (at most one row). Secrets are not here:
-- secret_ref names the keyring entry; display_url is the redacted scheme://host/… form.
CREATE TABLE task_list (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    secret_ref     TEXT NOT NULL,
    display_url    TEXT NOT NULL,
    list_name      TEXT NOT NULL,
    password_command TEXT,          -- run at each sync for the password (none kept then)
    sync_token     TEXT,            -- RFC 6578 token of the tasks below (NULL: list by ETags)
    connected_at   TEXT NOT NULL,
    last_sync_at   TEXT,            -- the last sync that reached the server and finished
    last_error     TEXT,            -- the last failure's one-line reason (redacted)
    last_error_at  TEXT
);

-- One row per task in the list that is (or was) a follow-up here: the server's copy as last
-- seen (kept whole, so properties Daybrief does not know are written back untouched) and
-- the follow-up's fields as last agreed with the server, the base of the 3-way merge.
-- A follow-up deleted here leaves its row (follow_up_id NULL) until the server's task is
-- deleted too: that row is the queued deletion.
CREATE TABLE follow_up_tasks (
    uid          TEXT PRIMARY KEY NOT NULL,
    follow_up_id INTEGER UNIQUE REFERENCES follow_ups(id) ON DELETE SET NULL,
    href         TEXT,              -- the task's path on the server; NULL: never written yet
    etag         TEXT,
    base         TEXT,              -- JSON of the synced fields; NULL: never agreed
    data         TEXT               -- the task (VCALENDAR text) as the server last gave it
);
