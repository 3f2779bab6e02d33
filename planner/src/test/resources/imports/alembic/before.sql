BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> a1

CREATE TYPE order_state AS ENUM ('new', 'paid');

CREATE TABLE customer (
    id BIGSERIAL NOT NULL, 
    name VARCHAR(100) NOT NULL, 
    email VARCHAR(200), 
    legacy_code VARCHAR(10), 
    PRIMARY KEY (id)
);

CREATE TABLE orders (
    id BIGSERIAL NOT NULL, 
    customer_id BIGINT NOT NULL, 
    amount NUMERIC(10, 2) NOT NULL, 
    state order_state NOT NULL, 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;

COMMIT;

