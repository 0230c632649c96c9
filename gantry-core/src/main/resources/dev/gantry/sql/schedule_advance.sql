-- Moves a due schedule (locked by schedule_due.sql) to its next tick, recording the job its tick
-- enqueued (NULL last run and job when the tick enqueued none: a skipped one keeps the previous).
-- Guarded on the tick it was due at and on the last tick run, so no tick is ever run twice.
UPDATE ${schema}.schedules
SET next_run_at = ?,
    last_run_at = coalesce(?, last_run_at),
    last_job_id = coalesce(?, last_job_id)
WHERE id = ? AND next_run_at = ? AND paused_at IS NULL
  AND (?::timestamptz IS NULL OR last_run_at IS NULL OR last_run_at < ?)
