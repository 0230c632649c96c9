-- Counts new members into an open batch. It locks the batch row until commit, so members added in
-- this transaction and outcomes of its other members are counted one after the other. No row: the
-- batch does not exist (for this tenant), is sealed, or was cancelled.
UPDATE ${schema}.batches
SET total = total + ?
WHERE id = ? AND sealed_at IS NULL AND cancel_requested_at IS NULL AND (?::text IS NULL OR tenant = ?)
RETURNING id, pg_notify('${schema}_batch', id::text)
