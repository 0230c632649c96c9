-- A remote worker renews its lease on one job, by lease token, and may record progress in the
-- same write (a null field keeps what is stored). No row back: the lease is not current, or a
-- tenant was given and does not own the job.
UPDATE ${schema}.jobs
SET lease_expires_at = now() + ? * interval '1 millisecond',
    progress_percent = coalesce(?::smallint, progress_percent),
    progress_message = coalesce(?::text, progress_message),
    progress_items = coalesce(?::jsonb, progress_items)
WHERE id = ? AND state = 'running' AND lease_token = ? AND (?::text IS NULL OR tenant = ?)
RETURNING cancel_requested_at IS NOT NULL AS cancel_requested, lease_expires_at
