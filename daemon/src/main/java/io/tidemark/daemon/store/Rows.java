package io.tidemark.daemon.store;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Rows of the control schema as records. A plan whose stored compiled form cannot be decoded becomes a
 * record that says so ({@link PlanRecord#undecodable()}) instead of an exception: one bad row must not stop
 * the reads of every other plan. Pure; any thread.
 */
final class Rows {
  private Rows() {}

  static <T> Optional<T> first(RowSet<Row> rs, Function<Row, T> f) {
    return rs.size() == 0 ? Optional.empty() : Optional.of(f.apply(rs.iterator().next()));
  }

  static <T> List<T> all(RowSet<Row> rs, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rs.size());
    rs.forEach(r -> out.add(f.apply(r)));
    return out;
  }

  static PlanRecord plan(Row r) {
    return plan(r, null);
  }

  /** {@code known}: the plan's compiled form when the caller has it already (the row's is then not decoded). */
  static PlanRecord plan(Row r, io.tidemark.planner.CompiledPlan known) {
    Long rate = r.getLong("max_rows_per_second");
    io.tidemark.planner.CompiledPlan compiled = known;
    Optional<String> undecodable = Optional.empty();
    if (compiled == null) {
      try {
        compiled = PlanCodec.decode(r.getValue("compiled"));
      } catch (PlanCodec.UndecodablePlanException e) {
        undecodable = Optional.of(e.getMessage());
      }
    }
    return new PlanRecord(
        r.getString("id"),
        r.getString("content_hash"),
        r.getString("plan_text"),
        compiled,
        undecodable,
        r.getString("submitted_by"),
        PlanState.fromWire(r.getString("state")),
        RunPhase.fromWire(r.getString("phase")),
        Optional.ofNullable(r.getString("resume_state")).map(PlanState::fromWire),
        Optional.ofNullable(r.getString("approved_by")),
        Optional.ofNullable(r.getString("awaiting")),
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

  static EventRecord event(Row r) {
    return new EventRecord(
        r.getLong("id"),
        r.getOffsetDateTime("at"),
        r.getString("plan_id"),
        Optional.ofNullable(r.getString("database")),
        Optional.ofNullable(r.getString("step_id")),
        r.getString("actor"),
        r.getString("kind"),
        Optional.ofNullable(r.getString("statement")),
        optionalLong(r.getLong("duration_ms")),
        Optional.ofNullable(r.getString("outcome")),
        Optional.ofNullable(r.getString("sqlstate")),
        Optional.ofNullable(r.getString("message")),
        optionalLong(r.getLong("fencing_token")));
  }

  static LeaseStatus leaseStatus(Row r) {
    Long rate = r.getLong("max_rows_per_second");
    return new LeaseStatus(
        PlanState.fromWire(r.getString("state")),
        r.getString("phase"),
        r.getBoolean("paused"),
        rate == null ? OptionalLong.empty() : OptionalLong.of(rate),
        r.getBoolean("operator_throttle"));
  }

  private static OptionalLong optionalLong(Long v) {
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
