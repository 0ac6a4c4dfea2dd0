-- Claims per status, kept by triggers: the queue shows its total on every
-- page, and counting a million rows each time is what made it slow. A status
-- added later gets its row from the first claim that has it.
CREATE TABLE claim_counts (
    status TEXT    PRIMARY KEY,
    n      INTEGER NOT NULL
);
INSERT INTO claim_counts (status, n)
    SELECT status, count(*) FROM claims GROUP BY status;

CREATE TRIGGER claim_counts_insert
AFTER INSERT ON claims
BEGIN
    INSERT INTO claim_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_counts_delete
AFTER DELETE ON claims
BEGIN
    UPDATE claim_counts SET n = n - 1 WHERE status = OLD.status;
END;

CREATE TRIGGER claim_counts_update
AFTER UPDATE OF status ON claims
WHEN OLD.status IS NOT NEW.status
BEGIN
    UPDATE claim_counts SET n = n - 1 WHERE status = OLD.status;
    INSERT INTO claim_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

-- One document's queue over every status ("Review these claims"): without
-- it, a page after the first walks every claim of the cursor's score.
CREATE INDEX claims_doc_score ON claims (document_id, score DESC, id);
