-- An operator's retry of a finished job (dead, cancelled or completed): it moves back to the hot
-- table as available, with a fresh attempt count and its error history kept (its old result is not).
WITH moved AS (
  DELETE FROM ${schema}.finished_jobs
  WHERE id = ? AND state IN ('dead', 'cancelled', 'completed')
  RETURNING *
)
INSERT INTO ${schema}.jobs
  (id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata, errors,
   created_at, scheduled_at)
SELECT id, queue, kind, args, 'available', priority, 0, max_attempts, timeout_ms, unique_key, tags, metadata, errors,
       created_at, now()
FROM moved
RETURNING id
