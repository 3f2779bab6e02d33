#!/usr/bin/env bash
# Backfill benchmark: one single UPDATE, the seed-style OFFSET loop, a plain PL/pgSQL keyset loop and
# Tidemark's engine (synchronous and asynchronous commit), each alone and each under a pgbench
# application load, on identical copies of one template table. Prints a markdown table (also written to
# bench/results/<stamp>/report.md) and drops every database it created, also on Ctrl-C.
#
#   ./bench/backfill.sh --rows 5000000
#
# Options (defaults in brackets):
#   --rows N              rows in the template table [5000000]
#   --methods "..."       any of: single offset keyset engine engine-async engine-throttled
#                         [all but engine-throttled]
#   --loads "..."         alone, load or both [alone load]
#   --clients N           pgbench clients of the application load [8]
#   --rate-fraction F     the open-loop load runs at F x the closed-loop maximum rate [0.5]
#   --throttled-args "..." BackfillMain options of engine-throttled [--max-rows-per-second 20000]
#   --maxrate-seconds N   closed-loop pgbench run that finds the maximum rate [15]
#   --baseline-seconds N  open-loop run at the load's rate with no migration [30]
#   --offset-factor N     the OFFSET loop is cut off at N x the engine's time and extrapolated [10]
#   --keep-template       keep bench_template afterwards and reuse one of the same size (development)
#   --skip-build          reuse bench/.work/classpath.txt instead of building the engine with Maven
#
# Needs: PostgreSQL on 127.0.0.1:5432 (user postgres, trust; override with PGHOST/PGPORT/PGUSER), psql,
# pgbench, java 17, python3 (stdlib only), mvn for the engine's classpath.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

ROWS=5000000
METHODS="single keyset engine engine-async offset"
LOADS="alone load"
CLIENTS=8
RATE_FRACTION=0.5
THROTTLED_ARGS="--max-rows-per-second 20000"
THREADS=2
MAXRATE_SECONDS=15
BASELINE_SECONDS=30
OFFSET_FACTOR=10
KEEP_TEMPLATE=0
SKIP_BUILD=0
WARMUP_SECONDS=3
# Every method runs this assignment list on every row; n = n + 1 shows a row done twice or never.
SET_EXPR="target = abs(hashtext(payload) % 1000000), n = n + 1"
TEMPLATE_DB=bench_template
RUN_DB=bench_run

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --methods) METHODS=$2; shift 2 ;;
    --loads) LOADS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --rate-fraction) RATE_FRACTION=$2; shift 2 ;;
    --throttled-args) THROTTLED_ARGS=$2; shift 2 ;;
    --maxrate-seconds) MAXRATE_SECONDS=$2; shift 2 ;;
    --baseline-seconds) BASELINE_SECONDS=$2; shift 2 ;;
    --offset-factor) OFFSET_FACTOR=$2; shift 2 ;;
    --keep-template) KEEP_TEMPLATE=1; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ $ROWS =~ ^[0-9]+$ && $ROWS -ge 10000 ]] || { echo "--rows must be a whole number >= 10000" >&2; exit 2; }
