SELECT id, name, role, tenant, created_at, revoked_at, last_used_at
FROM ${schema}.api_keys
WHERE id = ?
