package io.tidemark.daemon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Reads of plans, their databases and steps from the control store. Writes live with the code that decides
 * them (operator actions in {@code ops}, lease-fenced progress in {@link ProgressWrites}). Callbacks run on
 * the caller's context.
 */
public final class PlanStore {
  private static final String PLAN = "SELECT * FROM tidemark.plans WHERE id = $1";
  private static final String PLAN_FOR_UPDATE = "SELECT * FROM tidemark.plans WHERE id = $1 FOR UPDATE";
  private static final String ALL = "SELECT * FROM tidemark.plans ORDER BY created_at, id";
  private static final String UNFINISHED = "SELECT * FROM tidemark.plans"
      + " WHERE state NOT IN ('completed', 'cancelled', 'rolled-back') ORDER BY created_at, id";
  private static final String DATABASES = "SELECT * FROM tidemark.plan_databases WHERE plan_id = $1 ORDER BY position";
  private static final String STEPS = "SELECT * FROM tidemark.step_states WHERE plan_id = $1"
      + " ORDER BY database, position, step_id";

  private PlanStore() {}

  public static Future<Optional<PlanRecord>> plan(SqlClient client, String id) {
    return client.preparedQuery(PLAN).execute(Tuple.of(id)).map(rs -> first(rs, PlanStore::plan));
  }

  /** The plan row locked until the end of the caller's transaction: the serialisation point of decisions. */
  public static Future<Optional<PlanRecord>> lockPlan(SqlClient client, String id) {
    return client.preparedQuery(PLAN_FOR_UPDATE).execute(Tuple.of(id)).map(rs -> first(rs, PlanStore::plan));
  }

  public static Future<List<PlanRecord>> plans(SqlClient client) {
    return client.query(ALL).execute().map(rs -> all(rs, PlanStore::plan));
  }

  /** Plans not yet completed, cancelled or rolled back: what a starting daemon picks up. */
  public static Future<List<PlanRecord>> unfinished(SqlClient client) {
    return client.query(UNFINISHED).execute().map(rs -> all(rs, PlanStore::plan));
  }

  public static Future<List<DatabaseRecord>> databases(SqlClient client, String planId) {
    return client.preparedQuery(DATABASES).execute(Tuple.of(planId)).map(rs -> all(rs, PlanStore::database));
  }

  public static Future<List<StepRecord>> steps(SqlClient client, String planId) {
    return client.preparedQuery(STEPS).execute(Tuple.of(planId)).map(rs -> all(rs, PlanStore::step));
  }

  private static <T> Optional<T> first(RowSet<Row> rs, Function<Row, T> f) {
    return rs.size() == 0 ? Optional.empty() : Optional.of(f.apply(rs.iterator().next()));
  }

  private static <T> List<T> all(RowSet<Row> rs, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rs.size());
    rs.forEach(r -> out.add(f.apply(r)));
    return out;
  }

  static PlanRecord plan(Row r) {
    Long rate = r.getLong("max_rows_per_second");
    return new PlanRecord(
        r.getString("id"),
        r.getString("content_hash"),
        r.getString("plan_text"),
        PlanCodec.decode(r.getJsonObject("compiled")),
        r.getString("submitted_by"),
        PlanState.fromWire(r.getString("state")),
        RunPhase.fromWire(r.getString("phase")),
        Optional.ofNullable(r.getString("resume_state")).map(PlanState::fromWire),
        Optional.ofNullable(r.getString("approved_by")),
        rate == null ? OptionalLong.empty() : OptionalLong.of(rate),
        r.getBoolean("operator_throttle"),
        Optional.ofNullable(r.getString("last_error")),
        r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"));
  }

  static DatabaseRecord database(Row r) {
    return new DatabaseRecord(
        r.getString("plan_id"),
        r.getString("database"),
        r.getInteger("position"),
        RunPhase.fromWire(r.getString("phase")),
        DatabaseState.fromWire(r.getString("state")),
        Optional.ofNullable(r.getString("current_step")),
        r.getBoolean("paused"),
        Optional.ofNullable(r.getString("last_error")),
        r.getOffsetDateTime("updated_at"));
  }

  static StepRecord step(Row r) {
    return new StepRecord(
        r.getString("plan_id"),
        r.getString("database"),
        r.getString("step_id"),
        RunPhase.fromWire(r.getString("phase")),
        r.getInteger("position"),
        StepState.fromWire(r.getString("state")),
        r.getInteger("attempts"),
        Optional.ofNullable(r.getString("last_error")),
        Optional.ofNullable(r.getString("sqlstate")),
        r.getOffsetDateTime("updated_at"));
  }
}
