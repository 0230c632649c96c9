-- The webhook deliveries of one job or batch, oldest first; a tenant given (not null) must own them.
SELECT id, subject, subject_id, tenant, url, event, payload, state, attempt, next_attempt_at, last_status_code,
       last_error, attempts, created_at, delivered_at
FROM ${schema}.webhook_deliveries
WHERE subject_id = ? AND (?::text IS NULL OR tenant = ?)
ORDER BY id
