-- Schema 3: a digest of every VEVENT block of each source's last good content, with its
-- UID, so a re-import parses only the blocks that changed (and the series they belong to).

CREATE TABLE source_blocks (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    digest    BLOB NOT NULL,
    uid       TEXT
);
CREATE INDEX source_blocks_by_source ON source_blocks(source_id, digest);
-- "Is this UID still in the calendar?" for meetings outside the materialised window.
CREATE INDEX source_blocks_by_uid ON source_blocks(source_id, uid);

-- Digest of everything outside the VEVENT blocks (VTIMEZONEs, X-WR-TIMEZONE, ...): when it
-- changes, every event may read differently, so the next import is a full one.
ALTER TABLE sources ADD COLUMN frame_digest BLOB;
