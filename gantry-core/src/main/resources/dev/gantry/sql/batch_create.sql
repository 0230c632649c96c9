-- A new batch, open (sealed later) or sealed at once; callbacks as finish_batch() reads them.
INSERT INTO ${schema}.batches (tenant, metadata, callbacks, sealed_at)
VALUES (?, ?::jsonb, ?::jsonb, CASE WHEN ? THEN now() END)
RETURNING id
