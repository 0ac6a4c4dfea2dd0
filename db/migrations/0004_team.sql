-- Team review work: dismissals, assignment, comments and mentions, evidence,
-- second opinions and the activity feed.

-- A dismissed sentence is "not a claim": it leaves the queue and the
-- progress counts but keeps its status and history, and can be restored.
ALTER TABLE claims ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1));
ALTER TABLE claims ADD COLUMN dismiss_reason TEXT NOT NULL DEFAULT '';
-- The reviewer a claim is assigned to, if any.
ALTER TABLE claims ADD COLUMN assignee_id INTEGER REFERENCES users (id);
-- "My queue": one reviewer's claims by score.
CREATE INDEX claims_assignee ON claims (assignee_id, score DESC, id) WHERE assignee_id IS NOT NULL;

-- What a history row records. Every row before this migration is a status
-- change, so the default is what old rows mean (the history chain hashes
-- this column only when it differs from 'status'). A dismiss or restore row
-- keeps from_status = to_status = the claim's status, so a claim's status
-- is always its last history row's to_status.
ALTER TABLE status_history ADD COLUMN action TEXT NOT NULL DEFAULT 'status'
    CHECK (action IN ('status', 'dismiss', 'restore'));

-- The append-only rule of 0003_history_chain.sql, with action among the
-- columns that sealing a row may not change.
DROP TRIGGER status_history_no_update;
CREATE TRIGGER status_history_no_update
BEFORE UPDATE ON status_history
WHEN OLD.hash <> '' OR length(NEW.hash) <> 64
  OR NEW.id IS NOT OLD.id
  OR NEW.claim_id IS NOT OLD.claim_id
  OR NEW.from_status IS NOT OLD.from_status
  OR NEW.to_status IS NOT OLD.to_status
  OR NEW.user_id IS NOT OLD.user_id
  OR NEW.note IS NOT OLD.note
  OR NEW.created_at IS NOT OLD.created_at
  OR NEW.action IS NOT OLD.action
BEGIN
    SELECT RAISE(ABORT, 'status_history is append-only');
END;

-- Comments on a claim; append-only like the history they sit beside.
CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX comments_claim ON comments (claim_id, id);
CREATE TRIGGER comments_no_update BEFORE UPDATE ON comments
BEGIN
    SELECT RAISE(ABORT, 'comments are append-only');
END;
CREATE TRIGGER comments_no_delete BEFORE DELETE ON comments
BEGIN
    SELECT RAISE(ABORT, 'comments are append-only');
END;

-- A user's inbox: @mentions in comments and requests for a second opinion.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('mention', 'opinion')),
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    comment_id INTEGER REFERENCES comments (id),
    actor_id   INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
-- The unread count is read on every page.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Evidence: a link attached to a claim, or to one status change of it.
CREATE TABLE evidence (
    id         INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    history_id INTEGER REFERENCES status_history (id),
    url        TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    excerpt    TEXT    NOT NULL DEFAULT '',
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL
);
CREATE INDEX evidence_claim ON evidence (claim_id, id);
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN
    SELECT RAISE(ABORT, 'evidence is append-only');
END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN
    SELECT RAISE(ABORT, 'evidence is append-only');
END;

-- A second opinion: an editor asks second_user for an independent verdict
-- on a claim whose current verdict (first_status, given by first_user in
-- history row first_history_id) they do not see until they answer. The
-- request closes once: answered (second_status, second_note, second_at) or
-- withdrawn by an editor (cancelled_by, second_at, no second_status).
CREATE TABLE second_opinions (
    id               INTEGER PRIMARY KEY,
    claim_id         INTEGER NOT NULL REFERENCES claims (id),
    requested_by     INTEGER NOT NULL REFERENCES users (id),
    requested_at     TEXT    NOT NULL,
    first_user_id    INTEGER NOT NULL REFERENCES users (id),
    first_status     TEXT    NOT NULL CHECK (first_status IN ('unverified', 'confirmed', 'disputed')),
    first_history_id INTEGER NOT NULL REFERENCES status_history (id),
    second_user_id   INTEGER NOT NULL REFERENCES users (id),
    second_status    TEXT    CHECK (second_status IN ('unverified', 'confirmed', 'disputed')),
    second_note      TEXT    NOT NULL DEFAULT '',
    second_at        TEXT,
    cancelled_by     INTEGER REFERENCES users (id),
    CHECK (second_user_id <> first_user_id),
    CHECK (second_status IS NULL OR second_at IS NOT NULL),
    CHECK (cancelled_by IS NULL OR (second_at IS NOT NULL AND second_status IS NULL)),
    CHECK (second_at IS NULL OR second_status IS NOT NULL OR cancelled_by IS NOT NULL)
);
-- At most one open request (second_at IS NULL) per claim.
CREATE UNIQUE INDEX second_opinions_open ON second_opinions (claim_id) WHERE second_at IS NULL;
CREATE INDEX second_opinions_claim ON second_opinions (claim_id, id);
CREATE INDEX second_opinions_pending ON second_opinions (second_user_id) WHERE second_at IS NULL;
CREATE TRIGGER second_opinions_answer_once BEFORE UPDATE ON second_opinions
WHEN OLD.second_at IS NOT NULL
    OR NEW.claim_id IS NOT OLD.claim_id OR NEW.requested_by IS NOT OLD.requested_by
    OR NEW.requested_at IS NOT OLD.requested_at OR NEW.first_user_id IS NOT OLD.first_user_id
    OR NEW.first_status IS NOT OLD.first_status OR NEW.first_history_id IS NOT OLD.first_history_id
    OR NEW.second_user_id IS NOT OLD.second_user_id
BEGIN
    SELECT RAISE(ABORT, 'a second opinion is closed once and never edited');
END;
CREATE TRIGGER second_opinions_no_delete BEFORE DELETE ON second_opinions
BEGIN
    SELECT RAISE(ABORT, 'second opinions are kept');
END;

-- The activity feed: who did what, when, globally and per document. One row
-- per action, written in the action's transaction.
CREATE TABLE activity (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT    NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    action          TEXT    NOT NULL,
    document_id     INTEGER REFERENCES documents (id),
    claim_id        INTEGER REFERENCES claims (id),
    subject_user_id INTEGER REFERENCES users (id), -- assignee, second reviewer
    from_status     TEXT    NOT NULL DEFAULT '',
    to_status       TEXT    NOT NULL DEFAULT '',
    detail          TEXT    NOT NULL DEFAULT ''    -- a short excerpt: note, reason, comment
);
CREATE INDEX activity_document ON activity (document_id, id);
CREATE INDEX activity_claim ON activity (claim_id, id);

-- Status changes made before this migration join the feed.
INSERT INTO activity (created_at, user_id, action, document_id, claim_id, from_status, to_status, detail)
SELECT h.created_at, h.user_id, 'status', c.document_id, h.claim_id, h.from_status, h.to_status, substr(h.note, 1, 200)
FROM status_history h JOIN claims c ON c.id = h.claim_id
ORDER BY h.id;
