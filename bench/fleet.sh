#!/usr/bin/env bash
# Fleet benchmark: one plan over N databases on this one PostgreSQL server, through the daemon, against
# the seeds' way (a shell loop running `psql -f migration.sql` against each database in turn).
#
#   ./bench/fleet.sh --databases 100
#
# The plan: an index, a foreign key, a new column backfilled, then NOT NULL and a dropped column, on
# copies of one template database (customers + orders, about 10,000 rows). Reports wall time, the
# per-database time p50/p99, the peak number of connections Tidemark held (pg_stat_activity sampled every
# 500 ms, by application_name), the daemon's peak heap and RSS, the number of series on /metrics and the
# SIGTERM shutdown time; and the sequential loop's wall time on the same copies. Prints one markdown
# table (also written to bench/results/fleet-<stamp>/report.md) and drops every database it created,
# also on Ctrl-C. Changes no server setting.
#
# Options (defaults in brackets):
#   --databases N     databases in the fleet [100]
#   --budget N        servers.fleet.max-connections [10]
#   --backfills N     servers.fleet.max-concurrent-backfills [1, the default]
#   --parallel N      rollout.parallel [N]
#   --xmx SIZE        the daemon's -Xmx [256m]
#   --skip-loop       do not time the sequential psql loop
#   --skip-build      reuse daemon/target/tidemark.jar
#
# Needs: PostgreSQL on 127.0.0.1:5432 (user postgres, trust; PGHOST/PGPORT/PGUSER override), psql, curl,
# java 17 (jstat), mvn (unless --skip-build).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

N=100
BUDGET=10
BACKFILLS=1
PARALLEL=""
XMX=256m
SKIP_LOOP=0
SKIP_BUILD=0
usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --databases) N=$2; shift 2 ;;
    --budget) BUDGET=$2; shift 2 ;;
    --backfills) BACKFILLS=$2; shift 2 ;;
    --parallel) PARALLEL=$2; shift 2 ;;
    --xmx) XMX=$2; shift 2 ;;
    --skip-loop) SKIP_LOOP=1; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ $N =~ ^[0-9]+$ && $N -ge 1 && $N -le 5000 ]] || { echo "--databases must be 1..5000" >&2; exit 2; }
