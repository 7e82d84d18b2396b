-- Schema 7: two links for follow-ups.
-- due_before: a follow-up due "before my next meeting with this client" keeps that meeting's
-- key, so its due date follows the meeting when it moves.
-- ical_uid: a follow-up that came from a task app's ICS (VTODO) keeps that UID, so importing
-- the same file again updates it instead of adding it twice.
ALTER TABLE follow_ups ADD COLUMN due_before TEXT REFERENCES meetings(meeting_key) ON DELETE RESTRICT;
ALTER TABLE follow_ups ADD COLUMN ical_uid TEXT;
CREATE UNIQUE INDEX follow_ups_by_ical_uid ON follow_ups(ical_uid) WHERE ical_uid IS NOT NULL;
CREATE INDEX follow_ups_by_due_before ON follow_ups(due_before) WHERE due_before IS NOT NULL;
