-- Per queue, the jobs that finished within the window by the database clock: how many ended in
-- each state, and, for those that ran to an end (completed or dead), percentiles of the wait from
-- due to start of their last attempt and of that attempt's run time, in milliseconds.
-- The state list is all of finished_jobs' states: it lets the (state, finished_at) index serve
-- the window.
SELECT queue,
       count(*) FILTER (WHERE state = 'completed') AS completed,
       count(*) FILTER (WHERE state = 'dead') AS dead,
       count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
       percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[])
         WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - scheduled_at) * 1000)
         FILTER (WHERE state IN ('completed', 'dead') AND attempted_at IS NOT NULL) AS wait_ms,
       percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[])
         WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - attempted_at) * 1000)
         FILTER (WHERE state IN ('completed', 'dead') AND attempted_at IS NOT NULL) AS run_ms
FROM ${schema}.finished_jobs
WHERE state IN ('completed', 'dead', 'cancelled')
  AND finished_at > now() - ? * interval '1 millisecond'
GROUP BY queue
ORDER BY queue
