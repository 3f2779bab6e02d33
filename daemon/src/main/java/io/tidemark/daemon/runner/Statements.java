package io.tidemark.daemon.runner;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

/** Runs one statement and reports it, with its duration and outcome, to the step's {@link StatementLog}. */
final class Statements {
  private Statements() {}

  static Future<RowSet<Row>> run(SqlClient client, String sql, StatementLog log) {
    long start = System.nanoTime();
    return client.query(sql).execute()
        .onSuccess(rs -> log.rowsChanged(sql, elapsed(start), rs.rowCount()))
        .compose(rs -> log.statement(sql, elapsed(start), "ok", null, null).map(rs),
            e -> log.statement(sql, elapsed(start), "error", sqlState(e), e.getMessage())
                .transform(x -> Future.<RowSet<Row>>failedFuture(e)));
  }

  static String sqlState(Throwable e) {
    return e instanceof PgException pg ? pg.getSqlState() : null;
  }

  private static long elapsed(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
