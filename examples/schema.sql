-- The starting schema the example plans expect, the same on authdb, apidb and admindb.
-- Load it with: psql -h 127.0.0.1 -U postgres -d authdb -f examples/schema.sql
CREATE TYPE order_state AS ENUM ('new', 'paid', 'shipped');

CREATE TABLE users (
  id         bigserial PRIMARY KEY,
  email      text NOT NULL,
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL,
  state       order_state NOT NULL DEFAULT 'new',
  total_cents bigint NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  shipped_at  timestamptz
);

INSERT INTO users (email, is_active)
SELECT 'user' || g || '@example.com', g % 7 <> 0 FROM generate_series(1, 1000) g;

INSERT INTO orders (user_id, state, total_cents, shipped_at)
SELECT 1 + g % 1000,
       (ARRAY['new', 'paid', 'shipped']::order_state[])[1 + g % 3],
       g * 10,
       CASE WHEN g % 3 = 2 THEN now() - (g % 800) * interval '1 day' END
FROM generate_series(1, 5000) g;
