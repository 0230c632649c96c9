-- An operator's retry of a job waiting for its time: run it now.
UPDATE ${schema}.jobs SET state = 'available', scheduled_at = now()
WHERE id = ? AND state IN ('scheduled', 'retryable')
RETURNING id
