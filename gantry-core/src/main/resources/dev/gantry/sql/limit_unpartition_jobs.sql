-- After a queue's limit is removed: its jobs leave the limit's indexes (and cost them nothing more)
-- and its start log goes.
WITH unkeyed AS (
  UPDATE ${schema}.jobs j SET partition_key = NULL WHERE j.queue = ? AND j.partition_key IS NOT NULL
)
DELETE FROM ${schema}.queue_limit_starts s WHERE s.queue = ?
