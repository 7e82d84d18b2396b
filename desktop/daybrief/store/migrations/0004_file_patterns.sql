-- Schema 4 (planned as 0006 on main; renumber freely: nothing refers to the number).
-- User data, so additive only: existing rows keep every value.

-- A checklist item may point at a file or folder ("~/Clients/{client}/*QBR*.pptx"); it ticks
-- itself when a fresh matching file exists. done_by says who last set `done`: 'file' (such
-- an automatic tick, which the app may take back) or 'user' (never overridden, in either
-- direction: an untick by hand means "that file is not it"). NULL: nobody yet, or a row
-- from before this schema, whose ticks were all the user's.
ALTER TABLE template_items ADD COLUMN file_pattern TEXT;
ALTER TABLE checklist_items ADD COLUMN file_pattern TEXT;
ALTER TABLE checklist_items ADD COLUMN done_by TEXT
    CHECK (done_by IS NULL OR done_by IN ('user', 'file'));

-- The hygiene panel's "handled" / "ignore this one", per problem key (core/hygiene.py).
-- Keys name meetings by text, never by foreign key: an ack must not hold a meeting alive
-- nor vanish with one.
CREATE TABLE problem_acks (
    problem_key TEXT PRIMARY KEY NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('handled', 'ignored')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
