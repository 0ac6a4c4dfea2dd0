-- Where a claim came from: 'extract' for factdesk's extractor, 'added' for a
-- claim placed by another tool or by hand (Store.AddClaims). factdesk
-- reextract replaces only the extractor's own claims. Claims stored before
-- this column existed count as the extractor's: nothing else recorded it.
ALTER TABLE claims ADD COLUMN origin TEXT NOT NULL DEFAULT 'extract'
    CHECK (origin IN ('extract', 'added'));

-- 0 for a document imported without extraction (import --no-extract): its
-- claims come from elsewhere, and factdesk reextract leaves it alone.
ALTER TABLE documents ADD COLUMN extracted INTEGER NOT NULL DEFAULT 1
    CHECK (extracted IN (0, 1));
