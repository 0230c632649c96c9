-- Removes a queue's limit, waiting for a claim of the queue under way; returns the queue if it had one.
DELETE FROM ${schema}.queue_limits WHERE queue = ? RETURNING queue
