-- Gantry schema, version 1: the hot jobs table, the finished jobs table, counters and wake-ups.
-- The schema placeholder is replaced by the configured schema name (validated as a plain identifier).

CREATE SCHEMA IF NOT EXISTS ${schema};

-- Time-ordered, unguessable job ids (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then
-- 12 bits of sub-millisecond fraction (method 3, microsecond clock) so that ids made one after
-- another sort in the order they were made even within one millisecond (listings are newest
-- first by id), then 62 random bits.
CREATE FUNCTION ${schema}.uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
           substring(int8send(t.us / 1000) FROM 3)                          -- unix_ts_ms, 48 bits
           || int2send((28672 + (t.us % 1000) * 4096 / 1000)::smallint)     -- ver 7, 12-bit fraction
           || substring(uuid_send(gen_random_uuid()) FROM 9),               -- variant 10, 62 random bits
           'hex')::uuid
  FROM (SELECT floor(extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us) t
$$;

-- The hot table: only jobs that still have to run or are running. Finished jobs move to
-- finished_jobs in the same statement that finishes them, so this table stays small and the
-- claim index covers runnable rows only.
CREATE TABLE ${schema}.jobs (
  id                  uuid        PRIMARY KEY DEFAULT ${schema}.uuid_v7(),
  queue               text        NOT NULL DEFAULT 'default',
  kind                text        NOT NULL,
  args                jsonb       NOT NULL DEFAULT '{}',
  state               text        NOT NULL CHECK (state IN ('available', 'scheduled', 'retryable', 'running')),
  priority            smallint    NOT NULL DEFAULT 0,
  attempt             integer     NOT NULL DEFAULT 0,
  max_attempts        integer     CHECK (max_attempts >= 1), -- NULL: the kind's retry policy decides
  timeout_ms          bigint      CHECK (timeout_ms > 0),
  unique_key          text,
  tags                text[]      NOT NULL DEFAULT '{}',
  metadata            jsonb       NOT NULL DEFAULT '{}',
  errors              jsonb       NOT NULL DEFAULT '[]',
  progress_percent    smallint    CHECK (progress_percent BETWEEN 0 AND 100),
  progress_message    text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  scheduled_at        timestamptz NOT NULL DEFAULT now(),
  attempted_at        timestamptz,
  lease_token         uuid,
  lease_expires_at    timestamptz,
  worker_id           text,
  cancel_requested_at timestamptz,
  watched             boolean     NOT NULL DEFAULT false
);

-- Claiming: runnable jobs only, in claim order.
CREATE INDEX jobs_claim_idx ON ${schema}.jobs (queue, priority, scheduled_at, id) WHERE state = 'available';
-- Staging: delayed and retrying jobs by due time.
CREATE INDEX jobs_due_idx ON ${schema}.jobs (scheduled_at) WHERE state IN ('scheduled', 'retryable');
-- Rescue: running jobs by lease expiry.
CREATE INDEX jobs_lease_idx ON ${schema}.jobs (lease_expires_at) WHERE state = 'running';
-- Unique jobs: a key is unique among jobs that have not finished.
CREATE UNIQUE INDEX jobs_unique_key_idx ON ${schema}.jobs (unique_key) WHERE unique_key IS NOT NULL;

-- Finished jobs: append-only apart from pruning, never read by the claim path.
CREATE TABLE ${schema}.finished_jobs (
  id                  uuid        PRIMARY KEY,
  queue               text        NOT NULL,
  kind                text        NOT NULL,
  args                jsonb       NOT NULL,
  state               text        NOT NULL CHECK (state IN ('completed', 'dead', 'cancelled')),
  priority            smallint    NOT NULL,
  attempt             integer     NOT NULL,
  max_attempts        integer,
  timeout_ms          bigint,
  unique_key          text,
  tags                text[]      NOT NULL,
  metadata            jsonb       NOT NULL,
  errors              jsonb       NOT NULL,
  progress_percent    smallint,
  progress_message    text,
  result              jsonb,
  created_at          timestamptz NOT NULL,
  scheduled_at        timestamptz NOT NULL,
  attempted_at        timestamptz,
  finished_at         timestamptz NOT NULL DEFAULT now(),
  worker_id           text,
  watched             boolean     NOT NULL DEFAULT false
);

-- Pruning, per state, oldest first.
CREATE INDEX finished_jobs_prune_idx ON ${schema}.finished_jobs (state, finished_at);

-- Counts of finished jobs per queue and state, kept by statement triggers so that an overview
-- never has to count(*) a large table.
CREATE TABLE ${schema}.finished_counts (
  queue text   NOT NULL,
  state text   NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (queue, state)
);

CREATE FUNCTION ${schema}.finished_jobs_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ${schema}.finished_counts AS c (queue, state, count)
  SELECT queue, state, count(*) FROM new_rows GROUP BY queue, state ORDER BY queue, state
  ON CONFLICT (queue, state) DO UPDATE SET count = c.count + excluded.count;
  -- Wake anyone awaiting these jobs (awaitCompletion sets watched).
  PERFORM pg_notify('${schema}_finished', id::text) FROM new_rows WHERE watched;
  RETURN NULL;
END $$;

CREATE FUNCTION ${schema}.finished_jobs_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ${schema}.finished_counts c SET count = c.count - d.n
  FROM (SELECT queue, state, count(*) AS n FROM old_rows GROUP BY queue, state ORDER BY queue, state) d
  WHERE c.queue = d.queue AND c.state = d.state;
  RETURN NULL;
END $$;

CREATE TRIGGER finished_jobs_inserted AFTER INSERT ON ${schema}.finished_jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.finished_jobs_inserted();
CREATE TRIGGER finished_jobs_deleted AFTER DELETE ON ${schema}.finished_jobs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.finished_jobs_deleted();

-- Wake idle workers of a queue when a runnable job is inserted, by any client (Java, SQL, psql).
-- NOTIFY is delivered at commit, so a rolled-back enqueue wakes nobody.
CREATE FUNCTION ${schema}.jobs_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${schema}_wakeup', q.queue) FROM (SELECT DISTINCT queue FROM new_rows WHERE state = 'available') q;
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_inserted AFTER INSERT ON ${schema}.jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.jobs_inserted();

-- Every job, running or finished, in one shape: what job reads and listings use.
CREATE VIEW ${schema}.all_jobs AS
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, NULL::jsonb AS result, created_at, scheduled_at, attempted_at,
         NULL::timestamptz AS finished_at, worker_id, cancel_requested_at, lease_expires_at
    FROM ${schema}.jobs
  UNION ALL
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, result, created_at, scheduled_at, attempted_at,
         finished_at, worker_id, NULL::timestamptz, NULL::timestamptz
    FROM ${schema}.finished_jobs;
