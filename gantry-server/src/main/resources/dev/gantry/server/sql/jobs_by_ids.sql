-- Jobs just enqueued, read on the enqueueing transaction's own connection (they are not
-- committed yet), so that the response stored for an Idempotency-Key commits with them.
SELECT * FROM ${schema}.all_jobs WHERE id = ANY (?)
