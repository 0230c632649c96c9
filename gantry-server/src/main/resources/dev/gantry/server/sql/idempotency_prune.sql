-- One batch of keys past their 24 hours, oldest first; rows in use are skipped, not waited for.
DELETE FROM ${schema}.idempotency_keys
WHERE (api_key_id, key) IN (
  SELECT api_key_id, key FROM ${schema}.idempotency_keys
  WHERE created_at < now() - interval '24 hours'
  ORDER BY created_at
  LIMIT ?
  FOR UPDATE SKIP LOCKED)
