-- Timestamps are UTC text in one fixed-width format (see db.timeFormat), so they
-- sort as text and read well in the sqlite3 shell.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'reviewer', 'viewer')),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL
);

-- Sessions live on the server so that logout and disabling a user end them at
-- once. id is the SHA-256 of the cookie token: a copy of the database does not
-- hand out live sessions.
CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    data       TEXT    NOT NULL DEFAULT '{}',
    created_at TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Small server-side settings, such as the hash of the one-time setup token.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- body is stored normalized and never changed: every claim's offsets point into it.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    title        TEXT    NOT NULL,
    url          TEXT    NOT NULL DEFAULT '',
    publisher    TEXT    NOT NULL DEFAULT '',
    published_at TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users (id),
    created_at   TEXT    NOT NULL
);
CREATE INDEX documents_created ON documents (created_at DESC, id DESC);

CREATE TRIGGER documents_body_immutable
BEFORE UPDATE OF body, sha256 ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents.body is immutable');
END;

-- start and end are Unicode code point offsets into documents.body.
CREATE TABLE claims (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    start        INTEGER NOT NULL CHECK (start >= 0),
    "end"        INTEGER NOT NULL CHECK ("end" > start),
    text         TEXT    NOT NULL,
    score        REAL    NOT NULL DEFAULT 0,
    kind         TEXT    NOT NULL DEFAULT '',
    speaker      TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'unverified'
                         CHECK (status IN ('unverified', 'confirmed', 'disputed')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (document_id, start, "end")
);
-- The queue: filtered by status and/or document, ordered by score.
CREATE INDEX claims_queue ON claims (status, score DESC, id);
CREATE INDEX claims_doc_queue ON claims (document_id, status, score DESC, id);
CREATE INDEX claims_score ON claims (score DESC, id);

-- Append-only: a status change adds a row; nothing edits or removes one.
CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id),
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
);
CREATE INDEX status_history_claim ON status_history (claim_id, id);

CREATE TRIGGER status_history_no_update
BEFORE UPDATE ON status_history
BEGIN
    SELECT RAISE(ABORT, 'status_history is append-only');
END;

CREATE TRIGGER status_history_no_delete
BEFORE DELETE ON status_history
BEGIN
    SELECT RAISE(ABORT, 'status_history is append-only');
END;
