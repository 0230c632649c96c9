-- Deletes a schedule; the jobs it enqueued stay.
DELETE FROM ${schema}.schedules
WHERE coalesce(tenant, '') = ? AND name = ?
RETURNING name
