#!/usr/bin/env bash
# Runs once, when the PostgreSQL container initialises an empty data directory (docker-entrypoint-initdb.d).
# Creates the role Tidemark connects as, then each database named in TIDEMARK_DATABASES owned by it, and
# loads the example schema as that role so Tidemark owns the tables it will alter.
#   TIDEMARK_DATABASES     space-separated names, e.g. "authdb apidb"
#   TIDEMARK_DB_PASSWORD   the role's password (the compose file passes the same value to Tidemark)
#   TIDEMARK_SCHEMA_FILE   the schema to load (default /tidemark/schema.sql, where the compose file mounts it)
set -euo pipefail
: "${TIDEMARK_DATABASES:?set TIDEMARK_DATABASES to the databases this server holds}"
: "${TIDEMARK_DB_PASSWORD:?set TIDEMARK_DB_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v password="$TIDEMARK_DB_PASSWORD" <<'SQL'
CREATE ROLE tidemark LOGIN PASSWORD :'password';
-- pg_monitor: the throttle reads pg_stat_replication and pg_locks of every session, not only its own.
GRANT pg_monitor TO tidemark;
SQL

for db in $TIDEMARK_DATABASES; do
  echo "tidemark-initdb: creating $db and loading the example schema"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE \"$db\" OWNER tidemark"
  # One psql session: -c and -f run in order, so the schema's objects are created as (owned by) tidemark.
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$db" \
    -c "SET ROLE tidemark" -f "${TIDEMARK_SCHEMA_FILE:-/tidemark/schema.sql}"
done
