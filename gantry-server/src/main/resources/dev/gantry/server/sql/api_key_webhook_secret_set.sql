-- Sets a key's webhook signing secret: always when rotating (the second parameter true), else only
-- when it has none, so that two nodes making one for an old key at once keep the first.
UPDATE ${schema}.api_keys
SET webhook_secret = CASE WHEN ? OR webhook_secret IS NULL THEN ? ELSE webhook_secret END
WHERE id = ?
RETURNING id, name, role, tenant, created_at, revoked_at, last_used_at, webhook_secret
