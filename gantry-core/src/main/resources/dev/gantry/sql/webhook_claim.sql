-- Claims up to N due webhook deliveries (by the database clock) in one short statement, so that
-- no transaction stays open while their HTTP requests run: each one's attempt is counted and it is
-- moved out of reach for the attempt's longest run (the lease), after which a delivery whose node
-- died while sending is due again. SKIP LOCKED lets any number of nodes claim side by side.
-- A node claims only what it can sign: deliveries without a signing key (the node's own secret)
-- when it has a secret, those with one when it resolves signing keys.
WITH due AS (
  SELECT id
  FROM ${schema}.webhook_deliveries
  WHERE state = 'pending' AND next_attempt_at <= now()
    AND CASE WHEN webhook_key IS NULL THEN ?::boolean ELSE ?::boolean END
  ORDER BY next_attempt_at, id
  LIMIT ?
  FOR UPDATE SKIP LOCKED
)
UPDATE ${schema}.webhook_deliveries d
SET attempt = d.attempt + 1,
    next_attempt_at = now() + ? * interval '1 millisecond'
FROM due
WHERE d.id = due.id
RETURNING d.id, d.subject_id, d.url, d.webhook_key, d.event, d.payload::text AS body, d.attempt,
          floor(extract(epoch FROM now()) * 1000)::bigint AS claimed_at_ms
