-- Deletes a job that is not running, from whichever table holds it. A tenant given (not null)
-- must own the job.
WITH hot AS (
  DELETE FROM ${schema}.jobs WHERE id = ? AND state <> 'running' AND (?::text IS NULL OR tenant = ?) RETURNING id
),
finished AS (
  DELETE FROM ${schema}.finished_jobs WHERE id = ? AND (?::text IS NULL OR tenant = ?) RETURNING id
)
SELECT id FROM hot UNION ALL SELECT id FROM finished
