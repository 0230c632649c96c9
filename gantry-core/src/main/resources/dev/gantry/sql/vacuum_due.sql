-- How many dead row versions the hot jobs table holds, by the statistics PostgreSQL keeps anyway
-- (flushed by each backend about once a second), and how many live ones. Cheap: no table access.
SELECT coalesce(s.n_dead_tup, 0) AS dead, coalesce(s.n_live_tup, 0) AS live
FROM pg_stat_user_tables s
WHERE s.schemaname = ? AND s.relname = 'jobs'
