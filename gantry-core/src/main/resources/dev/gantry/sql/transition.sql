-- Every way a claimed (or, with a null token, a not-yet-running) job leaves its current state,
-- for many jobs in one statement:
--   completed | dead | cancelled: the row moves from jobs to finished_jobs (one DELETE ... RETURNING
--                                 feeding one INSERT), with its result or last error;
--   retry | snooze:               the row goes back to scheduled/retryable/available; snooze does
--                                 not use up an attempt.
-- The guard on lease_token is what keeps a worker that lost its lease from touching the newer
-- attempt: its rows simply do not match. A transition that names a tenant changes only that
-- tenant's job. Returns the ids that were changed.
-- The rows are locked in id order before any is changed, as heartbeat.sql locks them, so that this
-- and a heartbeat over the same jobs never deadlock. The locked rows carry their input, so every
-- later step joins on the primary key only (a join back to the unnest() input would be planned as
-- a nested loop: quadratic in the batch size).
WITH input AS (
  SELECT *
  FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])
       AS i(id, token, outcome, result, error, delay_ms, tenant)
),
-- The lookup is a LATERAL subquery so that each input row finds its job by primary key: as a plain
-- join, a custom plan for a batch of 1,000 over a table of 50,000 jobs hashed the whole table (a
-- sequential scan per batch: 53 ms against 19 ms this way), and the planner's choice between the
-- two flipped with the table's size and statistics. The input is walked in id order and each
-- subquery locks its row as it goes, so the rows are still locked in id order.
locked AS (
  SELECT l.id, i.token, i.outcome, i.result, i.error, i.delay_ms
  FROM (SELECT * FROM input ORDER BY id) i
  CROSS JOIN LATERAL (
    SELECT j.id
    FROM ${schema}.jobs j
    WHERE j.id = i.id
      AND ((i.token IS NULL AND j.state <> 'running') OR (j.state = 'running' AND j.lease_token = i.token))
      AND (i.tenant IS NULL OR j.tenant = i.tenant)
    FOR UPDATE OF j
  ) l
),
finishing AS (
  DELETE FROM ${schema}.jobs j
  USING locked l
  WHERE j.id = l.id
    AND l.outcome IN ('completed', 'dead', 'cancelled')
    AND ((l.token IS NULL AND j.state <> 'running') OR (j.state = 'running' AND j.lease_token = l.token))
  RETURNING j.*, l.outcome, l.result, l.error
),
archived AS (
  INSERT INTO ${schema}.finished_jobs
    (id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
     errors, progress_percent, progress_message, result, created_at, scheduled_at, attempted_at, worker_id, watched,
     tenant, progress_items, batch_id, webhook_url, webhook_key)
  SELECT f.id, f.queue, f.kind, f.args, f.outcome, f.priority, f.attempt, f.max_attempts, f.timeout_ms, f.unique_key,
         f.tags, f.metadata,
         CASE WHEN f.error IS NULL THEN f.errors
              ELSE f.errors || jsonb_build_array(f.error::jsonb || jsonb_build_object('at', now())) END,
         f.progress_percent, f.progress_message, f.result::jsonb, f.created_at, f.scheduled_at, f.attempted_at,
         f.worker_id, f.watched, f.tenant, f.progress_items, f.batch_id, f.webhook_url, f.webhook_key
  FROM finishing f
  RETURNING id
),
requeued AS (
  UPDATE ${schema}.jobs j
  SET state = CASE WHEN i.delay_ms <= 0 THEN 'available'
                   WHEN i.outcome = 'retry' THEN 'retryable'
                   ELSE 'scheduled' END,
      scheduled_at = now() + i.delay_ms * interval '1 millisecond',
      attempt = CASE WHEN i.outcome = 'snooze' THEN j.attempt - 1 ELSE j.attempt END,
      errors = CASE WHEN i.error IS NULL THEN j.errors
                    ELSE j.errors || jsonb_build_array(i.error::jsonb || jsonb_build_object('at', now())) END,
      lease_token = NULL,
      lease_expires_at = NULL
  FROM locked i
  -- No "j.state = 'running'" here: locked already checked it (and holds the row lock), and with it
  -- the planner may drive this update from the partial lease index, scanning every running job
  -- once per locked row (quadratic: seconds per batch with tens of thousands running when the
  -- statistics still say few are). The token match alone keeps the same rows.
  WHERE j.id = i.id
    AND i.outcome IN ('retry', 'snooze')
    AND j.lease_token = i.token
  RETURNING j.id, j.queue, j.state, j.watched
)
SELECT id FROM archived
UNION ALL
SELECT id FROM requeued
UNION ALL
-- Jobs put straight back to available wake that queue's idle workers.
SELECT NULL::uuid FROM (SELECT DISTINCT queue FROM requeued WHERE state = 'available') q
                  CROSS JOIN LATERAL pg_notify('${schema}_wakeup', q.queue)
UNION ALL
-- Watched jobs put back tell their watchers (finished ones do so by the finished_jobs trigger).
SELECT NULL::uuid FROM (SELECT id FROM requeued WHERE watched) r
                  CROSS JOIN LATERAL pg_notify('${schema}_changed', r.id::text)
