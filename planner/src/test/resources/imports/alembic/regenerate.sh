#!/usr/bin/env bash
# Regenerates this fixture's SQL with the real Alembic (Debian's python3-alembic): before.sql is the schema
# before the import (revision a1), upgrade.sql the offline upgrade a1 -> head that the tests import.
set -euo pipefail
cd "$(dirname "$0")"
py=/usr/bin/python3
$py -m alembic -c alembic.ini upgrade base:a1 --sql > before.sql
$py -m alembic -c alembic.ini upgrade a1:head --sql > upgrade.sql
