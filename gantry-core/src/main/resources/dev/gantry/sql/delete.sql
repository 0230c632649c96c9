-- Deletes a job that is not running, from whichever table holds it. A tenant given (not null)
-- must own the job. A waiting member of a batch or workflow, and a job that workflow steps wait
-- on, is not deleted from the hot table: its batch would never finish, its dependents never run.
-- Those are cancelled first (which counts them, and cancels or releases their dependents).
WITH hot AS (
  DELETE FROM ${schema}.jobs j
  WHERE j.id = ? AND j.state <> 'running' AND (?::text IS NULL OR j.tenant = ?) AND j.batch_id IS NULL
    AND NOT EXISTS (SELECT 1 FROM ${schema}.job_dependencies e WHERE e.depends_on = j.id)
  RETURNING j.id
),
finished AS (
  DELETE FROM ${schema}.finished_jobs WHERE id = ? AND (?::text IS NULL OR tenant = ?) RETURNING id
)
SELECT id FROM hot UNION ALL SELECT id FROM finished
