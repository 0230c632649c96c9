-- A schedule's expression and pause, locked until commit (resume computes its next tick from them),
-- with the database's clock.
SELECT cron, time_zone, paused_at, now()
FROM ${schema}.schedules
WHERE coalesce(tenant, '') = ? AND name = ?
FOR UPDATE
