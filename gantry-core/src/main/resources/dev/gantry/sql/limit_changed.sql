-- A queue's limit was set or removed (delivered at commit): every node reads the limited queues
-- again, and the queue's idle workers claim under the new limit at once.
SELECT pg_notify('${schema}_control', 'limits:' || ?), pg_notify('${schema}_wakeup', ?)
