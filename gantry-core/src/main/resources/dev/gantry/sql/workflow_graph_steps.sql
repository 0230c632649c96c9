-- A workflow's steps with their jobs' states, in the order given; a pruned job gives nulls.
SELECT s.step, s.job_id, j.kind, j.queue, j.state, j.attempt, j.progress_percent
FROM ${schema}.workflow_steps s
LEFT JOIN LATERAL (
  SELECT a.kind, a.queue, a.state, a.attempt, a.progress_percent FROM ${schema}.all_jobs a WHERE a.id = s.job_id
) j ON true
WHERE s.workflow_id = ?
ORDER BY s.position
