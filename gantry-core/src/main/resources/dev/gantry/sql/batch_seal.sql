-- Closes a batch to new members. No row: no such batch (for this tenant), or already sealed.
UPDATE ${schema}.batches
SET sealed_at = now()
WHERE id = ? AND sealed_at IS NULL AND (?::text IS NULL OR tenant = ?)
RETURNING id, pg_notify('${schema}_batch', id::text)
