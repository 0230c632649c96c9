-- Delete one small batch of finished jobs of one state that finished before the retention;
-- only finished_jobs is touched, so claiming is never blocked.
DELETE FROM ${schema}.finished_jobs
WHERE id IN (
  SELECT id FROM ${schema}.finished_jobs
  WHERE state = ? AND finished_at < now() - ? * interval '1 millisecond'
  ORDER BY finished_at
  LIMIT ?
  FOR UPDATE SKIP LOCKED
)
