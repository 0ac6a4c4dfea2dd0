-- Tamper-evident history: every status_history row carries a SHA-256 hash of
-- the previous row's hash and its own content (see db/history.go, chainHash).
-- Rows written before this migration get their hashes from a Go step that
-- runs right after migrations (Store.sealHistory); until then hash is ''.
ALTER TABLE status_history ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE status_history ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- A new row must extend the chain: it carries a hash, links to the last row
-- and comes after it. SQL cannot compute SHA-256, so the hash itself is
-- checked by `factdesk verify`; this refuses any write path that forgets
-- the chain instead of leaving a silent gap.
CREATE TRIGGER status_history_chain_insert
BEFORE INSERT ON status_history
WHEN length(NEW.hash) <> 64
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM status_history ORDER BY id DESC LIMIT 1), '')
  OR NEW.id <= coalesce((SELECT max(id) FROM status_history), 0)
BEGIN
    SELECT RAISE(ABORT, 'status_history rows must extend the hash chain');
END;

-- Still append-only. The one update allowed is sealing a row that has no
-- hash yet (rows from before this migration), and it may set only the hash
-- columns: a sealed row can never change, and sealing cannot rewrite content.
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
BEGIN
    SELECT RAISE(ABORT, 'status_history is append-only');
END;
