-- Search: merge each full-text index into one segment. Bulk loads (the
-- demo desk, large imports) leave an index in many segments, and every
-- search walks each of them: on the 1M-claim desk merging halved a
-- search's CPU. New rows add small segments that FTS5 merges as it goes;
-- Store.OptimizeSearch does this again after a bulk load.
INSERT INTO claims_fts (claims_fts) VALUES ('optimize');
INSERT INTO notes_fts (notes_fts) VALUES ('optimize');
INSERT INTO comments_fts (comments_fts) VALUES ('optimize');
INSERT INTO titles_fts (titles_fts) VALUES ('optimize');

-- Document titles by id, without their bodies: the search page's document
-- menu and every result's title read them, and a document's row holds its
-- body, so each title read a page of its own.
CREATE INDEX documents_title ON documents (id, title);
