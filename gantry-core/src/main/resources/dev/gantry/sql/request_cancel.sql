-- Ask the worker running a job to stop: the flag is seen by its next heartbeat, and the NOTIFY on
-- the control channel reaches it at once on whichever node it runs; a watched job's watchers hear
-- of it too. A tenant given (not null) must own the job.
WITH flagged AS (
  UPDATE ${schema}.jobs
  SET cancel_requested_at = coalesce(cancel_requested_at, now())
  WHERE id = ? AND state = 'running' AND (?::text IS NULL OR tenant = ?)
  RETURNING id, watched
)
SELECT f.id FROM flagged f
CROSS JOIN LATERAL pg_notify('${schema}_control', 'cancel:' || f.id::text)
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', f.id::text) WHERE f.watched) n ON true
