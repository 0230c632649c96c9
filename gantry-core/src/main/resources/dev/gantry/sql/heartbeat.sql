-- Extend the leases of the jobs this worker still holds, in one statement. A row that does not
-- come back was rescued, given back or finished elsewhere: the worker has lost that lease.
-- The rows are locked in id order first, as transition.sql locks them: a heartbeat and a batch of
-- outcomes for the same jobs (which the heartbeat renews until they are written) then wait for
-- each other instead of deadlocking.
WITH held AS (
  SELECT j.id
  FROM ${schema}.jobs j
  JOIN unnest(?::uuid[], ?::uuid[]) AS h(id, token) ON j.id = h.id
  WHERE j.state = 'running' AND j.lease_token = h.token
  ORDER BY j.id
  FOR UPDATE OF j
)
UPDATE ${schema}.jobs j
SET lease_expires_at = now() + ? * interval '1 millisecond'
FROM held
WHERE j.id = held.id
RETURNING j.id, j.cancel_requested_at IS NOT NULL AS cancel_requested
