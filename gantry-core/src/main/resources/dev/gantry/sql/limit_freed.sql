-- Jobs of these limited queues stopped running: their workers on every node (idle because the
-- queue's concurrency was used up) claim again. On the control channel, not the wakeup one, so that
-- those workers can ignore new jobs' wake-ups while no slot is free.
SELECT pg_notify('${schema}_control', 'freed:' || t.queue) FROM unnest(?::text[]) AS t(queue)
