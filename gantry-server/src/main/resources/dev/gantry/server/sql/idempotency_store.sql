UPDATE ${schema}.idempotency_keys
SET response_status = ?, response_body = ?
WHERE api_key_id = ? AND key = ?
