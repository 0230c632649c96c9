-- An operator's retry of a finished job (dead, cancelled or completed): it moves back to the hot
-- table as available, with a fresh attempt count and its error history kept (its old result and
-- progress are not). A tenant given (not null) must own the job. A watched job stays watched, and
-- its watchers hear of the move (the insert does not fire the update trigger that tells them).
-- Its webhook is kept: it is called again when the retried job finishes.
WITH moved AS (
  DELETE FROM ${schema}.finished_jobs
  WHERE id = ? AND state IN ('dead', 'cancelled', 'completed') AND (?::text IS NULL OR tenant = ?)
  RETURNING *
),
requeued AS (
  INSERT INTO ${schema}.jobs
    (id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata, errors,
     created_at, scheduled_at, tenant, watched, webhook_url, webhook_key)
  SELECT id, queue, kind, args, 'available', priority, 0, max_attempts, timeout_ms, unique_key, tags, metadata, errors,
         created_at, now(), tenant, watched, webhook_url, webhook_key
  FROM moved
  RETURNING id, watched
)
SELECT r.id FROM requeued r
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', r.id::text) WHERE r.watched) n ON true
