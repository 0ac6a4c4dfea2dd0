-- Security: the audit log and login throttling.

-- Security events (logins, logouts, user and role changes, tokens), for
-- admins to read. Append-only like status_history. actor_id and target_id
-- are plain numbers, not foreign keys, so that removing a user never has to
-- touch the log; actor and target keep the names as they were.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    created_at TEXT    NOT NULL,
    event      TEXT    NOT NULL,
    actor_id   INTEGER NOT NULL DEFAULT 0,
    actor      TEXT    NOT NULL DEFAULT '',
    target_id  INTEGER NOT NULL DEFAULT 0,
    target     TEXT    NOT NULL DEFAULT '',
    ip         TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_event ON audit_log (event, id);

CREATE TRIGGER audit_log_no_update
BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete
BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Failed logins per key: one row per account name (hashed) and one per
-- client address. last_attempt may lie in the future: it is the slot the
-- next allowed attempt was given. Rows are forgotten after forget_at.
CREATE TABLE login_throttle (
    key          TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL CHECK (failures >= 0),
    last_attempt TEXT    NOT NULL,
    forget_at    TEXT    NOT NULL
);
CREATE INDEX login_throttle_forget ON login_throttle (forget_at);
