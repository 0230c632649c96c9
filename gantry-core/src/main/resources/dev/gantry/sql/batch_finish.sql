-- Finishes the batch and enqueues its callbacks if it is sealed and every member has finished
-- (once: see finish_batch() in migration 5).
SELECT ${schema}.finish_batch(?)
