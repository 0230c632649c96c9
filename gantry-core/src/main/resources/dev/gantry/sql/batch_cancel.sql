-- Marks a batch cancelled and seals it (no member can join a cancelled batch); a finished batch
-- stays as it finished. Returns the batch whether or not it was already cancelled or finished; no
-- row: no such batch (for this tenant).
UPDATE ${schema}.batches
SET cancel_requested_at = CASE WHEN finished_at IS NULL THEN coalesce(cancel_requested_at, now()) ELSE cancel_requested_at END,
    sealed_at = coalesce(sealed_at, now())
WHERE id = ? AND (?::text IS NULL OR tenant = ?)
RETURNING id, pg_notify('${schema}_batch', id::text)
