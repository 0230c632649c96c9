-- Extend the leases of the jobs this worker still holds, in one statement. A row that does not
-- come back was rescued, given back or finished elsewhere: the worker has lost that lease.
-- The rows are locked in id order first, as transition.sql locks them: a heartbeat and a batch of
-- outcomes for the same jobs (which the heartbeat renews until they are written) then wait for
-- each other instead of deadlocking.
-- Each job is found by primary key in a LATERAL subquery, as in transition.sql (a plain join may
-- be planned as a hash over the whole table: a sequential scan behind a deep backlog).
WITH held AS (
  SELECT l.id
  FROM (SELECT * FROM unnest(?::uuid[], ?::uuid[]) AS h(id, token) ORDER BY id) h
  CROSS JOIN LATERAL (
    SELECT j.id
    FROM ${schema}.jobs j
    WHERE j.id = h.id AND j.state = 'running' AND j.lease_token = h.token
    FOR UPDATE OF j
  ) l
)
UPDATE ${schema}.jobs j
SET lease_expires_at = now() + ? * interval '1 millisecond'
FROM held
WHERE j.id = held.id
RETURNING j.id, j.cancel_requested_at IS NOT NULL AS cancel_requested
