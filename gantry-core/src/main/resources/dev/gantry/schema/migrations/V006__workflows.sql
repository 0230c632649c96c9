-- Gantry schema, version 6: workflows. A workflow is a sealed batch (its counts, state, callbacks,
-- cancellation and event stream are the batch's) whose members are named steps that may depend on
-- one another, or on jobs enqueued before it.
--
-- A job with unfinished dependencies waits in the hot table as 'pending', outside every claim,
-- staging and rescue index, with waiting_on counting them. The statement trigger that archives
-- finished jobs counts each finished dependency down on its dependents: at zero a dependent
-- becomes due; a dependency that ended dead or cancelled, behind an edge whose policy is 'cancel',
-- cancels the dependent at once (and so, by the same trigger, its own dependents). The counter is
-- updated under the dependent's row lock, so dependencies finishing at the same moment in
-- different transactions count down one after the other, and exactly one of them releases it.

ALTER TABLE ${schema}.batches ADD COLUMN kind text NOT NULL DEFAULT 'batch' CHECK (kind IN ('batch', 'workflow'));
ALTER TABLE ${schema}.batches ADD COLUMN name text;

ALTER TABLE ${schema}.jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE ${schema}.jobs ADD CONSTRAINT jobs_state_check
  CHECK (state IN ('pending', 'available', 'scheduled', 'retryable', 'running'));
-- Dependencies of a pending job that have not finished yet.
ALTER TABLE ${schema}.jobs ADD COLUMN waiting_on integer NOT NULL DEFAULT 0 CHECK (waiting_on >= 0);

-- Edges: job_id runs after depends_on has finished. on_failure says what a dead or cancelled
-- dependency does to it: 'cancel' (cancel the dependent) or 'run' (run it anyway). Kept after both
-- finish, for the workflow's graph and for the dependent's reading of its dependencies' results;
-- pruning a dependent deletes its edges.
CREATE TABLE ${schema}.job_dependencies (
  depends_on uuid NOT NULL,
  job_id     uuid NOT NULL,
  on_failure text NOT NULL DEFAULT 'cancel' CHECK (on_failure IN ('cancel', 'run')),
  PRIMARY KEY (depends_on, job_id)
);
CREATE INDEX job_dependencies_job_idx ON ${schema}.job_dependencies (job_id);

-- The step names of a workflow's members, and the order they were given in.
CREATE TABLE ${schema}.workflow_steps (
  workflow_id uuid    NOT NULL,
  step        text    NOT NULL,
  position    integer NOT NULL,
  job_id      uuid    NOT NULL UNIQUE,
  PRIMARY KEY (workflow_id, step)
);

-- Cancels pending jobs whose dependency failed: each moves to finished_jobs as cancelled, with
-- the reason as its last error (class 'dependency'). Their own dependents follow through the
-- finished_jobs trigger. Keep the columns in step with transition.sql's archive.
CREATE FUNCTION ${schema}.cancel_dependents(ids uuid[], reasons text[]) RETURNS void
LANGUAGE sql AS $$
  WITH gone AS (
    DELETE FROM ${schema}.jobs j
    USING unnest(ids, reasons) AS c(id, reason)
    WHERE j.id = c.id AND j.state = 'pending'
    RETURNING j.*, c.reason
  )
  INSERT INTO ${schema}.finished_jobs
    (id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
     errors, progress_percent, progress_message, result, created_at, scheduled_at, attempted_at, worker_id, watched,
     tenant, progress_items, batch_id)
  SELECT g.id, g.queue, g.kind, g.args, 'cancelled', g.priority, g.attempt, g.max_attempts, g.timeout_ms,
         g.unique_key, g.tags, g.metadata,
         g.errors || jsonb_build_array(jsonb_build_object('attempt', g.attempt, 'class', 'dependency',
                                                          'message', g.reason, 'at', now())),
         g.progress_percent, g.progress_message, NULL, g.created_at, g.scheduled_at, g.attempted_at, g.worker_id,
         g.watched, g.tenant, g.progress_items, g.batch_id
  FROM gone g
  ORDER BY g.id
$$;

-- Makes pending jobs that wait on nothing any more due (or scheduled, when they were given a later
-- run time), and wakes their queues and watchers.
CREATE FUNCTION ${schema}.release_dependents(ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  WITH released AS (
    UPDATE ${schema}.jobs j
    SET state = CASE WHEN j.scheduled_at <= now() THEN 'available' ELSE 'scheduled' END,
        scheduled_at = greatest(j.scheduled_at, now())
    WHERE j.id = ANY (ids) AND j.state = 'pending' AND j.waiting_on = 0
    RETURNING j.id, j.queue, j.state, j.watched
  )
  SELECT NULL FROM (SELECT DISTINCT queue FROM released WHERE state = 'available') q
                CROSS JOIN LATERAL pg_notify('${schema}_wakeup', q.queue)
  UNION ALL
  SELECT NULL FROM (SELECT id FROM released WHERE watched) r CROSS JOIN LATERAL pg_notify('${schema}_changed', r.id::text)
$$;

CREATE OR REPLACE FUNCTION ${schema}.finished_jobs_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  b record;
  d record;
  left_waiting integer;
  release uuid[] := '{}';
  doomed uuid[] := '{}';
  reasons text[] := '{}';
BEGIN
  INSERT INTO ${schema}.finished_counts AS c (queue, state, count)
  SELECT queue, state, count(*) FROM new_rows GROUP BY queue, state ORDER BY queue, state
  ON CONFLICT (queue, state) DO UPDATE SET count = c.count + excluded.count;
  -- Wake anyone awaiting these jobs (awaitCompletion sets watched).
  PERFORM pg_notify('${schema}_finished', id::text) FROM new_rows WHERE watched;
  -- Dependents of the finished jobs, one row lock at a time in id order (before any batch row:
  -- a batch cancel locks members before their batch too, so the two wait rather than deadlock).
  FOR d IN
    SELECT e.job_id, count(*) AS arrived,
           min(r.id::text || ' ended ' || r.state) FILTER (WHERE r.state <> 'completed' AND e.on_failure = 'cancel')
             AS failed
    FROM new_rows r
    JOIN ${schema}.job_dependencies e ON e.depends_on = r.id
    GROUP BY e.job_id
    ORDER BY e.job_id
  LOOP
    UPDATE ${schema}.jobs j SET waiting_on = j.waiting_on - d.arrived
    WHERE j.id = d.job_id AND j.state = 'pending'
    RETURNING j.waiting_on INTO left_waiting;
    IF NOT FOUND THEN
      CONTINUE; -- cancelled already, by another failed dependency or by its batch
    ELSIF d.failed IS NOT NULL THEN
      doomed := doomed || d.job_id;
      reasons := reasons || ('dependency ' || d.failed);
    ELSIF left_waiting = 0 THEN
      release := release || d.job_id;
    END IF;
  END LOOP;
  IF cardinality(release) > 0 THEN
    PERFORM ${schema}.release_dependents(release);
  END IF;
  IF cardinality(doomed) > 0 THEN
    PERFORM ${schema}.cancel_dependents(doomed, reasons);
  END IF;
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

-- Pruned jobs take their incoming edges and their step names with them.
CREATE OR REPLACE FUNCTION ${schema}.finished_jobs_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ${schema}.finished_counts c SET count = c.count - d.n
  FROM (SELECT queue, state, count(*) AS n FROM old_rows GROUP BY queue, state ORDER BY queue, state) d
  WHERE c.queue = d.queue AND c.state = d.state;
  DELETE FROM ${schema}.job_dependencies e USING old_rows o WHERE e.job_id = o.id;
  DELETE FROM ${schema}.workflow_steps s USING old_rows o WHERE s.job_id = o.id AND o.batch_id IS NOT NULL;
  RETURN NULL;
END $$;

-- Every job, running or finished, in one shape, now with its batch (or workflow).
CREATE OR REPLACE VIEW ${schema}.all_jobs AS
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, NULL::jsonb AS result, created_at, scheduled_at, attempted_at,
         NULL::timestamptz AS finished_at, worker_id, cancel_requested_at, lease_expires_at, tenant, progress_items,
         batch_id
    FROM ${schema}.jobs
  UNION ALL
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, result, created_at, scheduled_at, attempted_at,
         finished_at, worker_id, NULL::timestamptz, NULL::timestamptz, tenant, progress_items, batch_id
    FROM ${schema}.finished_jobs;
