package io.tidemark.daemon.store;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.Reversibility;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.StepTargets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The compiled form of a plan as stored in {@code tidemark.plans.compiled} (jsonb), so a restarted daemon
 * runs exactly the SQL that was submitted even if a newer planner would compile the text differently.
 *
 * <p>The form carries {@code format} (the version of this encoding) and {@code writtenBy} (the daemon version
 * that stored it). Daemons of two versions may share one control store during a rolling upgrade: a daemon
 * refuses a format newer than its own with {@code cannot decode plan: format 2 written by version 1.4.0}
 * rather than guessing, and the store fails only that plan. A row without {@code format} is format 1 (the
 * first release stored none).
 *
 * <p>{@code maxFailures} ({@code rollout.max-failures}) is an optional member of format 1, written only when the
 * plan sets it: a daemon that predates it ignores it and stops the rollout at the first failed database, the
 * stricter reading, so a plan stored by either version runs safely on both. Pure functions; any thread.
 */
public final class PlanCodec {
  /** The format this daemon writes and the newest it reads. A new format is a new number, never an edit. */
  public static final int FORMAT = 1;
  private static final String VERSION = version();

  private PlanCodec() {}

  public static JsonObject encode(CompiledPlan plan) {
    JsonObject json = new JsonObject()
        .put("format", FORMAT)
        .put("writtenBy", VERSION)
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

  /**
   * The plan in {@code stored} (the jsonb column's value); throws {@link UndecodablePlanException} when it is
   * not a plan this daemon can read, with a message for the operator.
   */
  public static CompiledPlan decode(Object stored) {
    if (!(stored instanceof JsonObject json)) {
      throw new UndecodablePlanException("cannot decode plan: the stored form is not a JSON object");
    }
    int format = json.getValue("format") instanceof Number f ? f.intValue() : 1;
    if (format > FORMAT) {
      throw new UndecodablePlanException("cannot decode plan: format " + format + " written by version "
          + (json.getValue("writtenBy") == null ? "unknown" : json.getValue("writtenBy")) + " (this daemon, version " + VERSION + ", reads up to format "
          + FORMAT + ")");
    }
    try {
      return decodePlan(json);
    } catch (RuntimeException e) {
      throw new UndecodablePlanException("cannot decode plan: " + e, e);
    }
  }

  private static CompiledPlan decodePlan(JsonObject json) {
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
    if (!s.calledFunctions().isEmpty()) {
      o.put("calledFunctions", new JsonArray(s.calledFunctions()));
    }
    return o.put("targets", targets(s.targets()));
  }

  private static JsonObject targets(StepTargets t) {
    JsonObject o = new JsonObject()
        .put("complete", t.complete())
        .put("createdSchemas", new JsonArray(t.createdSchemas()))
        .put("createdTables", names(t.createdTables()))
        .put("alteredTables", names(t.alteredTables()))
        .put("addedColumns", array(t.addedColumns(), c -> name(c.table()).put("column", c.column())
            .put("type", c.type())))
        .put("alteredColumns", array(t.alteredColumns(), c -> name(c.table()).put("column", c.column())))
        .put("createdIndexes", array(t.createdIndexes(), i -> new JsonObject().put("index", name(i.index()))
            .put("table", name(i.table())).put("unique", i.unique()).put("columns", new JsonArray(i.columns()))))
        .put("addedConstraints", array(t.addedConstraints(), c -> name(c.table()).put("constraint", c.name())
            .put("kind", c.kind())))
        .put("foreignKeys", array(t.foreignKeys(), f -> new JsonObject().put("table", name(f.table()))
            .put("columns", new JsonArray(f.columns())).put("referenced", name(f.referenced()))
            .put("referencedColumns", new JsonArray(f.referencedColumns()))))
        .put("alteredTypes", names(t.alteredTypes()));
    t.backfillTable().ifPresent(b -> o.put("backfillTable", name(b)));
    return o;
  }

  private static JsonObject name(StepTargets.Name n) {
    return new JsonObject().put("schema", n.schema()).put("name", n.name());
  }

  private static JsonArray names(List<StepTargets.Name> names) {
    return array(names, PlanCodec::name);
  }

  private static <T> JsonArray array(List<T> items, Function<T, JsonObject> encode) {
    JsonArray a = new JsonArray();
    items.forEach(i -> a.add(encode.apply(i)));
    return a;
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
        Optional.ofNullable(o.getString("unsafeReason")),
        Optional.ofNullable(o.getJsonObject("targets")).map(PlanCodec::decodeTargets).orElse(StepTargets.UNKNOWN),
        // absent in rows stored before steps carried their called functions
        Optional.ofNullable(o.getJsonArray("calledFunctions")).map(PlanCodec::strings).orElse(List.of()));
  }

  /** Plans stored before targets were recorded have none: {@link StepTargets#UNKNOWN}. */
  private static StepTargets decodeTargets(JsonObject o) {
    StepTargets.Builder b = StepTargets.builder();
    if (!o.getBoolean("complete", false)) {
      b.incomplete();
    }
    strings(o.getJsonArray("createdSchemas", new JsonArray())).forEach(b::createdSchema);
    objects(o, "createdTables").forEach(n -> b.createdTable(decodeName(n)));
    objects(o, "alteredTables").forEach(n -> b.alteredTable(decodeName(n)));
    objects(o, "addedColumns").forEach(c -> b.addedColumn(decodeName(c), c.getString("column"), c.getString("type")));
    objects(o, "alteredColumns").forEach(c -> b.alteredColumn(decodeName(c), c.getString("column")));
    objects(o, "createdIndexes").forEach(i -> b.createdIndex(new StepTargets.NewIndex(
        decodeName(i.getJsonObject("index")), decodeName(i.getJsonObject("table")), i.getBoolean("unique"),
        strings(i.getJsonArray("columns")))));
    objects(o, "addedConstraints").forEach(c -> b.addedConstraint(decodeName(c), c.getString("constraint"),
        c.getString("kind")));
    objects(o, "foreignKeys").forEach(f -> b.foreignKey(new StepTargets.ForeignKey(
        decodeName(f.getJsonObject("table")), strings(f.getJsonArray("columns")),
        decodeName(f.getJsonObject("referenced")), strings(f.getJsonArray("referencedColumns")))));
    objects(o, "alteredTypes").forEach(n -> b.alteredType(decodeName(n)));
    StepTargets decoded = b.build();
    JsonObject backfill = o.getJsonObject("backfillTable");
    return backfill == null ? decoded : new StepTargets(decoded.complete(), decoded.createdSchemas(),
        decoded.createdTables(), decoded.alteredTables(), decoded.addedColumns(), decoded.alteredColumns(),
        decoded.createdIndexes(), decoded.addedConstraints(), decoded.foreignKeys(), decoded.alteredTypes(),
        Optional.of(decodeName(backfill)));
  }

  private static StepTargets.Name decodeName(JsonObject o) {
    return new StepTargets.Name(o.getString("schema"), o.getString("name"));
  }

  private static List<JsonObject> objects(JsonObject o, String key) {
    return o.getJsonArray(key, new JsonArray()).stream().map(JsonObject.class::cast).toList();
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

  private static String version() {
    String v = PlanCodec.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The stored form is not a plan this daemon can read; the message says why, for the operator. */
  public static final class UndecodablePlanException extends RuntimeException {
    UndecodablePlanException(String message) {
      super(message);
    }

    UndecodablePlanException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
