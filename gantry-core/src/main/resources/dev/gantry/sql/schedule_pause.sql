-- Pauses a schedule: no tick enqueues a job until it is resumed. Pausing a paused one changes nothing.
UPDATE ${schema}.schedules
SET paused_at = coalesce(paused_at, now()), next_run_at = NULL,
    updated_at = CASE WHEN paused_at IS NULL THEN now() ELSE updated_at END
WHERE coalesce(tenant, '') = ? AND name = ?
RETURNING tenant, name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms, tags, metadata, missed,
          grace_ms, paused_at, next_run_at, last_run_at, last_job_id, created_at, updated_at
