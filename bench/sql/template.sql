-- The template every run copies: psql -v rows=N -f template.sql bench_template
-- One table t with a bigint key, a counter n that every method increments (so a row done twice or never
-- shows), a nullable target the methods fill, and a payload that brings the row to ~100 bytes of data.
\set ON_ERROR_STOP on
CREATE TABLE t (
  id bigint NOT NULL,
  n int NOT NULL DEFAULT 0,
  target int,
  updated_at timestamptz NOT NULL DEFAULT now(),
  payload text NOT NULL
);
INSERT INTO t (id, n, updated_at, payload)
SELECT g, 0, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second', md5(g::text) || md5((-g)::text)
FROM generate_series(1, :rows) AS g;
ALTER TABLE t ADD PRIMARY KEY (id);
-- The application's inserts take new ids above the template's maximum, like a bigserial would.
CREATE SEQUENCE t_app_id;
SELECT setval('t_app_id', :rows);
-- Frozen and all-visible, so no run pays for hint bits or freezing the others did not.
VACUUM (FREEZE, ANALYZE) t;
