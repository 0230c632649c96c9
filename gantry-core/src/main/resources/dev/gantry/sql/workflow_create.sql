-- A new workflow: a batch of kind 'workflow', sealed at once with all its steps counted (a
-- workflow's steps are all new jobs, so none can be a duplicate). Callbacks as finish_batch() reads them.
INSERT INTO ${schema}.batches (kind, name, tenant, metadata, callbacks, total, sealed_at, webhook_url, webhook_key)
VALUES ('workflow', ?, ?, ?::jsonb, ?::jsonb, ?, now(), ?, ?)
RETURNING id
