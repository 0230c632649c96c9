-- A library worker's progress, under its lease; a watched job tells its watchers. Null items keep
-- the stored ones.
WITH updated AS (
  UPDATE ${schema}.jobs
  SET progress_percent = ?, progress_message = ?, progress_items = coalesce(?::jsonb, progress_items)
  WHERE id = ? AND state = 'running' AND lease_token = ?
  RETURNING id, watched
)
SELECT u.id FROM updated u
LEFT JOIN LATERAL (SELECT pg_notify('${schema}_changed', u.id::text) WHERE u.watched) n ON true
