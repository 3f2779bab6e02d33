package io.tidemark.daemon.fleet;

import io.vertx.core.Future;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;

/** A prepared query on a {@link BudgetedPool}: each execution borrows a connection for its duration. */
record LeasedPreparedQuery<T>(BudgetedPool pool, Function<SqlConnection, PreparedQuery<T>> query)
    implements PreparedQuery<T> {

  @Override
  public Future<T> execute() {
    return pool.withConnection(c -> query.apply(c).execute());
  }

  @Override
  public Future<T> execute(Tuple tuple) {
    return pool.withConnection(c -> query.apply(c).execute(tuple));
  }

  @Override
  public Future<T> executeBatch(List<Tuple> batch) {
    return pool.withConnection(c -> query.apply(c).executeBatch(batch));
  }

  @Override
  public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
    return new LeasedPreparedQuery<>(pool, c -> query.apply(c).collecting(collector));
  }

  @Override
  public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
    return new LeasedPreparedQuery<>(pool, c -> query.apply(c).mapping(mapper));
  }
}
