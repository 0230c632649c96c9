-- The job a remote worker reports on, locked while its outcome is written in the same
-- transaction, if the lease token is still its current one (and a tenant given owns it).
SELECT queue, kind, attempt, max_attempts, cancel_requested_at IS NOT NULL AS cancel_requested,
       (extract(epoch FROM now() - attempted_at) * 1000)::bigint AS run_ms
FROM ${schema}.jobs
WHERE id = ? AND state = 'running' AND lease_token = ? AND (?::text IS NULL OR tenant = ?)
FOR UPDATE
