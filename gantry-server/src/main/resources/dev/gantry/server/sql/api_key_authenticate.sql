-- Read on every request, so a revocation counts from the next request on.
SELECT id, name, role, tenant, created_at, revoked_at, last_used_at, secret_hash,
       last_used_at IS NULL OR last_used_at < now() - interval '1 minute' AS touch
FROM ${schema}.api_keys
WHERE id = ?
