-- Claim of a limited queue (see migration 9), run right after limit_lock.sql in its transaction:
-- no other claim of this queue runs meanwhile, on any node, so the counts read here stay true
-- until this commits. Up to N jobs (the caller's free slots) are claimed, fewer when the queue's
-- limits allow fewer:
--   budget  = N, at most the queue's concurrency minus its running jobs, and at most its rate
--             minus its starts within the rate period (a sliding window over queue_limit_starts);
--   per partition the same with the partition's limits, and at most the budget;
--   fairness: partitions take turns. The partitions with available jobs are read in key order
--             from the one after the partition the previous claim served last (partition_cursor),
--             around to it, and only as many as can start a job now (at most the budget) are
--             taken: one index descent each, so a claim reads the budget's worth of partitions
--             plus those at their own limit, however many have jobs waiting. Among the jobs of
--             those partitions, a job's turn is its rank in its partition plus what the partition
--             already uses (running jobs, and starts within the period); the lowest turns are
--             claimed, so one job of every partition goes before a second of any. A tenant with
--             10,000 jobs waiting cannot keep one with 5 from starting.
-- The claimed jobs are marked running as claim.sql marks them (same columns; the attempt's start
-- and lease by the database clock, taken after the lock), and the starts are logged when the
-- queue has a rate. The commit does not wait for the WAL flush, as claim.sql's does not (a claim
-- lost with a crash only makes its job available again), unless the queue has a rate: a start lost
-- with a crash would be missing from the rate log while its job may already have called out.
-- Every row carries what held the claim back, for the caller's next wait: concurrency_full (the
-- queue's concurrency is used up: only a finishing job frees a slot), rate_wait_ms (the queue's
-- rate is used up: nothing can start sooner) and partition_wait_ms (some partition's rate frees
-- then). With nothing claimed the answer is one row with those and a null id.
-- Every scan of jobs is given the queue as a parameter rather than joined to lim: joined, the
-- first descent of the partition scan became a scan of the whole queue.
WITH RECURSIVE
lim AS MATERIALIZED (
  SELECT l.queue, l.concurrency, l.partition_concurrency, l.rate_limit, l.partition_rate_limit,
         l.rate_period_ms * interval '1 millisecond' AS rate_period,
         l.partition_rate_period_ms * interval '1 millisecond' AS partition_rate_period,
         coalesce(l.partition_cursor, '') AS cursor,
         statement_timestamp() AS t
  FROM ${schema}.queue_limits l
  WHERE l.queue = ?
),
no_flush AS MATERIALIZED (
  SELECT set_config('synchronous_commit', 'off', true)
  FROM lim
  WHERE lim.rate_limit IS NULL AND lim.partition_rate_limit IS NULL
),
running AS MATERIALIZED (
  SELECT j.partition_key, count(*)::int AS n
  FROM ${schema}.jobs j
  WHERE j.state = 'running' AND j.partition_key IS NOT NULL AND j.queue = ?
  GROUP BY j.partition_key
),
started AS MATERIALIZED (
  SELECT s.partition_key,
         coalesce(sum(s.starts) FILTER (WHERE s.started_at > lim.t - lim.rate_period), 0)::int AS in_rate_window,
         min(s.started_at) FILTER (WHERE s.started_at > lim.t - lim.rate_period) AS oldest_in_rate_window,
         coalesce(sum(s.starts) FILTER (WHERE s.started_at > lim.t - lim.partition_rate_period), 0)::int
           AS in_partition_window,
         min(s.started_at) FILTER (WHERE s.started_at > lim.t - lim.partition_rate_period) AS oldest_in_partition_window
  FROM ${schema}.queue_limit_starts s, lim
  WHERE s.queue = ? AND (lim.rate_limit IS NOT NULL OR lim.partition_rate_limit IS NOT NULL)
  GROUP BY s.partition_key
),
-- least() skips nulls: a limit that is not set does not bound the budget.
budget AS MATERIALIZED (
  SELECT greatest(least(?::int,
                        lim.concurrency - (SELECT coalesce(sum(n), 0) FROM running),
                        lim.rate_limit - (SELECT coalesce(sum(in_rate_window), 0) FROM started)), 0)::int AS n
  FROM lim
),
-- Partitions with available jobs after the cursor, then from the first up to the cursor, each
-- found by one descent of the index from the previous one (a loose index scan); none at all when
-- the budget is spent. Read lazily: only as far as shares below asks.
after_cursor (key) AS (
  (SELECT j.partition_key
   FROM ${schema}.jobs j
   WHERE j.state = 'available' AND j.partition_key IS NOT NULL AND j.queue = ?
     AND j.partition_key > (SELECT cursor FROM lim) AND (SELECT n FROM budget) > 0
   ORDER BY j.partition_key
   LIMIT 1)
  UNION ALL
  SELECT (SELECT j.partition_key
          FROM ${schema}.jobs j
          WHERE j.state = 'available' AND j.partition_key IS NOT NULL AND j.queue = ? AND j.partition_key > a.key
          ORDER BY j.partition_key
          LIMIT 1)
  FROM after_cursor a
  WHERE a.key IS NOT NULL
),
up_to_cursor (key) AS (
  (SELECT j.partition_key
   FROM ${schema}.jobs j
   WHERE j.state = 'available' AND j.partition_key IS NOT NULL AND j.queue = ?
     AND j.partition_key <= (SELECT cursor FROM lim) AND (SELECT n FROM budget) > 0
   ORDER BY j.partition_key
   LIMIT 1)
  UNION ALL
  SELECT (SELECT j.partition_key
          FROM ${schema}.jobs j
          WHERE j.state = 'available' AND j.partition_key IS NOT NULL AND j.queue = ? AND j.partition_key > u.key
            AND j.partition_key <= (SELECT cursor FROM lim)
          ORDER BY j.partition_key
          LIMIT 1)
  FROM up_to_cursor u
  WHERE u.key IS NOT NULL
),
-- The first partitions around the ring that may start a job now, as many as the budget (each
-- gives at least one candidate); those at their own limit are passed over.
shares AS MATERIALIZED (
  SELECT r.lap, r.key, f.free, f.used
  FROM (SELECT 1 AS lap, a.key FROM after_cursor a WHERE a.key IS NOT NULL
        UNION ALL
        SELECT 2, u.key FROM up_to_cursor u WHERE u.key IS NOT NULL) r
  CROSS JOIN LATERAL (
    SELECT greatest(least(b.n,
                          lim.partition_concurrency - coalesce(ru.n, 0),
                          lim.partition_rate_limit - coalesce(st.in_partition_window, 0)), 0) AS free,
           coalesce(ru.n, 0) + CASE WHEN lim.partition_rate_limit IS NOT NULL THEN coalesce(st.in_partition_window, 0)
                                    ELSE coalesce(st.in_rate_window, 0) END AS used
    FROM lim
    CROSS JOIN budget b
    LEFT JOIN running ru ON ru.partition_key = r.key
    LEFT JOIN started st ON st.partition_key = r.key
  ) f
  WHERE f.free > 0
  LIMIT (SELECT n FROM budget)
),
candidates AS (
  SELECT c.id, c.partition_key, c.priority, c.scheduled_at, sh.lap,
         sh.used + row_number() OVER (PARTITION BY sh.key ORDER BY c.priority, c.scheduled_at, c.id) AS turn
  FROM shares sh
  CROSS JOIN LATERAL (
    SELECT j.id, j.partition_key, j.priority, j.scheduled_at
    FROM ${schema}.jobs j
    WHERE j.state = 'available' AND j.partition_key IS NOT NULL AND j.queue = ? AND j.partition_key = sh.key
      AND (cardinality(?::text[]) = 0 OR j.kind = ANY (?::text[]))
      AND (?::text IS NULL OR j.tenant = ?)
    ORDER BY j.priority, j.scheduled_at, j.id
    LIMIT sh.free
  ) c
),
chosen AS MATERIALIZED (
  SELECT c.id, c.partition_key, c.lap
  FROM candidates c
  ORDER BY c.turn, c.priority, c.scheduled_at, c.id
  LIMIT (SELECT n FROM budget)
),
-- Read from this statement's snapshot, a chosen job may have been claimed since by a node that did
-- not know of the limit yet, or be locked (a watch, a cancel): lock it, re-checked, or skip it.
picked AS (
  SELECT l.id, ch.partition_key
  FROM chosen ch
  CROSS JOIN LATERAL (
    SELECT j.id FROM ${schema}.jobs j WHERE j.id = ch.id AND j.state = 'available' FOR UPDATE SKIP LOCKED
  ) l
),
claimed AS (
  UPDATE ${schema}.jobs j
  SET state = 'running',
      attempt = j.attempt + 1,
      attempted_at = lim.t,
      lease_token = gen_random_uuid(),
      lease_expires_at = lim.t + ? * interval '1 millisecond',
      worker_id = ?
  FROM picked, lim
  LEFT JOIN no_flush ON true
  WHERE j.id = picked.id
  RETURNING j.id, j.queue, j.kind, j.args, j.metadata, j.priority, j.attempt, j.max_attempts, j.timeout_ms,
            j.lease_token, j.lease_expires_at, j.cancel_requested_at IS NOT NULL AS cancel_requested, j.watched,
            j.batch_id, j.tenant, j.created_at, j.scheduled_at, j.attempted_at, j.partition_key
),
-- The next claim starts after the last partition served here, around the ring.
turned AS (
  UPDATE ${schema}.queue_limits l
  SET partition_cursor = (SELECT ch.partition_key FROM chosen ch ORDER BY ch.lap DESC, ch.partition_key DESC LIMIT 1)
  WHERE l.queue = ? AND EXISTS (SELECT 1 FROM chosen)
),
logged AS (
  INSERT INTO ${schema}.queue_limit_starts AS s (queue, partition_key, started_at, starts)
  SELECT lim.queue, c.partition_key, lim.t, count(*)
  FROM claimed c, lim
  WHERE lim.rate_limit IS NOT NULL OR lim.partition_rate_limit IS NOT NULL
  GROUP BY lim.queue, c.partition_key, lim.t
  ON CONFLICT (queue, partition_key, started_at) DO UPDATE SET starts = s.starts + excluded.starts
),
-- A job of the queue without a partition key is in none of the partitions above: one inserted by
-- a transaction that was open while the limit was set and committed after it was missed by both
-- the insert trigger and the limit's pass over the queue. The few first available jobs of the
-- queue get theirs here (for the next claim), a short walk: such a job reaches the head of the
-- queue as the older ones are claimed.
strays AS (
  UPDATE ${schema}.jobs j
  SET partition_key = ${schema}.partition_key_of(l.partition_by, j.tenant, j.kind, j.args)
  FROM ${schema}.queue_limits l,
       (SELECT h.id
        FROM ${schema}.jobs h
        WHERE h.state = 'available' AND h.queue = ?
        ORDER BY h.priority, h.scheduled_at, h.id
        LIMIT 10
        FOR UPDATE SKIP LOCKED) head
  WHERE l.queue = ? AND j.id = head.id AND j.partition_key IS NULL
),
-- Starts older than the longest period count no more (all of them once the queue has no rate).
pruned AS (
  DELETE FROM ${schema}.queue_limit_starts s
  USING lim
  WHERE s.queue = lim.queue
    AND s.started_at <= lim.t - greatest(coalesce(lim.rate_period, interval '0'),
                                         coalesce(lim.partition_rate_period, interval '0'))
),
taken AS MATERIALIZED (
  SELECT c.partition_key, count(*)::int AS n FROM claimed c GROUP BY c.partition_key
),
held AS (
  SELECT
    lim.concurrency IS NOT NULL
      AND (SELECT coalesce(sum(n), 0) FROM running) + (SELECT coalesce(sum(n), 0) FROM taken) >= lim.concurrency
      AS concurrency_full,
    CASE WHEN lim.rate_limit IS NOT NULL
           AND (SELECT coalesce(sum(in_rate_window), 0) FROM started) + (SELECT coalesce(sum(n), 0) FROM taken)
               >= lim.rate_limit
         THEN ceil(extract(epoch FROM coalesce((SELECT min(oldest_in_rate_window) FROM started), lim.t)
                                      + lim.rate_period - lim.t) * 1000)::bigint
    END AS rate_wait_ms,
    -- From the partitions' start log: a partition without jobs waiting may wake the caller early, once.
    (SELECT ceil(extract(epoch FROM min(coalesce(st.oldest_in_partition_window, lim.t) + lim.partition_rate_period
                                        - lim.t)) * 1000)::bigint
     FROM (SELECT partition_key, in_partition_window, oldest_in_partition_window FROM started
           UNION ALL
           SELECT partition_key, 0, NULL FROM taken WHERE partition_key NOT IN (SELECT partition_key FROM started)) st
     LEFT JOIN taken k ON k.partition_key = st.partition_key
     WHERE lim.partition_rate_limit IS NOT NULL
       AND st.in_partition_window + coalesce(k.n, 0) >= lim.partition_rate_limit) AS partition_wait_ms
  FROM lim
)
-- Watched jobs tell their watchers they are running, and batch members their batch's followers.
SELECT c.id, c.queue, c.kind, c.args, c.metadata, c.priority, c.attempt, c.max_attempts, c.timeout_ms,
       c.lease_token, c.lease_expires_at, c.cancel_requested, c.watched, c.batch_id, c.tenant, c.created_at,
       c.scheduled_at, c.attempted_at, c.partition_key, h.concurrency_full, h.rate_wait_ms, h.partition_wait_ms
FROM held h
LEFT JOIN claimed c ON true
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', c.id::text) WHERE c.watched) n ON true
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_batch', c.batch_id::text) WHERE c.batch_id IS NOT NULL) b ON true
ORDER BY c.priority, c.scheduled_at, c.id
