-- Jobs by id on the caller's connection, inside its transaction: it sees what the transaction
-- wrote and has not committed (the HTTP server answers an enqueue with the jobs it created, in
-- the same transaction as the stored idempotent response).
SELECT * FROM ${schema}.all_jobs WHERE id = ANY (?)
