-- Mark a job watched (awaitCompletion, watch): the statement that finishes it then NOTIFYs
-- <schema>_finished (the finished_jobs trigger), and every statement that changes its state or
-- progress NOTIFYs <schema>_changed with its id: claim (through its caller, notify_changed.sql),
-- claim_remote, progress, lease_heartbeat with progress, stage, transition (retry, snooze),
-- retry_waiting, retry_finished, request_cancel. Lease renewals alone do not. Unwatched jobs never
-- notify, so the flag costs the hot statements one returned boolean. A tenant given (not null)
-- must own the job.
-- The update locks the row for a moment, and a worker claiming just then passes over it (SKIP
-- LOCKED) and, finding nothing else, goes back to sleep until its next poll. So a job that is
-- available wakes its queue's workers again; the NOTIFY is delivered at commit, when the lock is gone.
WITH watched AS (
  UPDATE ${schema}.jobs SET watched = true WHERE id = ? AND NOT watched AND (?::text IS NULL OR tenant = ?)
  RETURNING queue, state
)
SELECT pg_notify('${schema}_wakeup', queue) FROM watched WHERE state = 'available'
