-- Gives every unfinished job of the queue its partition under the queue's (new) limit: those
-- enqueued before the queue had one, and all of them when what makes a partition changed. Running
-- jobs too, so that they count against the limit from its first claim on. One pass over the hot
-- table (no index has the queue alone), run only when a limit is made or its partitions change.
UPDATE ${schema}.jobs j
SET partition_key = ${schema}.partition_key_of(?, j.tenant, j.kind, j.args)
WHERE j.queue = ?
  AND j.partition_key IS DISTINCT FROM ${schema}.partition_key_of(?, j.tenant, j.kind, j.args)
