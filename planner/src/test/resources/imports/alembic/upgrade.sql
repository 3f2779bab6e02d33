BEGIN;

-- Running upgrade a1 -> b2

CREATE INDEX ix_orders_customer_id ON orders (customer_id);

ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY(customer_id) REFERENCES customer (id) ON DELETE CASCADE;

ALTER TABLE orders ADD CONSTRAINT ck_orders_amount_positive CHECK (amount >= 0);

ALTER TABLE customer ADD COLUMN tier VARCHAR(20) DEFAULT 'free' NOT NULL;

ALTER TABLE orders ADD COLUMN note TEXT;

ALTER TYPE order_state ADD VALUE 'shipped' AFTER 'paid';

UPDATE customer SET email = lower(name) || '@example.com' WHERE email IS NULL;

UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';

-- Running upgrade b2 -> c3

ALTER TABLE customer ALTER COLUMN email SET NOT NULL;

ALTER TABLE customer ADD CONSTRAINT uq_customer_email UNIQUE (email);

ALTER TABLE customer ALTER COLUMN name TYPE VARCHAR(200);

ALTER TABLE customer DROP COLUMN legacy_code;

UPDATE alembic_version SET version_num='c3' WHERE alembic_version.version_num = 'b2';

COMMIT;

