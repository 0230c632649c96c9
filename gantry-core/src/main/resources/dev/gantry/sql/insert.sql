-- Bulk insert: one row per array element, in one statement. Ids are generated here, by the
-- database, so that their time order is the database's. Unique keys are de-duplicated by the
-- caller within one call; a key that an unfinished job of the same tenant already holds returns
-- that job's id (the no-op update lets RETURNING see it, and xmax <> 0 tells it was not inserted).
-- Keys are unique per tenant, so a duplicate never reveals another tenant's job. A batch without
-- unique keys uses insert_plain.sql instead: keep the two statements' columns and expressions alike.
-- waiting_on is a workflow step's count of unfinished dependencies (above 0: the job is pending);
-- plain jobs send an empty array, which unnest pads with nulls. So do jobs without webhooks for
-- webhook_url and webhook_key (the webhook's signing key, see migration 8).
WITH input AS MATERIALIZED (
  SELECT ${schema}.uuid_v7() AS id, i.*
  FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[])
       WITH ORDINALITY AS i(queue, kind, args, priority, max_attempts, timeout_ms, unique_key, tags, metadata,
                            run_at, delay_ms, tenant, waiting_on, webhook_url, webhook_key, ord)
),
inserted AS (
  INSERT INTO ${schema}.jobs AS j
    (id, queue, kind, args, state, priority, max_attempts, timeout_ms, unique_key, tags, metadata, scheduled_at, tenant,
     batch_id, waiting_on, webhook_url, webhook_key)
  SELECT input.id, input.queue, input.kind, input.args::jsonb,
         CASE WHEN input.waiting_on > 0 THEN 'pending' WHEN due.at <= now() THEN 'available' ELSE 'scheduled' END,
         input.priority, input.max_attempts, input.timeout_ms, input.unique_key,
         CASE WHEN input.tags = '[]' THEN '{}'::text[] ELSE ARRAY(SELECT jsonb_array_elements_text(input.tags::jsonb)) END,
         input.metadata::jsonb, due.at, input.tenant,
         ?::uuid, -- the batch all of them join, or null
         coalesce(input.waiting_on, 0), input.webhook_url, input.webhook_key
  FROM input
  CROSS JOIN LATERAL (SELECT coalesce(input.run_at::timestamptz, now() + input.delay_ms * interval '1 millisecond') AS at) due
  ORDER BY input.ord
  ON CONFLICT ((coalesce(tenant, '')), unique_key) WHERE unique_key IS NOT NULL
    DO UPDATE SET unique_key = excluded.unique_key
  RETURNING j.id, j.unique_key, coalesce(j.tenant, '') AS tenant_key, (j.xmax <> 0) AS duplicate, j.queue, j.state
)
-- Two equality joins (hashable) rather than one join on an OR, which can only be a nested loop:
-- quadratic in the number of rows, seconds for a few thousand jobs. A new row carries its input's
-- id; a duplicate carries the existing job's id, found by its tenant and key (unique within one call).
SELECT input.ord, inserted.id, inserted.duplicate
FROM inserted
JOIN input ON input.id = inserted.id
WHERE NOT inserted.duplicate
UNION ALL
SELECT input.ord, inserted.id, inserted.duplicate
FROM inserted
JOIN input ON input.unique_key = inserted.unique_key AND coalesce(input.tenant, '') = inserted.tenant_key
-- The no-op update locked the existing job's row until commit; a worker claiming meanwhile passed
-- over it (SKIP LOCKED). If that job is available, wake its queue again (delivered at commit).
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_wakeup', inserted.queue) WHERE inserted.state = 'available') wake ON true
WHERE inserted.duplicate
