-- Deletes up to N delivered or dead webhook deliveries made longer ago than the retention (in
-- milliseconds, by the database clock), oldest first. Pending ones are never pruned.
DELETE FROM ${schema}.webhook_deliveries
WHERE id IN (
  SELECT id
  FROM ${schema}.webhook_deliveries
  WHERE state <> 'pending' AND created_at < now() - ? * interval '1 millisecond'
  ORDER BY created_at
  LIMIT ?
)
