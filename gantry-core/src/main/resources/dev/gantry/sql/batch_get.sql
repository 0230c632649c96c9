-- One batch with its live counts: the finished ones from its row, the running ones from the
-- members index (an index range over running members only). A tenant given must own it.
SELECT b.id, b.tenant, b.metadata, b.total, b.completed, b.dead, b.cancelled, b.created_at, b.sealed_at,
       b.cancel_requested_at, b.finished_at,
       (SELECT count(*) FROM ${schema}.jobs j WHERE j.batch_id = b.id AND j.state = 'running') AS running
FROM ${schema}.batches b
WHERE b.id = ? AND (?::text IS NULL OR b.tenant = ?)
