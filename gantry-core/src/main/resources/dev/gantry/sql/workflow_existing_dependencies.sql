-- The jobs enqueued before a workflow that its steps depend on, with their states. The unfinished
-- ones are locked (FOR KEY SHARE) until the workflow commits, so that none can finish unseen by
-- the trigger that counts finished dependencies down on the new edges: the statement that
-- finishes a job deletes its row, which waits for this lock. Claims, heartbeats and progress
-- writes do not. A tenant given (not null) must own them. A job that finished while this
-- statement waited for its lock is missing from the answer; the caller asks again (a new
-- statement sees it among the finished).
WITH hot AS (
  SELECT id, state
  FROM ${schema}.jobs
  WHERE id = ANY (?::uuid[]) AND (?::text IS NULL OR tenant = ?)
  ORDER BY id
  FOR KEY SHARE
)
SELECT id, state FROM hot
UNION ALL
SELECT f.id, f.state
FROM ${schema}.finished_jobs f
WHERE f.id = ANY (?::uuid[]) AND (?::text IS NULL OR f.tenant = ?) AND f.id NOT IN (SELECT id FROM hot)
