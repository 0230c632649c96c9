-- Resumes a paused schedule (locked by schedule_lock.sql) from its next tick after now().
UPDATE ${schema}.schedules
SET paused_at = NULL, next_run_at = ?, updated_at = now()
WHERE coalesce(tenant, '') = ? AND name = ? AND paused_at IS NOT NULL
RETURNING tenant, name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms, tags, metadata, missed,
          grace_ms, paused_at, next_run_at, last_run_at, last_job_id, created_at, updated_at
