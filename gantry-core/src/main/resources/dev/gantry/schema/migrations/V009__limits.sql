-- Gantry schema, version 9: limits. A queue may have at most N jobs running at once across every
-- node, at most N per partition (a tenant, a kind, or a value taken from the job's args), and at
-- most N starts per period, for the queue or per partition; jobs held back stay available.
--
-- Only limited queues pay for this. A job of a limited queue carries a partition key ('' when the
-- limit has no partitions), set by the insert trigger below from the limit in force when it was
-- enqueued; jobs of other queues keep it NULL, and both indexes below are partial on it, so an
-- unlimited job is in neither and its claims, heartbeats and outcomes never touch them. Limited
-- queues are claimed by limited_claim.sql (claim.sql is unchanged), under a lock on the queue's row
-- here, so that the claims of one limited queue follow one another across all nodes and each one
-- counts what the previous ones started.

CREATE TABLE ${schema}.queue_limits (
  queue                    text        PRIMARY KEY,
  -- Jobs of the queue running at once across every node (NULL: no such limit).
  concurrency              integer     CHECK (concurrency BETWEEN 1 AND 100000),
  -- What makes a partition: 'tenant', 'kind', or 'args.<key>[.<key>...]' (a path into the args);
  -- NULL: the queue is one partition. Jobs without that value share the partition ''.
  partition_by             text        CHECK (partition_by IN ('tenant', 'kind') OR partition_by ~ '^args(\.[^.]+)+$'),
  -- Jobs of one partition running at once.
  partition_concurrency    integer     CHECK (partition_concurrency BETWEEN 1 AND 100000),
  -- Starts of the queue's jobs in any period of this length, and of one partition's.
  rate_limit               integer     CHECK (rate_limit BETWEEN 1 AND 1000000),
  rate_period_ms           bigint      CHECK (rate_period_ms BETWEEN 1 AND 604800000),
  partition_rate_limit     integer     CHECK (partition_rate_limit BETWEEN 1 AND 1000000),
  partition_rate_period_ms bigint      CHECK (partition_rate_period_ms BETWEEN 1 AND 604800000),
  -- The partition the last claim served last: the next claim starts after it, so that partitions
  -- take turns however many have jobs waiting (see limited_claim.sql).
  partition_cursor         text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CHECK ((rate_limit IS NULL) = (rate_period_ms IS NULL)),
  CHECK ((partition_rate_limit IS NULL) = (partition_rate_period_ms IS NULL)),
  CHECK (partition_by IS NOT NULL OR (partition_concurrency IS NULL AND partition_rate_limit IS NULL)),
  CHECK (concurrency IS NOT NULL OR partition_concurrency IS NOT NULL OR rate_limit IS NOT NULL
         OR partition_rate_limit IS NOT NULL)
);

-- Starts of rate-limited queues: one row per claim and partition, kept for the longest period of
-- the queue's limit (each limited claim prunes its queue's older rows). A sliding log rather than
-- counters per fixed window, so that no period of the given length ever holds more starts than
-- the limit, also across the boundary of two windows; one row per claim rather than per job.
CREATE TABLE ${schema}.queue_limit_starts (
  queue         text        NOT NULL,
  partition_key text        NOT NULL,
  started_at    timestamptz NOT NULL,
  starts        integer     NOT NULL CHECK (starts > 0),
  PRIMARY KEY (queue, partition_key, started_at)
);

ALTER TABLE ${schema}.jobs ADD COLUMN partition_key text;

-- The limited claim's count of running jobs per partition, and its walk of each partition's
-- available jobs in claim order (and of the partitions themselves, one index descent each).
CREATE INDEX jobs_limit_running_idx ON ${schema}.jobs (queue, partition_key)
  WHERE state = 'running' AND partition_key IS NOT NULL;
CREATE INDEX jobs_limit_claim_idx ON ${schema}.jobs (queue, partition_key, priority, scheduled_at, id)
  WHERE state = 'available' AND partition_key IS NOT NULL;

-- A job's partition under a limit partitioned by partition_by (never NULL: '' when it has no such
-- value, or when the limit has no partitions).
CREATE FUNCTION ${schema}.partition_key_of(partition_by text, tenant text, kind text, args jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(CASE WHEN partition_by IS NULL THEN ''
                       WHEN partition_by = 'tenant' THEN tenant
                       WHEN partition_by = 'kind' THEN kind
                       ELSE args #>> string_to_array(substr(partition_by, 6), '.') END, '')
$$;

-- New jobs of limited queues get their partition key, whichever statement inserted them (Java,
-- the SQL API, batch callbacks). A statement trigger of its own, like the webhooks' one. Where no
-- queue has a limit it returns at once (7 us per insert statement, measured with EXPLAIN ANALYZE
-- on PostgreSQL 15); where some have, jobs of the others cost it one read of the (small) limits
-- table per statement and an in-memory check per new row (27 us for one row, 48 us for 100): the
-- new rows are filtered by the array of limited queues before any index is touched (OFFSET 0 keeps
-- that filter first; joined directly, the plan looked every new row up in jobs, which made 100-row
-- inserts about a quarter slower).
CREATE FUNCTION ${schema}.jobs_partition_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ${schema}.queue_limits) THEN
    RETURN NULL;
  END IF;
  UPDATE ${schema}.jobs j
  SET partition_key = ${schema}.partition_key_of(l.partition_by, k.tenant, k.kind, k.args)
  FROM (SELECT n.id, n.queue, n.tenant, n.kind, n.args
        FROM new_rows n
        WHERE n.partition_key IS NULL AND n.queue = ANY (ARRAY(SELECT q.queue FROM ${schema}.queue_limits q))
        OFFSET 0) k
  JOIN ${schema}.queue_limits l ON l.queue = k.queue
  WHERE j.id = k.id;
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_partition_keys AFTER INSERT ON ${schema}.jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.jobs_partition_keys();
