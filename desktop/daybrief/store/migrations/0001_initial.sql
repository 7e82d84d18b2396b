-- Schema 1: the user's own data (SPEC §3). Irreplaceable, so:
--  * nothing here is deleted by cascade from anything calendar-derived (those tables come in
--    0002 and may only point *at* meetings, never be pointed at with ON DELETE CASCADE);
--  * every table has created_at/updated_at (ISO 8601 UTC text, "...Z");
--  * booleans are 0/1 with CHECKs; dates are 'YYYY-MM-DD'; no STRICT tables, so stores stay
--    readable by the older SQLite of LTS distributions.

PRAGMA application_id = 1147238726;  -- 'DayF': tells a Daybrief store from any other SQLite file

-- The meetings the user attached data to, by identity (SPEC §2/§3): UID alone for a whole
-- series, UID + RECURRENCE-ID for one instance. The snapshot lets data of a meeting that left
-- the calendar still be shown ("no longer in your calendar").
CREATE TABLE meetings (
    meeting_key   TEXT PRIMARY KEY NOT NULL,
    uid           TEXT NOT NULL,
    recurrence_id TEXT NOT NULL DEFAULT '',
    summary       TEXT NOT NULL DEFAULT '',
    start_utc     TEXT,
    calendar      TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A template's items belong to it: deleting the template (a user action) deletes them.
CREATE TABLE template_items (
    id          INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    required    INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX template_items_by_template ON template_items(template_id, position);

CREATE TABLE checklist_items (
    id               INTEGER PRIMARY KEY,
    meeting_key      TEXT NOT NULL REFERENCES meetings(meeting_key) ON DELETE RESTRICT,
    text             TEXT NOT NULL,
    required         INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    done             INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    position         INTEGER NOT NULL,
    -- Where an item came from, so applying a template twice adds nothing; a deleted template
    -- item only forgets the origin, the user's checklist item stays.
    template_item_id INTEGER REFERENCES template_items(id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (meeting_key, template_item_id)
);
CREATE INDEX checklist_items_by_meeting ON checklist_items(meeting_key, position);

-- Which templates were applied to which meeting: rules apply a template once, so an item the
-- user deleted is not brought back by the next refresh.
CREATE TABLE template_applications (
    meeting_key TEXT NOT NULL REFERENCES meetings(meeting_key) ON DELETE RESTRICT,
    template_id INTEGER NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (meeting_key, template_id)
);

CREATE TABLE clients (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Lower-case email domains; several per client after a merge (acme.com + acme.co.uk).
CREATE TABLE client_domains (
    domain     TEXT PRIMARY KEY NOT NULL CHECK (domain = lower(domain) AND domain <> ''),
    client_id  INTEGER NOT NULL REFERENCES clients(id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX client_domains_by_client ON client_domains(client_id);

CREATE TABLE follow_ups (
    id          INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    due_date    TEXT CHECK (due_date IS NULL OR due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    client_id   INTEGER REFERENCES clients(id) ON DELETE RESTRICT,
    meeting_key TEXT REFERENCES meetings(meeting_key) ON DELETE RESTRICT,
    done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    done_at     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX follow_ups_by_due ON follow_ups(due_date);
CREATE INDEX follow_ups_by_client ON follow_ups(client_id);
CREATE INDEX follow_ups_by_meeting ON follow_ups(meeting_key);

CREATE TABLE notes (
    meeting_key TEXT PRIMARY KEY NOT NULL REFERENCES meetings(meeting_key) ON DELETE RESTRICT,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE goals (
    id         INTEGER PRIMARY KEY,
    day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    text       TEXT NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX goals_by_day ON goals(day, position);

-- value's meaning by kind: title_keyword → a word of the title; client → a client id as text;
-- external_attendees → ''; recurring_series → a series UID ('' for every recurring meeting).
CREATE TABLE rules (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL
                CHECK (kind IN ('title_keyword', 'client', 'external_attendees', 'recurring_series')),
    value       TEXT NOT NULL DEFAULT '',
    template_id INTEGER NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX rules_by_template ON rules(template_id);

-- One JSON document per key (canonical: sorted keys, no spaces).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- "No reminder twice, even after a restart" (SPEC §5).
CREATE TABLE reminders (
    reminder_key  TEXT PRIMARY KEY NOT NULL,
    shown_at      TEXT,
    snoozed_until TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Orphaned meetings the user has acknowledged; their data stays (it is never deleted).
CREATE TABLE dismissed_orphans (
    meeting_key TEXT PRIMARY KEY NOT NULL REFERENCES meetings(meeting_key) ON DELETE RESTRICT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
