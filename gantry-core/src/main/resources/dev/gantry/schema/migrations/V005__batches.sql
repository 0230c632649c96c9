-- Gantry schema, version 5: batches. A batch is a set of jobs enqueued together, with live counts
-- and callback jobs enqueued exactly once when the last member finishes.
--
-- The finished counts live on the batch row and are kept by the statement trigger that already
-- counts finished jobs per queue: one UPDATE per batch per outcome statement, so reading a batch of
-- 100,000 jobs is one row plus a count of its running members (an index range). Counts only grow:
-- pruning finished members does not change them, and a member retried by an operator leaves its
-- batch (retry_finished.sql does not copy batch_id), so a finished batch stays finished.
-- Every change of a batch's counts or state NOTIFYs <schema>_batch with its id, for readers that
-- follow a batch's progress.

CREATE TABLE ${schema}.batches (
  id                  uuid        PRIMARY KEY DEFAULT ${schema}.uuid_v7(),
  tenant              text,
  metadata            jsonb       NOT NULL DEFAULT '{}',
  -- Callback jobs by when they fire: {"success": {...}, "failure": {...}, "complete": {...}}, each
  -- {"kind", "args", "queue", "priority", "max_attempts", "timeout_ms", "metadata"}; see finish_batch().
  callbacks           jsonb       NOT NULL DEFAULT '{}',
  total               integer     NOT NULL DEFAULT 0,
  completed           integer     NOT NULL DEFAULT 0,
  dead                integer     NOT NULL DEFAULT 0,
  cancelled           integer     NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  -- No member can be added once sealed; a batch can finish only once sealed.
  sealed_at           timestamptz,
  cancel_requested_at timestamptz,
  finished_at         timestamptz
);

CREATE INDEX batches_tenant_idx ON ${schema}.batches (tenant, id) WHERE tenant IS NOT NULL;

ALTER TABLE ${schema}.jobs ADD COLUMN batch_id uuid;
ALTER TABLE ${schema}.finished_jobs ADD COLUMN batch_id uuid;

-- A batch's unfinished members by state (its running count, its cancellation), and its finished
-- ones. Partial: jobs outside batches cost these indexes nothing.
CREATE INDEX jobs_batch_idx ON ${schema}.jobs (batch_id, state) WHERE batch_id IS NOT NULL;
CREATE INDEX finished_jobs_batch_idx ON ${schema}.finished_jobs (batch_id, id) WHERE batch_id IS NOT NULL;

-- Marks a sealed batch whose members have all finished as finished, and enqueues its callbacks:
-- "complete" always, "success" when every member completed and the batch was not cancelled,
-- "failure" when any member is dead.
-- The guard on finished_at, checked under the batch row's lock, makes this happen once however
-- many transactions finish members at the same moment: the UPDATE of one waits for the other's
-- commit and then sees finished_at set. Callback jobs carry the batch in metadata.batch_id and
-- belong to the batch's tenant.
CREATE FUNCTION ${schema}.finish_batch(batch uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  b ${schema}.batches;
BEGIN
  UPDATE ${schema}.batches t
  SET finished_at = now()
  WHERE t.id = batch AND t.finished_at IS NULL AND t.sealed_at IS NOT NULL
    AND t.completed + t.dead + t.cancelled >= t.total
  RETURNING * INTO b;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO ${schema}.jobs (queue, kind, args, state, priority, max_attempts, timeout_ms, metadata, tenant)
  SELECT coalesce(w.c ->> 'queue', 'default'), w.c ->> 'kind', coalesce(w.c -> 'args', '{}'), 'available',
         coalesce((w.c ->> 'priority')::smallint, 0), (w.c ->> 'max_attempts')::integer, (w.c ->> 'timeout_ms')::bigint,
         coalesce(w.c -> 'metadata', '{}') || jsonb_build_object('batch_id', b.id, 'batch_callback', w.name),
         b.tenant
  FROM (VALUES ('success', b.completed = b.total AND b.cancel_requested_at IS NULL),
               ('failure', b.dead > 0),
               ('complete', true)) AS f(name, fires)
  CROSS JOIN LATERAL (SELECT f.name, b.callbacks -> f.name AS c) w
  WHERE f.fires AND w.c IS NOT NULL
  ORDER BY f.name;
END $$;

CREATE OR REPLACE FUNCTION ${schema}.finished_jobs_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  b record;
BEGIN
  INSERT INTO ${schema}.finished_counts AS c (queue, state, count)
  SELECT queue, state, count(*) FROM new_rows GROUP BY queue, state ORDER BY queue, state
  ON CONFLICT (queue, state) DO UPDATE SET count = c.count + excluded.count;
  -- Wake anyone awaiting these jobs (awaitCompletion sets watched).
  PERFORM pg_notify('${schema}_finished', id::text) FROM new_rows WHERE watched;
  -- Count finished batch members; batches locked in id order, so two outcome statements over the
  -- same batches wait for each other rather than deadlock.
  FOR b IN
    UPDATE ${schema}.batches t
    SET completed = t.completed + n.completed, dead = t.dead + n.dead, cancelled = t.cancelled + n.cancelled
    FROM (SELECT batch_id,
                 count(*) FILTER (WHERE state = 'completed') AS completed,
                 count(*) FILTER (WHERE state = 'dead') AS dead,
                 count(*) FILTER (WHERE state = 'cancelled') AS cancelled
          FROM new_rows WHERE batch_id IS NOT NULL GROUP BY batch_id ORDER BY batch_id) n
    WHERE t.id = n.batch_id
    RETURNING t.id, t.sealed_at, t.finished_at, t.completed + t.dead + t.cancelled >= t.total AS all_finished
  LOOP
    IF b.sealed_at IS NOT NULL AND b.finished_at IS NULL AND b.all_finished THEN
      PERFORM ${schema}.finish_batch(b.id);
    END IF;
    -- Whoever follows the batch (a progress bar) hears of the new counts at commit.
    PERFORM pg_notify('${schema}_batch', b.id::text);
  END LOOP;
  RETURN NULL;
END $$;
