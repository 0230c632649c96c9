-- Only a valid key is revoked, so the first revocation's time is kept.
UPDATE ${schema}.api_keys
SET revoked_at = now()
WHERE id = ? AND revoked_at IS NULL
RETURNING id, name, role, tenant, created_at, revoked_at, last_used_at
