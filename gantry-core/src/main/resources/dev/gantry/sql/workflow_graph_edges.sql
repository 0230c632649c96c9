-- The edges into a workflow's steps, with the dependency's step name when it is one of the same workflow's.
SELECT e.job_id, e.depends_on, e.on_failure, d.step
FROM ${schema}.workflow_steps s
JOIN ${schema}.job_dependencies e ON e.job_id = s.job_id
LEFT JOIN ${schema}.workflow_steps d ON d.job_id = e.depends_on AND d.workflow_id = s.workflow_id
WHERE s.workflow_id = ?
ORDER BY e.job_id, d.position NULLS LAST, e.depends_on
