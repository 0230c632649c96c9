-- Bulk insert of jobs none of which has a unique key: insert.sql without ON CONFLICT, which makes
-- every row a speculative insertion, and without joining the inserted rows back to the input.
-- Every row is inserted or the statement fails, so the ids made in the input are the answer.
-- Keep the column list and the state, tags and due-time expressions the same as insert.sql's.
WITH input AS MATERIALIZED (
  SELECT ${schema}.uuid_v7() AS id, i.*
  FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[])
       WITH ORDINALITY AS i(queue, kind, args, priority, max_attempts, timeout_ms, unique_key, tags, metadata,
                            run_at, delay_ms, tenant, waiting_on, webhook_url, webhook_key, ord)
),
inserted AS (
  INSERT INTO ${schema}.jobs
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
)
SELECT input.ord, input.id, false AS duplicate
FROM input
