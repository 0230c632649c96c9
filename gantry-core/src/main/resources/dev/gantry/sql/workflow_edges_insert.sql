-- A workflow's edges: job_id runs after depends_on.
INSERT INTO ${schema}.job_dependencies (job_id, depends_on, on_failure)
SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::text[])
