-- Schema 14: calendar secrets on a machine without a keyring (a server, a cron job). The
-- address and user name of a source, as JSON, by the same reference the keyring would use;
-- never a password (that comes from the source's password command each time). The store
-- is readable by its owner only. An empty secret marks a "this session only" source, so a
-- later refresh of all sources can pass it over instead of failing on it every time.

CREATE TABLE local_secrets (
    secret_ref TEXT PRIMARY KEY NOT NULL,
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
