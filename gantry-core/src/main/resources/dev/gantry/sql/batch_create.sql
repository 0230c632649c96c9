-- A new batch, open: batch_grow.sql counts its members in, batch_seal.sql closes it. Callbacks as
-- finish_batch() reads them. The webhook (url and signing key, or nulls) is called once it finishes.
INSERT INTO ${schema}.batches (tenant, metadata, callbacks, webhook_url, webhook_key)
VALUES (?, ?::jsonb, ?::jsonb, ?, ?)
RETURNING id
