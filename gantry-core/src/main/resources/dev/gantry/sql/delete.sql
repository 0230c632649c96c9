WITH hot AS (
  DELETE FROM ${schema}.jobs WHERE id = ? AND state <> 'running' RETURNING id
),
finished AS (
  DELETE FROM ${schema}.finished_jobs WHERE id = ? RETURNING id
)
SELECT id FROM hot UNION ALL SELECT id FROM finished
