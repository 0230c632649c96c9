SELECT request_hash, response_status, response_body
FROM ${schema}.idempotency_keys
WHERE api_key_id = ? AND key = ?
