-- The queue's limit as it is, locked until the change commits: claims of the queue wait meanwhile
-- (they lock this row first), and the change knows whether the jobs' partitions must be redone.
SELECT l.partition_by FROM ${schema}.queue_limits l WHERE l.queue = ? FOR UPDATE
