-- Personal API tokens. Only the SHA-256 of a token is stored, so a copy of the
-- database hands out no working token; prefix is its first characters, shown
-- in the list so that people can tell their tokens apart.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT    NOT NULL,
    token_sha256 TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT    NOT NULL DEFAULT '',
    revoked_at   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- A published claim has a public page carrying its ClaimReview. Unpublishing
-- deletes the row; publication_events keeps who did what, and when.
CREATE TABLE claim_publications (
    claim_id     INTEGER PRIMARY KEY REFERENCES claims (id),
    published_by INTEGER NOT NULL REFERENCES users (id),
    published_at TEXT    NOT NULL
);

CREATE TABLE publication_events (
    id         INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    action     TEXT    NOT NULL CHECK (action IN ('publish', 'unpublish')),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL
);
CREATE INDEX publication_events_claim ON publication_events (claim_id, id);

CREATE TRIGGER publication_events_no_update
BEFORE UPDATE ON publication_events
BEGIN
    SELECT RAISE(ABORT, 'publication_events is append-only');
END;

CREATE TRIGGER publication_events_no_delete
BEFORE DELETE ON publication_events
BEGIN
    SELECT RAISE(ABORT, 'publication_events is append-only');
END;

-- Export and API filters: claims a user reviewed, and claims by last change.
CREATE INDEX status_history_user ON status_history (user_id, claim_id);
CREATE INDEX claims_updated ON claims (updated_at, id);
