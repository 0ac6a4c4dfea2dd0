-- The documents list, and the export's fields of each document, are read
-- from this index. From the table, reading a column that comes after the
-- body (created_at, sha256) walked the body's overflow pages: four page
-- reads a document, a sixth of the list's time on the 10,000-document
-- desk, and 33,000 of the 270,000 reads of an export of every claim.
CREATE INDEX documents_list ON documents (id, title, url, published_at, created_at, publisher, sha256);
