-- The queues that have a limit: their workers claim with limited_claim.sql.
SELECT l.queue FROM ${schema}.queue_limits l
