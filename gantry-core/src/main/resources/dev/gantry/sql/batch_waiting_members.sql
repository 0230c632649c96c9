-- Members of a batch that are not running (available, scheduled or retrying), a page at a time.
SELECT id
FROM ${schema}.jobs
WHERE batch_id = ? AND state <> 'running'
ORDER BY id
LIMIT ?
