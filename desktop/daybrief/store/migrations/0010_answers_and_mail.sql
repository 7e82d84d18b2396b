-- Schema 10: answers to invitations and the mail Daybrief sent or prepared.
-- pending_answers: an answer the user gave that their calendar does not show yet (a
-- read-only source was answered by an iMIP REPLY); kept until the calendar shows it, so
-- no refresh loses it. meeting_key is the UID for a series or a one-off, else
-- UID + RECURRENCE-ID (store.meetings.meeting_key); like acks, it refers by key text only.
CREATE TABLE pending_answers (
    meeting_key   TEXT PRIMARY KEY NOT NULL,
    uid           TEXT NOT NULL,
    recurrence_id TEXT NOT NULL DEFAULT '',
    partstat      TEXT NOT NULL CHECK (partstat IN ('ACCEPTED', 'TENTATIVE', 'DECLINED')),
    comment       TEXT NOT NULL DEFAULT '',
    previous      TEXT NOT NULL DEFAULT '',      -- what the calendar said before: once it says
                                                 -- something else, the calendar speaks again
    how           TEXT NOT NULL DEFAULT 'imip',  -- imip (mail sent or prepared) or caldav
    answered_at   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Every message sent or prepared: what, to whom, when, and how it went.
CREATE TABLE sent_mail (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,                 -- reply, draft, briefing, test
    subject     TEXT NOT NULL DEFAULT '',
    recipients  TEXT NOT NULL DEFAULT '[]',    -- JSON list of addresses
    status      TEXT NOT NULL CHECK (status IN ('sent', 'prepared', 'failed')),
    detail      TEXT NOT NULL DEFAULT '',      -- where a prepared message was saved, or why it failed
    meeting_key TEXT,
    message_id  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX sent_mail_by_time ON sent_mail(created_at);
