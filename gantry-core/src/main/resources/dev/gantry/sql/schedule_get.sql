-- One schedule by tenant ('' for none) and name.
SELECT tenant, name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms, tags, metadata, missed,
       grace_ms, paused_at, next_run_at, last_run_at, last_job_id, created_at, updated_at
FROM ${schema}.schedules
WHERE coalesce(tenant, '') = ? AND name = ?
