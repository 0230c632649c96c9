-- Make due delayed and retrying jobs available, a bounded batch at a time, and wake their queues
-- (and the watchers of watched ones).
WITH due AS (
  SELECT id
  FROM ${schema}.jobs
  WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= now()
  ORDER BY scheduled_at
  LIMIT ?
  FOR UPDATE SKIP LOCKED
),
staged AS (
  UPDATE ${schema}.jobs j SET state = 'available'
  FROM due WHERE j.id = due.id
  RETURNING j.id, j.queue, j.watched
)
SELECT q.queue, q.n FROM (SELECT queue, count(*) AS n FROM staged GROUP BY queue) q
CROSS JOIN LATERAL pg_notify('${schema}_wakeup', q.queue)
UNION ALL
SELECT NULL, 0 FROM (SELECT id FROM staged WHERE watched) s CROSS JOIN LATERAL pg_notify('${schema}_changed', s.id::text)
