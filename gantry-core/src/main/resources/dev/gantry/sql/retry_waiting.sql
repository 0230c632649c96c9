-- An operator's retry of a job waiting for its time: run it now, and wake its queue's idle workers
-- (an UPDATE does not fire the insert trigger that wakes them for new jobs), and its watchers if it
-- is watched. A tenant given (not null) must own the job.
WITH retried AS (
  UPDATE ${schema}.jobs SET state = 'available', scheduled_at = now()
  WHERE id = ? AND state IN ('scheduled', 'retryable') AND (?::text IS NULL OR tenant = ?)
  RETURNING id, queue, watched
)
SELECT r.id FROM retried r
CROSS JOIN LATERAL pg_notify('${schema}_wakeup', r.queue)
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', r.id::text) WHERE r.watched) n ON true
