-- Schema 11 (issue 17): whose calendar each source is, and its colour in the window.
--
-- role: mine (the user's own diary), others (another person's or a team's: only meetings
-- the user organises or attends count) or info (holidays, rosters: context only). It is
-- applied when occurrences are read, never written into them, so changing it takes effect
-- at once and touches nothing else.
-- role_set: 1 when the user chose the role, 0 when Daybrief guessed it on the first import
-- (role_reason then says why). Sources from before this schema were all treated as the
-- user's own, so they stay "mine", marked guessed, as they always were.
-- colour: #RRGGBB chosen by the user, or NULL for the window's default.

ALTER TABLE sources ADD COLUMN role TEXT NOT NULL DEFAULT 'mine'
    CHECK (role IN ('mine', 'others', 'info'));
ALTER TABLE sources ADD COLUMN role_set INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN role_reason TEXT;
ALTER TABLE sources ADD COLUMN colour TEXT;
UPDATE sources SET role_reason = 'added before calendars had roles: yours, as it always was';
