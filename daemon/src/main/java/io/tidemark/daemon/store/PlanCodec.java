package io.tidemark.daemon.store;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.Reversibility;
import io.tidemark.planner.StepAction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The compiled form of a plan as stored in {@code tidemark.plans.compiled} (jsonb), so a restarted daemon
 * runs exactly the SQL that was submitted even if a newer planner would compile the text differently.
 * Pure functions; any thread.
 */
public final class PlanCodec {
  private PlanCodec() {}

  public static JsonObject encode(CompiledPlan plan) {
    JsonObject json = new JsonObject()
        .put("id", plan.id())
        .put("description", plan.description())
        .put("contentHash", plan.contentHash())
        .put("databases", new JsonArray(plan.databases()))
        .put("canary", plan.rollout().canary())
        .put("parallel", plan.rollout().parallel())
        .put("approval", plan.approval().name())
        .put("steps", steps(plan.steps()));
    plan.rollout().maxFailures().ifPresent(n -> json.put("maxFailures", n));
    return json;
  }

  public static CompiledPlan decode(JsonObject json) {
    return new CompiledPlan(
        json.getString("id"),
        json.getString("description"),
        json.getString("contentHash"),
        strings(json.getJsonArray("databases")),
        new CompiledPlan.Rollout(json.getInteger("canary"), json.getInteger("parallel"),
            json.containsKey("maxFailures") ? java.util.OptionalInt.of(json.getInteger("maxFailures"))
                : java.util.OptionalInt.empty()),
        CompiledPlan.Approval.valueOf(json.getString("approval")),
        decodeSteps(json.getJsonArray("steps")));
  }

  private static JsonArray steps(List<CompiledStep> steps) {
    JsonArray a = new JsonArray();
    steps.forEach(s -> a.add(step(s)));
    return a;
  }

  private static JsonObject step(CompiledStep s) {
    JsonObject o = new JsonObject()
        .put("database", s.database())
        .put("phase", s.phase().name())
        .put("position", s.position())
        .put("id", s.id())
        .put("sourcePath", s.sourcePath())
        .put("description", s.description())
        .put("action", action(s.action()))
        .put("reversibility", s.reversibility().name())
        .put("inverse", steps(s.inverse()));
    s.probe().ifPresent(p -> o.put("probe", probe(p)));
    s.unsafeReason().ifPresent(r -> o.put("unsafeReason", r));
    return o;
  }

  private static JsonObject probe(Probe p) {
    return new JsonObject().put("sql", p.sql()).put("params", new JsonArray(p.params()));
  }

  private static JsonObject action(StepAction action) {
    JsonObject o = new JsonObject().put("kind", action.kind().name());
    if (action instanceof StepAction.TransactionalDdl t) {
      return o.put("sql", new JsonArray(t.sql()));
    } else if (action instanceof StepAction.NonTransactionalDdl n) {
      return o.put("sql", n.sql()).put("dropInvalid", n.dropInvalid().orElse(null));
    } else if (action instanceof StepAction.ValidateConstraint v) {
      return o.put("sql", v.sql()).put("schema", v.schema()).put("table", v.table())
          .put("constraint", v.constraint()).put("violationCountSql", v.violationCountSql())
          .put("violationSampleSql", v.violationSampleSql());
    }
    return o.put("spec", spec(((StepAction.Backfill) action).spec()));
  }

  private static JsonObject spec(BackfillSpec b) {
    JsonObject o = new JsonObject().put("schema", b.schema()).put("table", b.table()).put("set", b.set());
    b.where().ifPresent(w -> o.put("where", w));
    b.maxRowsPerSecond().ifPresent(v -> o.put("maxRowsPerSecond", v));
    b.targetBatchDuration().ifPresent(d -> o.put("targetBatchMillis", d.toMillis()));
    b.minBatchRows().ifPresent(v -> o.put("minBatchRows", v));
    b.maxBatchRows().ifPresent(v -> o.put("maxBatchRows", v));
    return o;
  }

  private static List<CompiledStep> decodeSteps(JsonArray a) {
    return a.stream().map(o -> decodeStep((JsonObject) o)).toList();
  }

  private static CompiledStep decodeStep(JsonObject o) {
    JsonObject probe = o.getJsonObject("probe");
    return new CompiledStep(
        o.getString("database"),
        Phase.valueOf(o.getString("phase")),
        o.getInteger("position"),
        o.getString("id"),
        o.getString("sourcePath"),
        o.getString("description"),
        decodeAction(o.getJsonObject("action")),
        Optional.ofNullable(probe).map(p -> new Probe(p.getString("sql"), p.getJsonArray("params").getList())),
        Reversibility.valueOf(o.getString("reversibility")),
        decodeSteps(o.getJsonArray("inverse")),
        Optional.ofNullable(o.getString("unsafeReason")));
  }

  private static StepAction decodeAction(JsonObject o) {
    return switch (o.getString("kind")) {
      case "TRANSACTIONAL_DDL" -> new StepAction.TransactionalDdl(strings(o.getJsonArray("sql")));
      case "NON_TRANSACTIONAL_DDL" ->
          new StepAction.NonTransactionalDdl(o.getString("sql"), Optional.ofNullable(o.getString("dropInvalid")));
      case "CONSTRAINT_VALIDATION" -> new StepAction.ValidateConstraint(o.getString("sql"), o.getString("schema"),
          o.getString("table"), o.getString("constraint"), o.getString("violationCountSql"),
          o.getString("violationSampleSql"));
      default -> new StepAction.Backfill(decodeSpec(o.getJsonObject("spec")));
    };
  }

  private static BackfillSpec decodeSpec(JsonObject o) {
    return new BackfillSpec(
        o.getString("schema"),
        o.getString("table"),
        o.getString("set"),
        Optional.ofNullable(o.getString("where")),
        o.containsKey("maxRowsPerSecond") ? OptionalLong.of(o.getLong("maxRowsPerSecond")) : OptionalLong.empty(),
        Optional.ofNullable(o.getLong("targetBatchMillis")).map(Duration::ofMillis),
        o.containsKey("minBatchRows") ? OptionalInt.of(o.getInteger("minBatchRows")) : OptionalInt.empty(),
        o.containsKey("maxBatchRows") ? OptionalInt.of(o.getInteger("maxBatchRows")) : OptionalInt.empty());
  }

  private static List<String> strings(JsonArray a) {
    return a.stream().map(String.class::cast).toList();
  }
}
