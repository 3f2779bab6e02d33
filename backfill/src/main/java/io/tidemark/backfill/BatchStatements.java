package io.tidemark.backfill;

import io.tidemark.planner.BackfillSpec;
import java.util.Set;

/**
 * The SQL of one backfill's batches, built once per run from the table's key and the step's expressions.
 * Identifiers come quoted from {@link TableKey}; key values are always bind parameters; {@code set} and
 * {@code where} are the plan's expressions, checked by the planner to be single expressions.
 *
 * <p>A batch is two statements in one transaction (plus the checkpoint): first find where the batch ends,
 * then update that key range.
 *
 * <pre>
 * -- the batch's last key and how many keys it spans: an index-only walk of at most N keys from the checkpoint
 * SELECT "id"::text AS k0, count(*) OVER () AS keys
 * FROM (SELECT "id" FROM "public"."users" WHERE "id" > $1 AND "id" <= $2 ORDER BY "id" LIMIT $3) batch
 * ORDER BY "id" DESC LIMIT 1;
 * -- the range, by key: one index range scan, no OFFSET, no IN-list of N values
 * UPDATE "public"."users" SET status = ... WHERE "id" > $1 AND "id" <= $2 AND (status IS NULL);
 * </pre>
 *
 * <p>For a single-column key whose type has a {@code max} aggregate (integers, numeric, text, dates and
 * times) the first statement is an aggregate instead: {@code SELECT max("id")::text AS k0, count(*) AS keys
 * FROM (... LIMIT $3) batch HAVING count(*) > 0}, which like the window form returns no row when no key is
 * left. Same walk, same answer, but without buffering the batch's keys in a window and
 * sorting them again: 4 ms instead of 16 ms for 30,000 bigint keys, which was 9% of the batching time of a
 * 2M-row backfill. {@code uuid} (no {@code max} before PostgreSQL 16) and composite keys keep the window form.
 *
 * <p>No {@code FOR UPDATE} on the first statement: locking the keys there would only move the wait for an
 * application's row lock earlier; the {@code UPDATE} takes each row lock as it reaches the row and, under
 * the batch's {@code lock_timeout}, gives up after one target duration (SQLSTATE 55P03). The batch then
 * rolls back and is retried whole, at the same size. Skipping locked rows ({@code SKIP LOCKED}) is not an
 * option: a skipped row would never be revisited, since the checkpoint moves past it.
 */
record BatchStatements(String firstHigh, String nextHigh, String firstUpdate, String nextUpdate) {
  private static final String HIGH_SQL = """
      SELECT %1$s, count(*) OVER () AS keys
      FROM (SELECT %2$s FROM %3$s WHERE %4$s ORDER BY %5$s LIMIT $%6$d) batch
      ORDER BY %7$s LIMIT 1""";
  private static final String HIGH_BY_AGGREGATE_SQL = """
      SELECT max(%1$s)::text AS k0, count(*) AS keys
      FROM (SELECT %1$s FROM %2$s WHERE %3$s ORDER BY %1$s LIMIT $%4$d) batch
      HAVING count(*) > 0""";
  /** Types with a built-in {@code max} whose order is the b-tree's ({@code format_type()} names, sans typmod). */
  private static final Set<String> AGGREGATABLE = Set.of("smallint", "integer", "bigint", "numeric", "text",
      "character varying", "date", "timestamp without time zone", "timestamp with time zone");
  private static final String UPDATE_SQL = "UPDATE %s SET %s WHERE %s%s";

  static BatchStatements of(TableKey key, BackfillSpec spec) {
    int width = key.columns().size();
    String upToFirst = key.compare("<=", 1);
    String fromNext = key.compare(">", 1) + " AND " + key.compare("<=", width + 1);
    String filter = spec.where().filter(w -> !w.isBlank()).map(w -> " AND (" + w + ")").orElse("");
    return new BatchStatements(
        high(key, upToFirst, width + 1),
        high(key, fromNext, 2 * width + 1),
        UPDATE_SQL.formatted(key.qualifiedTable(), spec.set(), upToFirst, filter),
        UPDATE_SQL.formatted(key.qualifiedTable(), spec.set(), fromNext, filter));
  }

  private static String high(TableKey key, String range, int limitParameter) {
    if (key.columns().size() == 1 && AGGREGATABLE.contains(baseType(key.columns().get(0).type()))) {
      return HIGH_BY_AGGREGATE_SQL.formatted(key.columnList(), key.qualifiedTable(), range, limitParameter);
    }
    return HIGH_SQL.formatted(key.textColumns(), key.columnList(), key.qualifiedTable(), range,
        key.order(false), limitParameter, key.order(true));
  }

  /** {@code numeric(12,2)} → {@code numeric}; {@code character varying(36)} → {@code character varying}. */
  private static String baseType(String formatted) {
    int paren = formatted.indexOf('(');
    return paren < 0 ? formatted : formatted.substring(0, paren);
  }
}
