-- One counter table for the claims in the queue (not dismissed): by kind,
-- status and whether they are assigned. claim_counts (by status and
-- assignment) and kind_counts (by kind and status) held the same totals
-- cut two ways, so every status change updated both: two pages for the
-- single writer to write, and two triggers for every claim an import adds.
-- The totals by status or by kind are sums of a few dozen rows.
DROP TRIGGER claim_counts_insert;
DROP TRIGGER claim_counts_delete;
DROP TRIGGER claim_counts_update;
DROP TABLE claim_counts;
DROP TRIGGER kind_counts_insert;
DROP TRIGGER kind_counts_delete;
DROP TRIGGER kind_counts_update;
DROP TABLE kind_counts;

CREATE TABLE claim_counts (
    kind     TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    assigned INTEGER NOT NULL CHECK (assigned IN (0, 1)),
    n        INTEGER NOT NULL,
    PRIMARY KEY (kind, status, assigned)
) WITHOUT ROWID;
INSERT INTO claim_counts (kind, status, assigned, n)
    SELECT kind, status, assignee_id IS NOT NULL, count(*) FROM claims WHERE dismissed = 0
    GROUP BY kind, status, assignee_id IS NOT NULL;

CREATE TRIGGER claim_counts_insert
AFTER INSERT ON claims
WHEN NEW.dismissed = 0
BEGIN
    INSERT INTO claim_counts (kind, status, assigned, n) VALUES (NEW.kind, NEW.status, NEW.assignee_id IS NOT NULL, 1)
        ON CONFLICT (kind, status, assigned) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_counts_delete
AFTER DELETE ON claims
WHEN OLD.dismissed = 0
BEGIN
    UPDATE claim_counts SET n = n - 1
        WHERE kind = OLD.kind AND status = OLD.status AND assigned = (OLD.assignee_id IS NOT NULL);
END;

-- A change of status, kind, dismissal or assignment moves the claim from
-- one count to another (or out of the counts, or back in).
CREATE TRIGGER claim_counts_update
AFTER UPDATE OF status, dismissed, kind, assignee_id ON claims
WHEN OLD.status IS NOT NEW.status OR OLD.dismissed IS NOT NEW.dismissed OR OLD.kind IS NOT NEW.kind
  OR (OLD.assignee_id IS NULL) IS NOT (NEW.assignee_id IS NULL)
BEGIN
    UPDATE claim_counts SET n = n - 1
        WHERE OLD.dismissed = 0 AND kind = OLD.kind AND status = OLD.status AND assigned = (OLD.assignee_id IS NOT NULL);
    INSERT INTO claim_counts (kind, status, assigned, n)
        SELECT NEW.kind, NEW.status, NEW.assignee_id IS NOT NULL, 1 WHERE NEW.dismissed = 0
        ON CONFLICT (kind, status, assigned) DO UPDATE SET n = n + 1;
END;
