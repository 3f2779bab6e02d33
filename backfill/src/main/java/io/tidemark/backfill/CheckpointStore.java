package io.tidemark.backfill;

import io.tidemark.pg.SqlStates;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code tidemark.backfill_checkpoints} in the target database, keyed by (plan id, step id). The batch
 * transaction calls {@link #advance} on its own connection, so the checkpoint commits together with the
 * batch's {@code UPDATE} or not at all. The advance is conditional on the stored last key still being the
 * one the batch started from: a second runner of the same step (a daemon that lost its lease but has not
 * noticed yet) then updates zero rows and rolls its whole batch back instead of applying it twice.
 *
 * <p>All methods return futures completing on the caller's context; nothing blocks.
 */
final class CheckpointStore {
  private static final List<String> CREATE_SQL = List.of(
      "CREATE SCHEMA IF NOT EXISTS tidemark",
      """
      CREATE TABLE IF NOT EXISTS tidemark.backfill_checkpoints (
        plan_id      text        NOT NULL,
        step_id      text        NOT NULL,
        schema_name  text        NOT NULL,
        table_name   text        NOT NULL,
        key_columns  text[]      NOT NULL,
        last_key     text[],
        upper_key    text[],
        rows_done    bigint      NOT NULL DEFAULT 0,
        rows_updated bigint      NOT NULL DEFAULT 0,
        batches      bigint      NOT NULL DEFAULT 0,
        state        text        NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        error        text,
        started_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (plan_id, step_id))""");
  /**
   * {@code IF NOT EXISTS} is not race-free: two sessions creating at once can both pass the check and one
   * fails on the catalog's unique index (23505) or with duplicate_*; the object then exists, so run again.
   */
  private static final Set<String> CREATE_RACE = Set.of(
      SqlStates.UNIQUE_VIOLATION, SqlStates.DUPLICATE_OBJECT, SqlStates.DUPLICATE_SCHEMA, SqlStates.DUPLICATE_TABLE);
  private static final int CREATE_ATTEMPTS = 5;
  private static final String LOAD_SQL = """
      SELECT key_columns, last_key, upper_key, rows_done, rows_updated, batches, state, error
      FROM tidemark.backfill_checkpoints WHERE plan_id = $1 AND step_id = $2""";
  private static final String INSERT_SQL = """
      INSERT INTO tidemark.backfill_checkpoints (plan_id, step_id, schema_name, table_name, key_columns, upper_key, state)
      VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7)
      ON CONFLICT (plan_id, step_id) DO NOTHING""";
  private static final String ADVANCE_SQL = """
      UPDATE tidemark.backfill_checkpoints
      SET last_key = $3::text[], rows_done = $4, rows_updated = $5, batches = $6, state = $7, error = NULL,
          updated_at = now()
      WHERE plan_id = $1 AND step_id = $2 AND last_key IS NOT DISTINCT FROM $8::text[]""";
  private static final String SET_STATE_SQL = """
      UPDATE tidemark.backfill_checkpoints SET state = $3, error = $4, updated_at = now()
      WHERE plan_id = $1 AND step_id = $2""";

  private final Pool pool;
  private final String planId;
  private final String stepId;

  CheckpointStore(Pool pool, String planId, String stepId) {
    this.pool = pool;
    this.planId = planId;
    this.stepId = stepId;
  }

  /**
   * Creates the schema and table when missing; tolerates concurrent creators. Each lost race means another
   * session created one of the objects, so a few rounds always suffice: with four backfills starting at
   * once on a fresh database, one loses on the schema, then may lose again on the table to a third.
   */
  Future<Void> ensureTable() {
    return ensureTable(CREATE_ATTEMPTS);
  }

  private Future<Void> ensureTable(int attemptsLeft) {
    return create(0).recover(e -> isCreateRace(e) && attemptsLeft > 1
        ? ensureTable(attemptsLeft - 1)
        : Future.failedFuture(e));
  }

  private Future<Void> create(int index) {
    if (index == CREATE_SQL.size()) {
      return Future.succeededFuture();
    }
    return pool.query(CREATE_SQL.get(index)).execute().compose(r -> create(index + 1));
  }

  private static boolean isCreateRace(Throwable e) {
    return e instanceof PgException pg && CREATE_RACE.contains(pg.getSqlState());
  }

  Future<Optional<Checkpoint>> load() {
    return pool.preparedQuery(LOAD_SQL).execute(Tuple.of(planId, stepId)).map(CheckpointStore::toCheckpoint);
  }

  /** The stored checkpoint, or a new one with {@code upperKey} frozen now (a concurrent starter's wins). */
  Future<Checkpoint> loadOrCreate(TableKey key, Optional<List<String>> upperKey) {
    Tuple row = Tuple.of(planId, stepId, key.schema(), key.table(), key.names().toArray(String[]::new),
        upperKey.map(k -> k.toArray(String[]::new)).orElse(null),
        upperKey.isPresent() ? Checkpoint.RUNNING : Checkpoint.DONE);
    return pool.preparedQuery(INSERT_SQL).execute(row)
        .compose(r -> load())
        .map(c -> c.orElseThrow(() -> new IllegalStateException("checkpoint row vanished after insert")));
  }

  /**
   * Inside the batch transaction: moves the checkpoint from {@code from} to {@code to}. Fails (rolling the
   * batch back) when another runner moved it first.
   */
  Future<Void> advance(SqlClient tx, Checkpoint from, Checkpoint to) {
    Tuple args = Tuple.of(planId, stepId, to.lastKey().map(CheckpointStore::array).orElse(null),
        to.rowsDone(), to.rowsUpdated(), to.batches(), to.state(),
        from.lastKey().map(CheckpointStore::array).orElse(null));
    return tx.preparedQuery(ADVANCE_SQL).execute(args).compose(CheckpointStore::exactlyOne);
  }

  Future<Void> setState(String state, Optional<String> error) {
    return pool.preparedQuery(SET_STATE_SQL).execute(Tuple.of(planId, stepId, state, error.orElse(null)))
        .mapEmpty();
  }

  private static Future<Void> exactlyOne(RowSet<Row> result) {
    return result.rowCount() == 1
        ? Future.succeededFuture()
        : Future.failedFuture(new CheckpointMoved());
  }

  private static String[] array(List<String> key) {
    return key.toArray(String[]::new);
  }

  private static Optional<Checkpoint> toCheckpoint(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    return Optional.of(new Checkpoint(
        Arrays.asList(r.getArrayOfStrings("key_columns")),
        Optional.ofNullable(r.getArrayOfStrings("last_key")).map(Arrays::asList),
        Optional.ofNullable(r.getArrayOfStrings("upper_key")).map(Arrays::asList),
        r.getLong("rows_done"), r.getLong("rows_updated"), r.getLong("batches"),
        r.getString("state"), Optional.ofNullable(r.getString("error"))));
  }

  /** Another runner advanced the checkpoint since this one read it. */
  static final class CheckpointMoved extends RuntimeException {
    CheckpointMoved() {
      super("the checkpoint was advanced by another runner of the same step; batch rolled back");
    }
  }
}
