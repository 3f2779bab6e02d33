-- Every 50 ms: each application session (application_name bench_app) waiting for a lock, and for how
-- long so far. pg_locks.waitstart (PostgreSQL 14+) is when that wait began, so the figure is exact up to
-- the sampling interval; one output line per waiting session per sample: epoch pid waitstart seconds.
SELECT extract(epoch FROM clock_timestamp()), l.pid, extract(epoch FROM l.waitstart),
       extract(epoch FROM clock_timestamp() - l.waitstart)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND l.waitstart IS NOT NULL AND a.application_name = 'bench_app'
\watch 0.05
