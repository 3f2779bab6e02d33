-- The two hand-written loops, created in the template (so every copy has them). @SET@ is replaced by
-- the benchmark's assignment list before this file is run, so every method runs the same expression.
\set ON_ERROR_STOP on

-- A plain keyset loop: 1,000 keys per batch, COMMIT after each, upper bound frozen at the start
-- (rows the application inserts later are not its business).
CREATE PROCEDURE keyset_loop(batch int) LANGUAGE plpgsql AS $$
DECLARE
  lo bigint;
  hi bigint;
  top bigint;
BEGIN
  SELECT min(id) - 1, max(id) INTO lo, top FROM t;
  LOOP
    SELECT max(id) INTO hi FROM (SELECT id FROM t WHERE id > lo AND id <= top ORDER BY id LIMIT batch) b;
    EXIT WHEN hi IS NULL;
    UPDATE t SET @SET@ WHERE id > lo AND id <= hi;
    lo := hi;
    COMMIT;
  END LOOP;
END $$;

-- The seed-style loop ("WHERE id IN (SELECT id ... LIMIT batch OFFSET k)", as hand-written migrations do it), with
-- a COMMIT per batch. Each batch re-walks the first k keys, so the whole is quadratic. It stops at
-- `deadline` and reports "progress <epoch> <rows>" after every batch as a NOTICE, from which the
-- benchmark extrapolates the full time.
CREATE PROCEDURE offset_loop(batch int, deadline timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  k bigint := 0;
  done bigint;
BEGIN
  RAISE NOTICE 'progress % %', extract(epoch FROM clock_timestamp()), 0;
  LOOP
    UPDATE t SET @SET@ WHERE id IN (SELECT id FROM t ORDER BY id LIMIT batch OFFSET k);
    GET DIAGNOSTICS done = ROW_COUNT;
    EXIT WHEN done = 0;
    k := k + done;
    COMMIT;
    RAISE NOTICE 'progress % %', extract(epoch FROM clock_timestamp()), k;
    IF clock_timestamp() > deadline THEN
      RAISE NOTICE 'cutoff % %', extract(epoch FROM clock_timestamp()), k;
      EXIT;
    END IF;
  END LOOP;
END $$;
