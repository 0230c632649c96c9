-- Asks the workers running a batch's members to stop, as request_cancel.sql does for one job.
WITH flagged AS (
  UPDATE ${schema}.jobs
  SET cancel_requested_at = coalesce(cancel_requested_at, now())
  WHERE batch_id = ? AND state = 'running'
  RETURNING id, watched
)
SELECT f.id FROM flagged f
CROSS JOIN LATERAL pg_notify('${schema}_control', 'cancel:' || f.id::text)
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', f.id::text) WHERE f.watched) n ON true
