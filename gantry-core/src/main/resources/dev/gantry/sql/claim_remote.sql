-- Claim for a remote worker: up to N due jobs across several queues, optionally only some kinds
-- and one tenant, in priority, due time, id order. A separate statement so that the library
-- worker's claim.sql keeps its one-queue plan.
-- Each queue's candidates come from its own walk of the claim index (one walk cannot return
-- several queues in order), locked with SKIP LOCKED as they are found; the best N across the
-- queues are claimed, and the other candidates' locks end with the statement.
WITH no_flush AS MATERIALIZED (
  SELECT set_config('synchronous_commit', 'off', true)
),
candidates AS (
  SELECT c.id, c.priority, c.scheduled_at
  FROM unnest(?::text[]) AS q(queue)
  CROSS JOIN LATERAL (
    SELECT j.id, j.priority, j.scheduled_at
    FROM ${schema}.jobs j
    WHERE j.state = 'available' AND j.queue = q.queue
      AND (cardinality(?::text[]) = 0 OR j.kind = ANY (?::text[]))
      AND (?::text IS NULL OR j.tenant = ?)
    ORDER BY j.priority, j.scheduled_at, j.id
    LIMIT ?
    FOR UPDATE SKIP LOCKED
  ) c
),
picked AS (
  SELECT id FROM candidates ORDER BY priority, scheduled_at, id LIMIT ?
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
  RETURNING j.id, j.queue, j.kind, j.args, j.metadata, j.attempt, j.max_attempts, j.lease_token, j.lease_expires_at,
            j.tenant, j.created_at, j.priority, j.scheduled_at, j.attempted_at, j.watched, j.batch_id
)
-- In claim order, so that a worker that runs them one by one starts with the most urgent; watched
-- jobs tell their watchers they are running, and batch members their batch's followers.
SELECT c.* FROM claimed c
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', c.id::text) WHERE c.watched) n ON true
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_batch', c.batch_id::text) WHERE c.batch_id IS NOT NULL) b ON true
ORDER BY c.priority, c.scheduled_at, c.id
