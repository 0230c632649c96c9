-- Gantry schema, version 7: recurring schedules. A schedule enqueues one job of its kind at every
-- tick of its cron expression, read in its time zone.
--
-- next_run_at is the tick that enqueues the next job, computed by the Java side from the expression
-- (the database has no cron), always from the database's now(). Every worker node's ticker takes
-- the due rows FOR UPDATE SKIP LOCKED, enqueues their jobs and moves next_run_at past the tick in
-- the same transaction, so a tick enqueues exactly one job however many nodes tick at once: a node
-- that reaches the row after the commit re-reads it, sees the new next_run_at and leaves it.

CREATE TABLE ${schema}.schedules (
  id           uuid        PRIMARY KEY DEFAULT ${schema}.uuid_v7(),
  tenant       text,
  name         text        NOT NULL,
  cron         text        NOT NULL,
  time_zone    text        NOT NULL,
  -- The jobs each tick enqueues: as a job's columns, without the ones a tick decides.
  kind         text        NOT NULL,
  args         jsonb       NOT NULL DEFAULT '{}',
  queue        text        NOT NULL DEFAULT 'default',
  priority     smallint    NOT NULL DEFAULT 0,
  max_attempts integer     CHECK (max_attempts >= 1),
  timeout_ms   bigint      CHECK (timeout_ms > 0),
  tags         text[]      NOT NULL DEFAULT '{}',
  metadata     jsonb       NOT NULL DEFAULT '{}',
  -- A tick later than grace_ms is missed: skipped, or with 'run_once' the missed ones get one job.
  missed       text        NOT NULL DEFAULT 'skip' CHECK (missed IN ('skip', 'run_once')),
  grace_ms     bigint      NOT NULL DEFAULT 60000 CHECK (grace_ms > 0),
  paused_at    timestamptz,
  -- NULL while paused, and when the expression never fires again.
  next_run_at  timestamptz,
  -- The tick of the last job enqueued, and that job. A tick runs only if it is later than
  -- last_run_at: a second guard, should next_run_at ever be moved back to a tick that ran.
  last_run_at  timestamptz,
  last_job_id  uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (paused_at IS NULL OR next_run_at IS NULL)
);

-- Names are unique per tenant; schedules without a tenant share the '' namespace.
CREATE UNIQUE INDEX schedules_name_idx ON ${schema}.schedules ((coalesce(tenant, '')), name);
-- The tickers' due scan: running schedules by their next tick.
CREATE INDEX schedules_due_idx ON ${schema}.schedules (next_run_at) WHERE next_run_at IS NOT NULL;
