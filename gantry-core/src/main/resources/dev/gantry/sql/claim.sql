-- Claim up to N due jobs of one queue in one statement: SKIP LOCKED lets any number of workers
-- claim side by side without waiting on each other. Each claim gets a fresh lease token and a
-- lease that ends by the database clock. Watched jobs come back marked: the caller tells their
-- watchers (notify_changed.sql), so that a claim of unwatched jobs costs nothing more; batch
-- members tell their batch's followers here.
WITH no_flush AS MATERIALIZED (
  SELECT set_config('synchronous_commit', 'off', true)
),
picked AS (
  SELECT id
  FROM ${schema}.jobs
  WHERE state = 'available' AND queue = ?
  ORDER BY priority, scheduled_at, id
  LIMIT ?
  FOR UPDATE SKIP LOCKED
),
claimed AS (
  UPDATE ${schema}.jobs j
  SET state = 'running',
      attempt = j.attempt + 1,
      attempted_at = now(),
      lease_token = gen_random_uuid(),
      lease_expires_at = now() + ? * interval '1 millisecond',
      worker_id = ?
  FROM picked, no_flush
  WHERE j.id = picked.id
  RETURNING j.id, j.queue, j.kind, j.args, j.metadata, j.priority, j.attempt, j.max_attempts, j.timeout_ms, j.lease_token,
            j.cancel_requested_at IS NOT NULL AS cancel_requested, j.watched,
            j.batch_id
)
-- A batch's running count changed: whoever follows the batch hears of it at commit (one
-- notification per batch: identical ones in a transaction are delivered once).
SELECT c.* FROM claimed c
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_batch', c.batch_id::text) WHERE c.batch_id IS NOT NULL) n ON true
