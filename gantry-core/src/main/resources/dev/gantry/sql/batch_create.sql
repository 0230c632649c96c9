-- A new batch, open: batch_grow.sql counts its members in, batch_seal.sql closes it. Callbacks as
-- finish_batch() reads them.
INSERT INTO ${schema}.batches (tenant, metadata, callbacks)
VALUES (?, ?::jsonb, ?::jsonb)
RETURNING id
