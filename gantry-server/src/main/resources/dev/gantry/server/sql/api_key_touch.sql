-- At most one write a minute per key, so that busy keys do not turn every request into a write.
UPDATE ${schema}.api_keys
SET last_used_at = now()
WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
