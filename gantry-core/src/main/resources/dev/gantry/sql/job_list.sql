-- Newest first by id (ids are time-ordered), keyset-paginated; null parameters do not filter.
-- created_at: after inclusive, before exclusive.
SELECT *
FROM ${schema}.all_jobs
WHERE (?::text IS NULL OR queue = ?)
  AND (?::text IS NULL OR kind = ?)
  AND (?::text IS NULL OR state = ?)
  AND (?::text IS NULL OR ? = ANY (tags))
  AND (?::text IS NULL OR tenant = ?)
  AND (?::timestamptz IS NULL OR created_at >= ?)
  AND (?::timestamptz IS NULL OR created_at < ?)
  AND (?::uuid IS NULL OR id < ?)
ORDER BY id DESC
LIMIT ?
