-- The queue leaves dismissed sentences out, and its deep pages choose their
-- fifty claims from index entries alone before reading any row: an index
-- holding only the claims in the queue answers that without reading each
-- candidate's row to test dismissed. Status queues use the first, the
-- unfiltered queue the second.
CREATE INDEX claims_queue_live ON claims (status, score DESC, id) WHERE dismissed = 0;
CREATE INDEX claims_score_live ON claims (score DESC, id) WHERE dismissed = 0;

-- They replace the indexes of every claim by status and by score: every
-- query that used those leaves dismissed sentences out too, and each index
-- a status change moves is more pages the single writer writes.
DROP INDEX claims_queue;
DROP INDEX claims_score;