[[ $BUDGET =~ ^[0-9]+$ && $BUDGET -ge 3 ]] || { echo "--budget must be >= 3" >&2; exit 2; }
PARALLEL=${PARALLEL:-$N}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/fleet-$STAMP-$N"
mkdir -p "$OUT"
PREFIX=bench_fleet
STATE_DB=${PREFIX}_state
TEMPLATE_DB=${PREFIX}_tpl
PORT=${TIDEMARK_BENCH_PORT:-7699}
TOKEN=bench-token-$RANDOM$RANDOM$RANDOM
DAEMON_PID=""
SAMPLER_PID=""
WATCH_PID=""
JSTAT_PID=""

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/bench.log" >&2; }
q() { psql -X -v ON_ERROR_STOP=1 -Atq "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
db() { printf '%s_%04d' "$PREFIX" "$1"; }

cleanup() {
  set +e
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
  [ -n "$JSTAT_PID" ] && kill "$JSTAT_PID" 2>/dev/null
  [ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
  log "dropping the benchmark's databases"
  q -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}\_%'" | while read -r d; do
    q -d postgres -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$SKIP_BUILD" = 0 ]; then
  log "building daemon/target/tidemark.jar"
  (cd "$ROOT" && mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl daemon -am) >>"$OUT/bench.log" 2>&1
fi
JAR="$ROOT/daemon/target/tidemark.jar"
[ -f "$JAR" ] || { echo "no $JAR" >&2; exit 1; }

log "template $TEMPLATE_DB: 1,000 customers, 9,000 orders"
q -d postgres -c "DROP DATABASE IF EXISTS $TEMPLATE_DB WITH (FORCE)" -c "CREATE DATABASE $TEMPLATE_DB"
q -d "$TEMPLATE_DB" <<'SQL'
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount int NOT NULL, legacy text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 1000) g;
INSERT INTO orders SELECT g, 1 + g % 1000, g % 500, 'x' FROM generate_series(1, 9000) g;
VACUUM ANALYZE;
SQL

copies() {
  local t0; t0=$(now)
  # Four at a time: each copy is WAL-logged (PostgreSQL 15's default strategy), so disk flushes dominate.
  for i in $(seq 1 "$N"); do db "$i"; echo; done \
    | xargs -P 4 -I{} psql -X -v ON_ERROR_STOP=1 -Atq -d postgres -c "CREATE DATABASE {} TEMPLATE $TEMPLATE_DB"
  log "$N copies in $(elapsed "$t0" "$(now)") s"
}

# The seeds' way: the same change as plain statements, one database after the other.
cat > "$OUT/migration.sql" <<'SQL'
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ADD COLUMN priority int;
UPDATE orders SET priority = amount % 3;
ALTER TABLE orders ALTER COLUMN priority SET NOT NULL;
ALTER TABLE orders DROP COLUMN legacy;
SQL
cat > "$OUT/undo.sql" <<'SQL'
DROP INDEX orders_customer_id_idx;
ALTER TABLE orders DROP CONSTRAINT orders_customer_fk, DROP COLUMN priority, ADD COLUMN legacy text DEFAULT 'x';
ALTER TABLE orders ALTER COLUMN legacy DROP DEFAULT;
VACUUM ANALYZE orders;
SQL
cpu() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat; }
# PostgreSQL's CPU seconds: every live postgres process, plus what the postmaster reaped of its exited
# children (cutime + cstime), so backends that came and went are counted. Needs to read /proc of the
# server's processes (same user or root); prints 0 otherwise.
pg_cpu() {
  local pm; pm=$(pgrep -o -x postgres || true)
  [ -n "$pm" ] || { echo 0; return; }
  { awk '{ print $16 + $17 }' "/proc/$pm/stat"; for p in $(pgrep -x postgres); do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true; done; } \
    | awk '{ s += $1 } END { print s / 100 }'
}
# The fleet's sessions (backends started) and commits, from pg_stat_database.
fleet_stats() {
  q -d postgres -c "SELECT sum(sessions), sum(xact_commit) FROM pg_stat_database WHERE datname LIKE '${PREFIX}\_0%'" | tr '|' ' '
}
LOOP_S="-"
if [ "$SKIP_LOOP" = 0 ]; then
  copies
  log "sequential loop: psql -f migration.sql on each database"
  read -r BUSY0 IDLE0 <<< "$(cpu)"
  PGCPU0=$(pg_cpu)
  t0=$(now)
  for i in $(seq 1 "$N"); do psql -X -q -v ON_ERROR_STOP=1 -d "$(db "$i")" -f "$OUT/migration.sql" >/dev/null; done
  LOOP_S=$(elapsed "$t0" "$(now)")
  read -r BUSY1 IDLE1 <<< "$(cpu)"
  log "sequential loop: PostgreSQL CPU $(awk -v a="$PGCPU0" -v b="$(pg_cpu)" 'BEGIN { printf "%.1f", b - a }') s; machine busy $(awk -v b="$((BUSY1 - BUSY0))" -v i="$((IDLE1 - IDLE0))" 'BEGIN { printf "%d", 100 * b / (b + i) }')% (all cores)"
  log "sequential loop: $LOOP_S s; undoing it (not timed) so Tidemark starts from the same copies"
  for i in $(seq 1 "$N"); do psql -X -q -v ON_ERROR_STOP=1 -d "$(db "$i")" -f "$OUT/undo.sql" >/dev/null; done
else
  copies
fi
q -d postgres -c "DROP DATABASE IF EXISTS $STATE_DB WITH (FORCE)" -c "CREATE DATABASE $STATE_DB"

{
  echo "tidemark {"
  echo "  state-database = state"
  echo "  http { port = $PORT }"
  echo "  auth.tokens = [ { name = bench, role = operator, token = \"$TOKEN\" } ]"
  echo "  databases {"
  echo "    state { url = \"postgresql://$PGUSER@$PGHOST:$PGPORT/$STATE_DB?sslmode=disable\", server = control }"
  for i in $(seq 1 "$N"); do
    printf '    d%04d { url = "postgresql://%s@%s:%s/%s?sslmode=disable", server = fleet }\n' \
      "$i" "$PGUSER" "$PGHOST" "$PGPORT" "$(db "$i")"
  done
  echo "  }"
  echo "  servers { fleet { max-connections = $BUDGET, max-concurrent-backfills = $BACKFILLS } }"
  echo "  daemon { instance-id = bench, poll-interval = 500ms }"
  echo "}"
} > "$OUT/tidemark.conf"
{
  echo "id = \"fleet-$STAMP\""
  printf 'databases = ['; for i in $(seq 1 "$N"); do printf '%sd%04d' "$([ "$i" = 1 ] || echo ', ')" "$i"; done; echo ']'
  echo "rollout { canary = 1, parallel = $PARALLEL }"
  echo "contract.approval = auto"
  cat <<'PLAN'
expand = [
  { op = create_index, table = orders, name = orders_customer_id_idx, columns = [customer_id] }
  { op = add_foreign_key, table = orders, name = orders_customer_fk, columns = [customer_id],
    references { table = customers, columns = [id] } }
  { op = add_column, table = orders, column = priority, type = int }
]
migrate = [ { op = backfill, table = orders, set = "priority = amount % 3" } ]
contract = [
  { op = set_not_null, table = orders, column = priority }
  { op = drop_column, table = orders, column = legacy }
]
PLAN
} > "$OUT/plan.conf"

