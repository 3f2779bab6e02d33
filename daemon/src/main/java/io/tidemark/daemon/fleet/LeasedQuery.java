package io.tidemark.daemon.fleet;

import io.vertx.core.Future;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import java.util.function.Function;
import java.util.stream.Collector;

/** A query on a {@link BudgetedPool}: each execution borrows a connection for its duration. */
record LeasedQuery<T>(BudgetedPool pool, Function<SqlConnection, Query<T>> query) implements Query<T> {

  @Override
  public Future<T> execute() {
    return pool.withConnection(c -> query.apply(c).execute());
  }

  @Override
  public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
    return new LeasedQuery<>(pool, c -> query.apply(c).collecting(collector));
  }

  @Override
  public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
    return new LeasedQuery<>(pool, c -> query.apply(c).mapping(mapper));
  }
}