awk -v f="$RATE_FRACTION" 'BEGIN { exit !(f + 0 > 0 && f + 0 <= 1) }' \
  || { echo "--rate-fraction must be a number in (0, 1]" >&2; exit 2; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/$STAMP-$ROWS"
RESULTS="$OUT/results.jsonl"
mkdir -p "$OUT" "$HERE/.work"
: > "$RESULTS"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/bench.log" >&2; }
q() { psql -X -v ON_ERROR_STOP=1 -Atq "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
lsn() { q -d postgres -c "SELECT pg_current_wal_lsn()"; }
wal_bytes() { q -d postgres -c "SELECT pg_wal_lsn_diff('$2', '$1')::bigint"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- cleanup: every background process by its pid, every database this run created ----------------
BG_PIDS=()
CREATED_DBS=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  drop_slot 2>/dev/null || true
  for db in "${CREATED_DBS[@]}"; do
    if [ "$db" = "$TEMPLATE_DB" ] && [ "$KEEP_TEMPLATE" = 1 ]; then continue; fi
    q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true
  done
  exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# --- WAL of the table alone ------------------------------------------------------------------------------
# pg_current_wal_lsn() differences count the whole server's WAL, and other sessions (other projects' test
# databases: CREATE DATABASE alone writes ~8 MB) add to it. For the runs without application load the
# benchmark also sums, with pg_waldump, only the records that modify t's heap or its primary key index
# (under load, that includes the application's own writes to t).
# A physical replication slot keeps those segments until they are read; it is dropped right after.
WAL_SLOT=bench_wal
PG_WALDUMP=${PG_WALDUMP:-$(ls /usr/lib/postgresql/*/bin/pg_waldump 2>/dev/null | tail -1)}
PG_WAL_DIR=""
table_wal_supported() {
  [ -n "$PG_WALDUMP" ] && PG_WAL_DIR="$(q -d postgres -c "SHOW data_directory")/pg_wal" && [ -r "$PG_WAL_DIR" ]
}
create_slot() { q -d postgres -c "SELECT pg_create_physical_replication_slot('$WAL_SLOT', true)" >/dev/null; }
drop_slot() {
  q -d postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
      WHERE slot_name = '$WAL_SLOT'" >/dev/null
}
# bytes of the WAL records between two LSNs that modify relation $3 (tablespace/database/filenode)
relation_wal() {
  "$PG_WALDUMP" -p "$PG_WAL_DIR" -s "$1" -e "$2" -R "$3" --stats 2>/dev/null \
    | awk '$1 == "Total" { print $(NF-1) }'
}
table_wal() {
  local from=$1 to=$2 heap idx sum=0 rel part
  heap=$(q -d "$RUN_DB" -c "SELECT (SELECT oid FROM pg_tablespace WHERE spcname = 'pg_default') || '/' ||
      (SELECT oid FROM pg_database WHERE datname = current_database()) || '/' || pg_relation_filenode('t')")
  idx=${heap%/*}/$(q -d "$RUN_DB" -c "SELECT pg_relation_filenode('t_pkey')")
  # the last records may still be in WAL buffers: wait until the server has flushed up to $to
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(q -d postgres -c "SELECT pg_current_wal_flush_lsn() >= '$to'")" = t ] && break
    sleep 0.5
  done
  for rel in "$heap" "$idx"; do
    part=$(relation_wal "$from" "$to" "$rel")
    if ! [[ $part =~ ^[0-9]+$ ]]; then echo null; return; fi  # pg_waldump failed: the report falls back
    sum=$((sum + part))
  done
  echo "$sum"
}

drop_db() { q -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; }

# --- the engine's classpath ---------------------------------------------------------------------------
CP_FILE="$HERE/.work/classpath.txt"
build_engine() {
  if [ "$SKIP_BUILD" = 1 ] && [ -s "$CP_FILE" ]; then return; fi
  log "building the engine (mvn -pl backfill -am package)"
  (cd "$ROOT" && mvn -B -q -pl backfill -am package -DskipTests dependency:build-classpath \
      -Dmdep.includeScope=runtime -Dmdep.outputFile="$CP_FILE.deps" >"$OUT/build.log" 2>&1) \
    || { echo "engine build failed, see $OUT/build.log" >&2; exit 1; }
  local jar
  jar=$(ls "$ROOT"/backfill/target/tidemark-backfill-*.jar | grep -v -- '-sources\|-javadoc' | head -1)
  echo "$jar:$(cat "$CP_FILE.deps")" > "$CP_FILE"
}

# --- template and copies ---------------------------------------------------------------------------
build_template() {
  if [ "$KEEP_TEMPLATE" = 1 ] \
      && [ "$(q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$TEMPLATE_DB'")" = 1 ] \
      && [ "$(q -d "$TEMPLATE_DB" -c "SELECT last_value FROM t_app_id" 2>/dev/null)" = "$ROWS" ]; then
    log "reusing $TEMPLATE_DB ($ROWS rows)"
    CREATED_DBS+=("$TEMPLATE_DB")
    return
  fi
  log "building $TEMPLATE_DB with $ROWS rows"
  drop_db "$TEMPLATE_DB"
  CREATED_DBS+=("$TEMPLATE_DB")
  q -d postgres -c "CREATE DATABASE $TEMPLATE_DB"
  q -d "$TEMPLATE_DB" -v rows="$ROWS" -f "$HERE/sql/template.sql" >/dev/null
  sed "s/@SET@/$SET_EXPR/" "$HERE/sql/procedures.sql" | q -d "$TEMPLATE_DB" -f - >/dev/null
  log "template: $(q -d "$TEMPLATE_DB" -c "SELECT pg_size_pretty(pg_table_size('t')) || ' heap, ' ||
      pg_size_pretty(pg_indexes_size('t')) || ' index, ' || round(avg(pg_column_size(t.*))) || ' bytes/row'
      FROM (SELECT * FROM t LIMIT 10000) t")"
}

# A fresh copy of the template, vacuumed and analyzed, after a checkpoint: every run starts alike.
fresh_copy() {
  drop_db "$RUN_DB"
  CREATED_DBS+=("$RUN_DB")
  q -d postgres -c "CREATE DATABASE $RUN_DB TEMPLATE $TEMPLATE_DB STRATEGY FILE_COPY"
  q -d "$RUN_DB" -c "VACUUM ANALYZE t"
  q -d postgres -c "CHECKPOINT"
}

# --- the application load ----------------------------------------------------------------------------
# Point selects 70 %, updates of random rows 20 %, inserts above the template's maximum 10 %.
APP_SCRIPTS=(-f "$HERE/app/select.sql@70" -f "$HERE/app/update.sql@20" -f "$HERE/app/insert.sql@10")
RATE=0

measure_max_rate() {
  fresh_copy
  log "closed-loop pgbench for ${MAXRATE_SECONDS}s: maximum application rate"
  PGAPPNAME=bench_app pgbench -n -c "$CLIENTS" -j "$THREADS" -T "$MAXRATE_SECONDS" -D maxid="$ROWS" \
    "${APP_SCRIPTS[@]}" "$RUN_DB" >"$OUT/maxrate.txt" 2>&1
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$OUT/maxrate.txt")
  RATE=$(awk -v t="$tps" -v f="$RATE_FRACTION" 'BEGIN { printf "%d", t * f }')
  log "maximum ${tps} tps; the load runs open-loop at ${RATE} tps"
  printf '{"kind":"maxrate","tps":%s,"rate":%s,"fraction":%s,"clients":%s,"seconds":%s}\n' \
    "$tps" "$RATE" "$RATE_FRACTION" "$CLIENTS" "$MAXRATE_SECONDS" >>"$RESULTS"
}

LOAD_PGBENCH=0
LOAD_SAMPLER=0
# Open-loop pgbench at $RATE with a per-transaction log, and the lock-wait sampler, both in the background.
start_load() {
  local name=$1
  PGAPPNAME=bench_app pgbench -n -c "$CLIENTS" -j "$THREADS" -R "$RATE" -T 36000 -P 1 -D maxid="$ROWS" \
    -l --log-prefix="$OUT/$name.pgbench" "${APP_SCRIPTS[@]}" "$RUN_DB" \
    >"$OUT/$name.pgbench.out" 2>"$OUT/$name.pgbench.progress" &
  LOAD_PGBENCH=$!
  BG_PIDS+=("$LOAD_PGBENCH")
  # psql itself in the background (not through q, a function, whose subshell would get the pid)
  psql -X -Atq -F ' ' -d "$RUN_DB" -f "$HERE/sql/lockwaits.sql" >"$OUT/$name.lockwaits" 2>/dev/null &
  LOAD_SAMPLER=$!
  BG_PIDS+=("$LOAD_SAMPLER")
  sleep "$WARMUP_SECONDS"
}

# Let the transactions scheduled during the migration finish: open-loop, a blocked application builds a
# backlog that it works off afterwards, and those late transactions are the migration's doing. Waits
# until pgbench's schedule lag is back under 100 ms (at least 2 s, at most 300 s).
stop_load() {
  local name=$1 waited=0
  sleep 2
  while [ $waited -lt 300 ]; do
    local lag
    lag=$(grep -o 'lag [0-9.]* ms' "$OUT/$name.pgbench.progress" | tail -1 | awk '{ print $2 }')
    if [ -n "$lag" ] && awk -v l="$lag" 'BEGIN { exit !(l < 100) }'; then break; fi
    sleep 1
    waited=$((waited + 1))
  done
  # SIGTERM, not SIGINT: a background job of a script ignores SIGINT. pgbench has no handler for either;
  # what it loses is the unflushed tail of its logs, transactions after the migration window.
  kill -TERM "$LOAD_PGBENCH" 2>/dev/null || true
  kill "$LOAD_SAMPLER" 2>/dev/null || true
  wait "$LOAD_PGBENCH" 2>/dev/null || true
  wait "$LOAD_SAMPLER" 2>/dev/null || true
}

baseline() {
  fresh_copy
  log "baseline: open-loop pgbench at ${RATE} tps for ${BASELINE_SECONDS}s, no migration"
  start_load baseline
  local t0 l0 t1 l1
  t0=$(now); l0=$(lsn)
  sleep "$BASELINE_SECONDS"
  t1=$(now); l1=$(lsn)
  stop_load baseline
  printf '{"kind":"baseline","window":[%s,%s],"wal_bytes":%s,"pgbench":"baseline.pgbench","lockwaits":"baseline.lockwaits","rate":%s,"loadavg":"%s"}\n' \
    "$t0" "$t1" "$(wal_bytes "$l0" "$l1")" "$RATE" "$(loadavg)" >>"$RESULTS"
}

# --- the methods -----------------------------------------------------------------------------------------
ENGINE_SECONDS_alone=0
ENGINE_SECONDS_load=0
SECONDS_USED=0
WALL_USED=0
EXTRA=""

# One SQL statement, timed from the client: the single UPDATE and the keyset loop's CALL.
method_sql() {
  local t0 t1
  t0=$(now)
  q -d "$RUN_DB" -c "$1" >/dev/null
  t1=$(now)
  SECONDS_USED=$(elapsed "$t0" "$t1"); WALL_USED=$SECONDS_USED
}

# rows/s of the engine is over its batching time (first batch to last commit), the same span the SQL
# methods are timed over; the JVM start, connection and catalog reads are in the wall time beside it.
method_engine() {
  local name=$1 sync=$2 t0 t1
  shift 2
  t0=$(now)
  java -Xmx1g -Dlogback.configurationFile="$HERE/logback.xml" -cp "$(cat "$CP_FILE")" io.tidemark.backfill.BackfillMain \
    --url "postgresql://$PGUSER@$PGHOST:$PGPORT/$RUN_DB" --table public.t --set "$SET_EXPR" \
    --synchronous-commit "$sync" --progress-ms 1000 "$@" >"$OUT/$name.engine.json" 2>"$OUT/$name.engine.progress" \
    || { log "engine failed: $(cat "$OUT/$name.engine.json")"; exit 1; }
  t1=$(now)
  WALL_USED=$(elapsed "$t0" "$t1")
  SECONDS_USED=$(python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print(r["batchingMs"]/1000)' "$OUT/$name.engine.json")
  EXTRA=",\"engine\":$(tail -1 "$OUT/$name.engine.json")"
}

method_offset() {
  local name=$1 load=$2 cutoff t0 t1
  local engine_var="ENGINE_SECONDS_$load"
  cutoff=$(awk -v e="${!engine_var}" -v f="$OFFSET_FACTOR" 'BEGIN { c = e * f; if (c <= 0) c = 600; printf "%.0f", c }')
  log "  OFFSET loop cut off after ${cutoff}s (${OFFSET_FACTOR}x the engine's ${!engine_var}s)"
  t0=$(now)
  q -d "$RUN_DB" -c "CALL offset_loop(1000, clock_timestamp() + interval '$cutoff seconds')" \
    >/dev/null 2>"$OUT/$name.offset.notices"
  t1=$(now)
  WALL_USED=$(elapsed "$t0" "$t1"); SECONDS_USED=$WALL_USED
  EXTRA=",\"offset_notices\":\"$name.offset.notices\",\"cutoff_seconds\":$cutoff"
}

# Every row of the template updated exactly once (n = 1, target set); rows the application inserted are
# above the template's maximum and not counted. The OFFSET loop stops early, so it is not checked.
verify() {
  q -d "$RUN_DB" -c "SELECT count(*) FILTER (WHERE n <> 1 OR target IS NULL) FROM t WHERE id <= $ROWS"
}

run_one() {
  local method=$1 load=$2 name="$1-$2" t0 t1 l0 l1 wal bad
  fresh_copy
  log "run $name (load average $(loadavg))"
  EXTRA=""
  [ "$load" = load ] && start_load "$name"
  local track_wal=0
  if table_wal_supported; then track_wal=1; create_slot; fi
  local la; la=$(loadavg)
  t0=$(now); l0=$(lsn)
  case "$method" in
    single) method_sql "UPDATE t SET $SET_EXPR" ;;
    keyset) method_sql "CALL keyset_loop(1000)" ;;
    engine) method_engine "$name" on ;;
    engine-async) method_engine "$name" off ;;
    # shellcheck disable=SC2086 # THROTTLED_ARGS is a list of options
    engine-throttled) method_engine "$name" on $THROTTLED_ARGS ;;
    offset) method_offset "$name" "$load" ;;
  esac
  t1=$(now); l1=$(lsn)
  wal=$(wal_bytes "$l0" "$l1")
  [ "$load" = load ] && stop_load "$name"
  local twal=null
  if [ $track_wal = 1 ]; then twal=$(table_wal "$l0" "$l1" || echo null); drop_slot; fi
  if [ "$method" = engine ]; then printf -v "ENGINE_SECONDS_$load" '%s' "$WALL_USED"; fi
  if [ "$method" = offset ]; then bad=null; else bad=$(verify); fi
  log "  $name: ${SECONDS_USED}s (wall ${WALL_USED}s), WAL $wal bytes (table+index $twal), rows not updated exactly once: $bad"
  if [ "$bad" != null ] && [ "$bad" != 0 ]; then log "  WARNING: $bad rows not updated exactly once"; fi
  printf '{"kind":"run","method":"%s","load":"%s","rows":%s,"seconds":%s,"wall_seconds":%s,"window":[%s,%s],"wal_bytes":%s,"table_wal_bytes":%s,"wrong_rows":%s,"loadavg":"%s"%s%s}\n' \
    "$method" "$load" "$ROWS" "$SECONDS_USED" "$WALL_USED" "$t0" "$t1" "$wal" "$twal" "$bad" "$la" \
    "$([ "$load" = load ] && printf ',"pgbench":"%s.pgbench","lockwaits":"%s.lockwaits"' "$name" "$name")" \
    "$EXTRA" >>"$RESULTS"
  drop_db "$RUN_DB"
}

# The OFFSET loop's cut-off depends on the engine's time, so the engine always runs before it.
ordered_methods() {
  local m out=""
  for m in single keyset engine engine-async engine-throttled offset; do
    [[ " $METHODS " == *" $m "* ]] && out="$out $m"
  done
  echo "$out"
}

main() {
  log "backfill benchmark: $ROWS rows, methods:$(ordered_methods), loads: $LOADS; results in $OUT"
  printf '{"kind":"machine","rows":%s,"nproc":%s,"mem":"%s","postgres":"%s","loadavg":"%s","set":"%s","clients":%s,"started":"%s"}\n' \
    "$ROWS" "$(nproc)" "$(free -g | awk '/^Mem:/ { print $2 " GiB" }')" \
    "$(q -d postgres -c 'SHOW server_version')" "$(loadavg)" "$SET_EXPR" "$CLIENTS" "$STAMP" >>"$RESULTS"
  [[ " $METHODS " == *" engine"* ]] && build_engine
  build_template
  if [[ " $LOADS " == *" load "* ]]; then
    measure_max_rate
    baseline
  fi
  local load method
  for load in alone load; do
    [[ " $LOADS " == *" $load "* ]] || continue
    for method in $(ordered_methods); do run_one "$method" "$load"; done
  done
  python3 "$HERE/report.py" "$OUT" | tee "$OUT/report.md"
  log "done; results in $OUT"
}

main
