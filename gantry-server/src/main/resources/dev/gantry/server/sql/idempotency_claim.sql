-- Takes an Idempotency-Key for this request, before its work, in the work's transaction. A
-- concurrent request with the same key waits here for that transaction, then finds the key
-- taken (no row returned) and replays the stored response. A key older than 24 hours is free.
INSERT INTO ${schema}.idempotency_keys AS k (api_key_id, key, request_hash)
VALUES (?, ?, ?)
ON CONFLICT (api_key_id, key) DO UPDATE
  SET request_hash = excluded.request_hash, response_status = NULL, response_body = NULL, created_at = now()
  WHERE k.created_at < now() - interval '24 hours'
RETURNING true
