-- Extend the leases of the jobs this worker still holds, in one statement. A row that does not
-- come back was rescued, given back or finished elsewhere: the worker has lost that lease.
UPDATE ${schema}.jobs j
SET lease_expires_at = now() + ? * interval '1 millisecond'
FROM unnest(?::uuid[], ?::uuid[]) AS h(id, token)
WHERE j.id = h.id AND j.state = 'running' AND j.lease_token = h.token
RETURNING j.id, j.cancel_requested_at IS NOT NULL AS cancel_requested
