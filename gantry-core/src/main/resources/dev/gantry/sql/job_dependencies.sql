-- A job's dependencies with their states and results, steps in workflow order first. A tenant
-- given (not null) must own the dependent job.
SELECT e.depends_on, s.step, j.kind, j.state, e.on_failure, j.result
FROM ${schema}.job_dependencies e
LEFT JOIN ${schema}.workflow_steps s ON s.job_id = e.depends_on
LEFT JOIN LATERAL (
  SELECT a.kind, a.state, a.result FROM ${schema}.all_jobs a WHERE a.id = e.depends_on
) j ON true
WHERE e.job_id = ?
  AND (?::text IS NULL OR EXISTS (SELECT 1 FROM ${schema}.all_jobs o WHERE o.id = e.job_id AND o.tenant = ?))
ORDER BY s.position NULLS LAST, e.depends_on
