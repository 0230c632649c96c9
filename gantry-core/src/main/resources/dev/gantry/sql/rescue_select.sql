-- Running jobs whose lease ended by the database clock: their worker died, hung, or lost the
-- database. Locked until the rescuing transaction moves them on.
SELECT id, queue, kind, attempt, max_attempts, lease_token, worker_id, cancel_requested_at IS NOT NULL AS cancel_requested
FROM ${schema}.jobs
WHERE state = 'running' AND lease_expires_at < now()
ORDER BY lease_expires_at
LIMIT ?
FOR UPDATE SKIP LOCKED
