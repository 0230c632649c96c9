-- Creates a schedule, or replaces the definition of the one with the same name in the same tenant.
-- next_run_at (the first tick after now(), computed by the caller) is taken for a new schedule, and
-- for an existing one only when its expression or time zone changed: defining a schedule again as
-- it was (every node does at startup) leaves its ticks alone, and leaves updated_at as it was. A
-- paused schedule stays paused. created: no schedule had the name before; changed: something did.
INSERT INTO ${schema}.schedules AS s
  (tenant, name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms, tags, metadata, missed,
   grace_ms, next_run_at)
VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::text[], ?::jsonb, ?, ?, ?)
ON CONFLICT ((coalesce(tenant, '')), name) DO UPDATE
SET cron = excluded.cron, time_zone = excluded.time_zone, kind = excluded.kind, args = excluded.args,
    queue = excluded.queue, priority = excluded.priority, max_attempts = excluded.max_attempts,
    timeout_ms = excluded.timeout_ms, tags = excluded.tags, metadata = excluded.metadata, missed = excluded.missed,
    grace_ms = excluded.grace_ms,
    next_run_at = CASE WHEN s.paused_at IS NOT NULL THEN NULL
                       WHEN (s.cron, s.time_zone) IS DISTINCT FROM (excluded.cron, excluded.time_zone)
                         THEN excluded.next_run_at
                       ELSE s.next_run_at END,
    updated_at = CASE WHEN (s.cron, s.time_zone, s.kind, s.args, s.queue, s.priority, s.max_attempts, s.timeout_ms,
                            s.tags, s.metadata, s.missed, s.grace_ms)
                           IS DISTINCT FROM
                           (excluded.cron, excluded.time_zone, excluded.kind, excluded.args, excluded.queue,
                            excluded.priority, excluded.max_attempts, excluded.timeout_ms, excluded.tags,
                            excluded.metadata, excluded.missed, excluded.grace_ms)
                      THEN now() ELSE s.updated_at END
RETURNING s.tenant, s.name, s.cron, s.time_zone, s.kind, s.args, s.queue, s.priority, s.max_attempts, s.timeout_ms,
          s.tags, s.metadata, s.missed, s.grace_ms, s.paused_at, s.next_run_at, s.last_run_at, s.last_job_id,
          s.created_at, s.updated_at, (s.xmax = 0) AS created, (s.updated_at = now()) AS changed
