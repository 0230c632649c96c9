-- Oldest first, so the list reads in the order keys were handed out.
SELECT id, name, role, tenant, created_at, revoked_at, last_used_at
FROM ${schema}.api_keys
ORDER BY created_at, id
