package io.tidemark.backfill;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Reads from the catalog what a backfill needs before its first batch: the key to walk, the row estimate,
 * and the key range's bounds. Futures complete on the caller's context.
 */
final class KeyCatalog {
  private static final String TABLE_SQL = """
      SELECT c.relkind::text AS kind, c.reltuples::float8 AS reltuples
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2""";
  /**
   * The primary key, else the unique index with the fewest columns that is valid, not partial, has no
   * expression columns and covers only NOT NULL columns (a NULL would fall outside every key range).
   * INCLUDE columns (beyond indnkeyatts) are not part of the key.
   */
  private static final String KEY_SQL = """
      SELECT ic.relname::text AS index_name, i.indisprimary AS is_primary,
             array_agg(a.attname::text ORDER BY k.ord) AS columns,
             array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord) AS types
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE n.nspname = $1 AND c.relname = $2
        AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        AND k.ord <= i.indnkeyatts
      GROUP BY ic.relname, i.indisprimary
      HAVING bool_and(a.attnotnull)
      ORDER BY i.indisprimary DESC, count(*), ic.relname
      LIMIT 1""";
  private static final String EDGE_KEY_SQL = "SELECT %s FROM %s ORDER BY %s LIMIT 1";

  private final Pool pool;

  KeyCatalog(Pool pool) {
    this.pool = pool;
  }

  /** What the catalog says about the table: its key and {@code reltuples} (negative: never analyzed). */
  record TableInfo(TableKey key, double reltuples) {}

  Future<TableInfo> describe(String schema, String table) {
    Tuple name = Tuple.of(schema, table);
    return pool.preparedQuery(TABLE_SQL).execute(name)
        .compose(rows -> checkTable(rows, schema, table))
        .compose(reltuples -> pool.preparedQuery(KEY_SQL).execute(name)
            .map(rows -> new TableInfo(toKey(rows, schema, table), reltuples)));
  }

  private static Future<Double> checkTable(RowSet<Row> rows, String schema, String table) {
    if (rows.size() == 0) {
      return Future.failedFuture(BackfillException.of("table " + schema + "." + table + " does not exist"));
    }
    Row r = rows.iterator().next();
    String kind = r.getString("kind");
    if (!kind.equals("r") && !kind.equals("p")) {
      return Future.failedFuture(BackfillException.of(
          schema + "." + table + " is not a table (relkind " + kind + "); only tables can be backfilled"));
    }
    return Future.succeededFuture(r.getDouble("reltuples"));
  }

  private static TableKey toKey(RowSet<Row> rows, String schema, String table) {
    if (rows.size() == 0) {
      throw BackfillException.of("table " + schema + "." + table + " has no primary key and no unique index on "
          + "NOT NULL columns; a backfill walks the table in key order and cannot run without one. Add a "
          + "primary key (or a unique index concurrently on NOT NULL columns) in the expand phase");
    }
    Row r = rows.iterator().next();
    String[] names = r.getArrayOfStrings("columns");
    String[] types = r.getArrayOfStrings("types");
    List<TableKey.Column> columns = IntStream.range(0, names.length)
        .mapToObj(i -> new TableKey.Column(names[i], types[i])).toList();
    return new TableKey(schema, table, r.getString("index_name"), r.getBoolean("is_primary"), columns);
  }

  /** The largest key now (the upper bound to freeze), or empty for an empty table. */
  Future<Optional<List<String>>> maxKey(TableKey key) {
    return edge(key, true);
  }

  /** The smallest key now (for the range-fraction estimate), or empty for an empty table. */
  Future<Optional<List<String>>> minKey(TableKey key) {
    return edge(key, false);
  }

  private Future<Optional<List<String>>> edge(TableKey key, boolean descending) {
    String sql = EDGE_KEY_SQL.formatted(key.textColumns(), key.qualifiedTable(), key.order(descending));
    return pool.query(sql).execute().map(rows -> firstKey(rows, key.columns().size()));
  }

  static Optional<List<String>> firstKey(RowSet<Row> rows, int width) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    List<String> key = new ArrayList<>(width);
    for (int i = 0; i < width; i++) {
      key.add(r.getString("k" + i));
    }
    return Optional.of(key);
  }
}
