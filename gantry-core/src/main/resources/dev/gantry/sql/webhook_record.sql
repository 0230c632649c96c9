-- Records the attempts of deliveries claimed by webhook_claim.sql, many in one statement: the
-- outcome (still pending with its next due time, delivered or dead), the response's status code or
-- the failure, and an entry in the delivery's attempt log. Guarded by the attempt number, so a
-- node whose claim ran out and was taken over by another leaves the newer attempt alone.
WITH outcome AS (
  SELECT *
  FROM unnest(?::uuid[], ?::int[], ?::text[], ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[])
       AS o(id, attempt, state, status_code, error, started_ms, duration_ms, retry_in_ms)
)
UPDATE ${schema}.webhook_deliveries d
SET state = o.state,
    last_status_code = o.status_code,
    last_error = o.error,
    next_attempt_at = CASE WHEN o.state = 'pending' THEN now() + o.retry_in_ms * interval '1 millisecond'
                           ELSE d.next_attempt_at END,
    delivered_at = CASE WHEN o.state = 'delivered' THEN now() END,
    attempts = d.attempts || jsonb_build_array(jsonb_build_object(
                 'attempt', o.attempt,
                 'at', to_timestamp(o.started_ms / 1000.0),
                 'status_code', o.status_code,
                 'error', o.error,
                 'duration_ms', o.duration_ms,
                 'retry_in_ms', CASE WHEN o.state = 'pending' THEN o.retry_in_ms END))
FROM outcome o
WHERE d.id = o.id AND d.attempt = o.attempt AND d.state = 'pending'
RETURNING d.id
