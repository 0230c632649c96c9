SELECT l.queue, l.concurrency, l.partition_by, l.partition_concurrency, l.rate_limit, l.rate_period_ms,
       l.partition_rate_limit, l.partition_rate_period_ms
FROM ${schema}.queue_limits l
WHERE l.queue = ?