log "starting the daemon (-Xmx$XMX)"
java -Xmx"$XMX" ${TIDEMARK_BENCH_JAVA_OPTS:-} -jar "$JAR" run --config "$OUT/tidemark.conf" >"$OUT/daemon.log" 2>&1 &
DAEMON_PID=$!
# Ready means the API answers /health/ready (the control schema is current); a log line is no signal: "ready"
# also matches a library's "already registered" warning, which can come first.
ready() { curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; }
for _ in $(seq 1 120); do ready && break; sleep 0.5; done
ready || { echo "daemon did not start; see $OUT/daemon.log" >&2; exit 1; }

# Every 500 ms, from one psql session (\watch): Tidemark's sessions on the fleet's databases and the plan's
# state (pg-samples.txt). From /proc, every 500 ms: the daemon's RSS and CPU seconds (samples.txt). The heap
# comes from one jstat process (jstat-gc.txt). Samplers that start a process per sample cost the machine
# what the measured daemon then runs beside: psql twice a second (a process and a backend each, ~28 ms of
# a backend's start on this machine) was a tenth of the CPU, jstat (a JVM) every 500 ms half a core; the
# loop runs with no sampler at all.
jstat -gc "$DAEMON_PID" 500 > "$OUT/jstat-gc.txt" 2>/dev/null &
JSTAT_PID=$!
psql -X -Atq -F ' ' -d "$STATE_DB" > "$OUT/pg-samples.txt" 2>/dev/null <<SQL &
SELECT extract(epoch FROM clock_timestamp()), (SELECT count(*) FROM pg_stat_activity
  WHERE application_name LIKE 'tidemark/%' AND datname LIKE '${PREFIX}\_0%'),
  coalesce((SELECT state FROM tidemark.plans LIMIT 1), 'none') \watch 0.5
SQL
WATCH_PID=$!
(
  while kill -0 "$DAEMON_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null || echo 0)
    dcpu=$(awk '{ print ($14 + $15) / 100 }' "/proc/$DAEMON_PID/stat" 2>/dev/null || echo 0)
    echo "$(date +%s.%N) - $rss $dcpu"
    sleep 0.5
  done
) > "$OUT/samples.txt" &
SAMPLER_PID=$!

log "submitting the plan over $N databases"
daemon_cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$DAEMON_PID/stat"; }
read -r BUSY0 IDLE0 <<< "$(cpu)"
DCPU0=$(daemon_cpu)
PGCPU0=$(pg_cpu)
read -r SESS0 XACT0 <<< "$(fleet_stats)"
t0=$(now)
curl -sf -H "Authorization: Bearer $TOKEN" -H "Content-Type: text/plain" --data-binary @"$OUT/plan.conf" \
  "http://127.0.0.1:$PORT/plans" >/dev/null
while :; do
  s=$(tail -n 1 "$OUT/pg-samples.txt" | awk '{ print $3 }')
  case "$s" in completed) break ;; failed|cancelled|rolled-back) echo "plan $s; see $OUT" >&2; exit 1 ;; esac
  sleep 0.5
done
TIDEMARK_S=$(elapsed "$t0" "$(now)")
read -r BUSY1 IDLE1 <<< "$(cpu)"
DAEMON_CPU=$(awk -v a="$DCPU0" -v b="$(daemon_cpu)" 'BEGIN { printf "%.1f", b - a }')
PG_CPU=$(awk -v a="$PGCPU0" -v b="$(pg_cpu)" 'BEGIN { printf "%.1f", b - a }')
read -r SESS1 XACT1 <<< "$(fleet_stats)"
log "PostgreSQL CPU $PG_CPU s; on the fleet's databases $((SESS1 - SESS0)) sessions started, $((XACT1 - XACT0)) commits"
MACHINE_BUSY=$(awk -v b="$((BUSY1 - BUSY0))" -v i="$((IDLE1 - IDLE0))" 'BEGIN { printf "%d", 100 * b / (b + i) }')
log "daemon CPU $DAEMON_CPU s; machine busy $MACHINE_BUSY% (all cores) while the plan ran"
log "plan completed in $TIDEMARK_S s"
SERIES=$(curl -sf "http://127.0.0.1:$PORT/metrics" | grep -vc '^#')

