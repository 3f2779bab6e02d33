#!/usr/bin/env bash
# Regenerates sql/ with the real Django (Debian's python3-django and python3-psycopg2): one file per migration,
# named APP.MIGRATION.sql as `tidemark import --from django` expects. sqlmigrate reads the migration history,
# so it connects to a scratch database (created empty here, dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")"
py=/usr/bin/python3
export SHOP_DB="tidemark_django_fixture_$$"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $SHOP_DB"
trap 'psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $SHOP_DB"' EXIT
for m in 0001_initial 0002_book_isbn_author 0003_review_and_constraints; do
  $py manage.py sqlmigrate library "$m" > "sql/library.$m.sql"
done
