-- Due schedules by the database clock, locked until commit; rows another ticker holds are skipped
-- (and, in READ COMMITTED, a row whose next_run_at that ticker moved on is re-read and no longer
-- matches). now() comes along: the ticks are decided on it. The ids given are schedules this node
-- cannot read, left to others.
SELECT id, tenant, name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms, tags, metadata,
       missed, grace_ms, next_run_at, last_run_at, now()
FROM ${schema}.schedules
WHERE next_run_at <= now() AND paused_at IS NULL AND id <> ALL (?::uuid[])
ORDER BY next_run_at
LIMIT ?
FOR UPDATE SKIP LOCKED
