INSERT INTO ${schema}.api_keys (id, name, role, tenant, secret_hash, webhook_secret)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING id, name, role, tenant, created_at, revoked_at, last_used_at
