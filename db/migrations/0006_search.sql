-- Full-text search (SQLite FTS5) over claims, review notes, comments and
-- document titles, and the indexes the dashboard reads through.
-- FTS5 is SQLite-only: db/search.go is the one file that queries these tables.

-- External-content tables: the text stays in its own table, FTS5 keeps only
-- the index, and highlight()/snippet() read the text back by rowid. The
-- column names match the content tables' columns for that reason.
-- porter stems English words (rates finds rate); unicode61 folds case and,
-- with remove_diacritics 2, accents.
CREATE VIRTUAL TABLE claims_fts USING fts5 (
    text, content = 'claims', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE notes_fts USING fts5 (
    note, content = 'status_history', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title, content = 'documents', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Claims: text never changes today, but the index must not drift if it does.
CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER claims_fts_update AFTER UPDATE OF text ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
END;

-- Notes: status_history is append-only (its triggers refuse UPDATE and
-- DELETE), so an insert trigger is all it needs. Rows without a note are not
-- indexed.
CREATE TRIGGER notes_fts_insert AFTER INSERT ON status_history WHEN new.note <> '' BEGIN
    INSERT INTO notes_fts (rowid, note) VALUES (new.id, new.note);
END;

-- Document titles may be edited some day; bodies never are.
CREATE TRIGGER titles_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER titles_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER titles_fts_update AFTER UPDATE OF title ON documents BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;

-- What was there before this migration.
INSERT INTO claims_fts (rowid, text) SELECT id, text FROM claims;
INSERT INTO notes_fts (rowid, note) SELECT id, note FROM status_history WHERE note <> '';
INSERT INTO titles_fts (rowid, title) SELECT id, title FROM documents;

-- Comments (0004_team.sql) are append-only like the history: an insert
-- trigger keeps their index.
CREATE VIRTUAL TABLE comments_fts USING fts5 (
    body, content = 'comments', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts (rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO comments_fts (rowid, body) SELECT id, body FROM comments;

-- Dashboard: work per reviewer per day reads a range of history by time
-- (covering: no table lookups). Progress counts leave dismissed sentences
-- out; by kind they read a partial index of the claims not dismissed, from
-- the index alone (by status and by document they read counter tables).
CREATE INDEX status_history_time_user ON status_history (created_at, user_id);
CREATE INDEX claims_live_kind ON claims (kind, status) WHERE dismissed = 0;
