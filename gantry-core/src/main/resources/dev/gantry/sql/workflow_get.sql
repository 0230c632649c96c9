-- A workflow's own row (its counts come from batch_get.sql). A tenant given (not null) must own it.
SELECT id, name
FROM ${schema}.batches
WHERE id = ? AND kind = 'workflow' AND (?::text IS NULL OR tenant = ?)
