-- Creates or replaces a queue's limit. replaced: a row existed (the conflict's update sets xmax),
-- possibly one another transaction created after limit_current.sql found none.
INSERT INTO ${schema}.queue_limits AS l
  (queue, concurrency, partition_by, partition_concurrency, rate_limit, rate_period_ms, partition_rate_limit,
   partition_rate_period_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (queue) DO UPDATE
  SET concurrency = excluded.concurrency,
      partition_by = excluded.partition_by,
      partition_concurrency = excluded.partition_concurrency,
      rate_limit = excluded.rate_limit,
      rate_period_ms = excluded.rate_period_ms,
      partition_rate_limit = excluded.partition_rate_limit,
      partition_rate_period_ms = excluded.partition_rate_period_ms,
      updated_at = now()
RETURNING (l.xmax <> 0) AS replaced
