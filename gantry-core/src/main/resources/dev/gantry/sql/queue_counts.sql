-- Live counts from the small hot table, finished counts from the trigger-kept counters.
SELECT queue, state, count(*) AS n FROM ${schema}.jobs GROUP BY queue, state
UNION ALL
SELECT queue, state, count AS n FROM ${schema}.finished_counts WHERE count > 0
ORDER BY queue, state
