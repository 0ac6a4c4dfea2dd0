-- Claims in the queue (not dismissed) by status and by whether they are
-- assigned, kept by triggers: the queue shows its total on every page, and
-- counting a million rows each time is what made it slow. A status added
-- later gets its row from the first claim that has it.
CREATE TABLE claim_counts (
    status   TEXT    NOT NULL,
    assigned INTEGER NOT NULL CHECK (assigned IN (0, 1)),
    n        INTEGER NOT NULL,
    PRIMARY KEY (status, assigned)
);
INSERT INTO claim_counts (status, assigned, n)
    SELECT status, assignee_id IS NOT NULL, count(*) FROM claims WHERE dismissed = 0
    GROUP BY status, assignee_id IS NOT NULL;

CREATE TRIGGER claim_counts_insert
AFTER INSERT ON claims
WHEN NEW.dismissed = 0
BEGIN
    INSERT INTO claim_counts (status, assigned, n) VALUES (NEW.status, NEW.assignee_id IS NOT NULL, 1)
        ON CONFLICT (status, assigned) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_counts_delete
AFTER DELETE ON claims
WHEN OLD.dismissed = 0
BEGIN
    UPDATE claim_counts SET n = n - 1 WHERE status = OLD.status AND assigned = (OLD.assignee_id IS NOT NULL);
END;

-- A change of status, dismissal or assignment moves the claim from one
-- count to another (or out of the counts, or back in).
CREATE TRIGGER claim_counts_update
AFTER UPDATE OF status, dismissed, assignee_id ON claims
WHEN OLD.status IS NOT NEW.status OR OLD.dismissed IS NOT NEW.dismissed
  OR (OLD.assignee_id IS NULL) IS NOT (NEW.assignee_id IS NULL)
BEGIN
    UPDATE claim_counts SET n = n - 1
        WHERE OLD.dismissed = 0 AND status = OLD.status AND assigned = (OLD.assignee_id IS NOT NULL);
    INSERT INTO claim_counts (status, assigned, n)
        SELECT NEW.status, NEW.assignee_id IS NOT NULL, 1 WHERE NEW.dismissed = 0
        ON CONFLICT (status, assigned) DO UPDATE SET n = n + 1;
END;

-- The same per document, for the progress the document list shows for
-- each of its fifty documents: counted with a dismissed flag that no index
-- holds, that was two thirds of the list's time.
CREATE TABLE doc_counts (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    status      TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (document_id, status)
);
INSERT INTO doc_counts (document_id, status, n)
    SELECT document_id, status, count(*) FROM claims WHERE dismissed = 0 GROUP BY document_id, status;

CREATE TRIGGER doc_counts_insert
AFTER INSERT ON claims
WHEN NEW.dismissed = 0
BEGIN
    INSERT INTO doc_counts (document_id, status, n) VALUES (NEW.document_id, NEW.status, 1)
        ON CONFLICT (document_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER doc_counts_delete
AFTER DELETE ON claims
WHEN OLD.dismissed = 0
BEGIN
    UPDATE doc_counts SET n = n - 1 WHERE document_id = OLD.document_id AND status = OLD.status;
END;

CREATE TRIGGER doc_counts_update
AFTER UPDATE OF status, dismissed, document_id ON claims
WHEN OLD.status IS NOT NEW.status OR OLD.dismissed IS NOT NEW.dismissed OR OLD.document_id IS NOT NEW.document_id
BEGIN
    UPDATE doc_counts SET n = n - 1
        WHERE OLD.dismissed = 0 AND document_id = OLD.document_id AND status = OLD.status;
    INSERT INTO doc_counts (document_id, status, n)
        SELECT NEW.document_id, NEW.status, 1 WHERE NEW.dismissed = 0
        ON CONFLICT (document_id, status) DO UPDATE SET n = n + 1;
END;

-- One document's queue over every status ("Review these claims"): without
-- it, a page after the first walks every claim of the cursor's score.
CREATE INDEX claims_doc_score ON claims (document_id, score DESC, id);
