-- A workflow's step names, in the order given.
INSERT INTO ${schema}.workflow_steps (workflow_id, step, position, job_id)
SELECT ?, s.step, s.position - 1, s.job_id
FROM unnest(?::text[], ?::uuid[]) WITH ORDINALITY AS s(step, job_id, position)
