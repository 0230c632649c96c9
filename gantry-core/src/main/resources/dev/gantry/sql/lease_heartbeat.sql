-- A remote worker renews its lease on one job, by lease token, and may record progress in the
-- same write (a null field keeps what is stored; the boolean says whether any progress was
-- given, which a watched job then tells its watchers). No row back: the lease is not current, or
-- a tenant was given and does not own the job.
WITH renewed AS (
  UPDATE ${schema}.jobs
  SET lease_expires_at = now() + ? * interval '1 millisecond',
      progress_percent = coalesce(?::smallint, progress_percent),
      progress_message = coalesce(?::text, progress_message),
      progress_items = coalesce(?::jsonb, progress_items)
  WHERE id = ? AND state = 'running' AND lease_token = ? AND (?::text IS NULL OR tenant = ?)
  RETURNING id, watched, cancel_requested_at IS NOT NULL AS cancel_requested, lease_expires_at
)
SELECT r.cancel_requested, r.lease_expires_at FROM renewed r
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', r.id::text) WHERE r.watched AND ?::boolean) n ON true
