-- The documents list reads its columns from this index. From the table,
-- reading created_at, which comes after the body, walked each body's
-- overflow pages: four page reads a document, a sixth of the list's time
-- on the 10,000-document desk.
CREATE INDEX documents_list ON documents (id, title, url, published_at, created_at);