# Per database: the time its drivers ran, each phase from its lease to its last event (barrier waits and
# the queue before the lease left out; the queue for connections inside a phase included).
q -d "$STATE_DB" -c "WITH e AS (SELECT database, at, count(*) FILTER (WHERE kind = 'lease-acquired')
    OVER (PARTITION BY database ORDER BY id) AS run FROM tidemark.events WHERE database IS NOT NULL),
  runs AS (SELECT database, run, max(at) - min(at) AS took FROM e WHERE run > 0 GROUP BY database, run)
  SELECT extract(epoch FROM sum(took)) FROM runs GROUP BY database ORDER BY 1" > "$OUT/per-database.txt"
log "stored plan: $(q -d "$STATE_DB" -c "SELECT pg_size_pretty(sum(length(compiled::text))::bigint) FROM tidemark.plans") of compiled JSON"
# Every event, for finding where the time went (stays in the git-ignored results directory).
q -d "$STATE_DB" -c "\\copy (SELECT id, at, database, step_id, kind, duration_ms, outcome FROM tidemark.events
  ORDER BY id) TO '$OUT/events.csv' CSV HEADER"
P50=$(awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR - 1) * 0.50) + 1] }' "$OUT/per-database.txt")
P99=$(awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR - 1) * 0.99) + 1] }' "$OUT/per-database.txt")

# Each part of the run: submit -> each state change (preflight, then the phases), as epoch seconds.
q -d "$STATE_DB" -c "SELECT extract(epoch FROM at), CASE WHEN kind = 'submit' THEN 'submit' ELSE message END
  FROM tidemark.events WHERE plan_id = (SELECT id FROM tidemark.plans) AND kind IN ('submit', 'state-changed')
  ORDER BY id" > "$OUT/phases.txt"

# The control store's share of PostgreSQL's CPU: its sessions are the daemon's pool, alive until SIGTERM.
CONTROL_CPU=$(for p in $(pgrep -x postgres); do
    grep -qa "$STATE_DB" "/proc/$p/cmdline" 2>/dev/null && awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true
  done | awk '{ s += $1 } END { printf "%.1f", s / 100 }')
log "of which the control store's sessions (still open): $CONTROL_CPU s"
log "SIGTERM"
t1=$(now)
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || true
SHUTDOWN_S=$(elapsed "$t1" "$(now)")
DAEMON_PID=""
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
kill "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
PEAK_CONNS=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$OUT/pg-samples.txt")
PEAK_RSS=$(awk 'BEGIN { m = 0 } $3 > m { m = $3 } END { printf "%d", m / 1024 }' "$OUT/samples.txt")
kill "$JSTAT_PID" 2>/dev/null || true
# S0U + S1U + EU + OU: the heap in use, KB.
PEAK_HEAP=$(awk 'BEGIN { m = 0 } $1 ~ /^[0-9]/ { h = $3 + $4 + $6 + $8; if (h > m) m = h } END { printf "%d", m / 1024 }' "$OUT/jstat-gc.txt")
SAMPLES=$(grep -c . "$OUT/pg-samples.txt")

{
  echo "| N | method | wall s | per-db p50 s | per-db p99 s | peak connections | peak heap MB | peak RSS MB | /metrics series | shutdown s |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  echo "| $N | Tidemark (max-connections $BUDGET, max-concurrent-backfills $BACKFILLS, parallel $PARALLEL, -Xmx$XMX) | $TIDEMARK_S | $P50 | $P99 | $PEAK_CONNS | $PEAK_HEAP | $PEAK_RSS | $SERIES | $SHUTDOWN_S |"
  echo "| $N | sequential \`psql -f migration.sql\` loop | $LOOP_S | | | 1 | | | | |"
  echo
  echo "($SAMPLES samples every 500 ms; per-database time: its three phases, each from its lease to its last event)"
  echo
  echo "| part | wall s | daemon CPU s |"
  echo "|---|---|---|"
  # Wall time between consecutive state changes; the daemon's CPU seconds over the same span, from the samples.
  awk -F'|' 'NR == FNR { t[NR] = $1; what[NR] = $2; n = NR; next }
    { st[++m] = $1; sc[m] = $4 }
    function cpu(x,   i, c) { c = sc[1]; for (i = 1; i <= m; i++) if (st[i] <= x) c = sc[i]; return c }
    END {
      names[1] = "preflight"; names[2] = "expand"; names[3] = "migrate"; names[4] = "approval wait / contract"
      for (i = 1; i < n; i++) {
        label = (i in names) ? names[i] : what[i + 1]
        if (what[i + 1] ~ /-> completed/) label = "contract"
        printf "| %s | %.1f | %.1f |\n", label, t[i + 1] - t[i], cpu(t[i + 1]) - cpu(t[i])
      }
    }' "$OUT/phases.txt" FS=' ' "$OUT/samples.txt"
} | tee "$OUT/report.md"
