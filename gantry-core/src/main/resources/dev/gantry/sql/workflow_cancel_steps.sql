-- Cancels new steps that depend on a job that had already failed when the workflow was enqueued
-- (behind an edge whose policy is cancel); their dependents follow, by the finished_jobs trigger.
SELECT ${schema}.cancel_dependents(?::uuid[], ?::text[])
