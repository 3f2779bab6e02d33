package io.tidemark.planner.compile;

import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.Reversibility;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.StepAction.NonTransactionalDdl;
import io.tidemark.planner.StepAction.ValidateConstraint;
import java.util.List;
import java.util.Locale;

/**
 * What {@code tidemark plan show} prints: per phase, per database, every statement in execution order, with
 * non-transactional, irreversible and unsafe steps marked. {@link #json} gives the same content as one JSON
 * object for tools. Pure; thread-safe.
 */
public final class PlanRenderer {
  private PlanRenderer() {}

  /**
   * Plain text, e.g.
   * <pre>
   * plan 2026-11-users-email-address (sha256 5f2c...)
   * databases: authdb, apidb; rollout: canary 1, then 4 at a time; contract approval: required
   *
   * == expand ==
   * -- authdb
   * 1. expand[0]/add-column: add column email_address to public.users  [transactional]
   *      ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "email_address" text;
   * </pre>
   */
  public static String text(CompiledPlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("plan ").append(plan.id()).append(" (sha256 ").append(plan.contentHash()).append(")\n");
    if (!plan.description().isBlank()) {
      out.append(plan.description()).append('\n');
    }
    out.append("databases: ").append(String.join(", ", plan.databases()))
        .append("; rollout: ").append(rollout(plan.rollout()))
        .append("; contract approval: ").append(plan.approval().name().toLowerCase(Locale.ROOT)).append('\n');
    for (Phase phase : Phase.values()) {
      out.append("\n== ").append(phase.planKey()).append(" ==\n");
      for (String database : plan.databases()) {
        out.append("-- ").append(database).append('\n');
        List<CompiledStep> steps = plan.steps(database, phase);
        if (steps.isEmpty()) {
          out.append("   (nothing)\n");
        }
        for (CompiledStep step : steps) {
          step(step, out);
        }
      }
    }
    return out.toString();
  }

  private static String rollout(CompiledPlan.Rollout rollout) {
    String then = rollout.parallel() == 1 ? "one at a time" : rollout.parallel() + " at a time";
    String stops = rollout.maxFailures().isEmpty() ? ""
        : "; stops after " + rollout.failureLimit() + " failed database" + (rollout.failureLimit() == 1 ? "" : "s");
    return (rollout.canary() == 0 ? then : "canary " + rollout.canary() + ", then " + then) + stops;
  }

  private static void step(CompiledStep step, StringBuilder out) {
    out.append(step.position() + 1).append(". ").append(step.id()).append(": ").append(step.description())
        .append("  [").append(String.join(", ", marks(step))).append("]\n");
    StepAction action = step.action();
    if (action instanceof NonTransactionalDdl n) {
      n.dropInvalid().ifPresent(d -> out.append("     -- if an INVALID leftover exists: ").append(d).append(";\n"));
      statement(n.sql(), out);
    } else if (action instanceof StepAction.Backfill b) {
      out.append("     ").append(b.spec().describe()).append('\n');
    } else {
      action.statements().forEach(s -> statement(s, out));
    }
    if (!step.inverse().isEmpty()) {
      out.append("     -- rollback:");
      step.inverse().forEach(i -> i.action().statements().forEach(s -> out.append(' ').append(oneLine(s)).append(';')));
      out.append('\n');
    }
  }

  private static List<String> marks(CompiledStep step) {
    List<String> marks = new java.util.ArrayList<>();
    marks.add(kind(step.action()));
    if (step.reversibility() == Reversibility.IRREVERSIBLE) {
      marks.add("IRREVERSIBLE");
    }
    step.unsafeReason().ifPresent(r -> marks.add("UNSAFE: " + r));
    return marks;
  }

  private static String kind(StepAction action) {
    return switch (action.kind()) {
      case TRANSACTIONAL_DDL -> "transactional";
      case NON_TRANSACTIONAL_DDL -> "NON-TRANSACTIONAL";
      case CONSTRAINT_VALIDATION -> "validation";
      case BACKFILL -> "backfill";
    };
  }

  private static void statement(String sql, StringBuilder out) {
    String indented = sql.replace("\n", "\n     ");
    out.append("     ").append(indented).append(";\n");
  }

  private static String oneLine(String sql) {
    return sql.replaceAll("\\s*\\n\\s*", " ");
  }

  /**
   * One JSON object: {@code id}, {@code description}, {@code contentHash}, {@code databases}, {@code rollout},
   * {@code approval}, and {@code phases}: a list of {@code {phase, databases: [{database, steps: [...]}]}};
   * each step has {@code position}, {@code id}, {@code sourcePath}, {@code description}, {@code kind}
   * ({@code transactional-ddl}, {@code non-transactional-ddl}, {@code constraint-validation}, {@code
   * backfill}), {@code statements}, optional {@code dropInvalid}, {@code probe} ({@code sql}, {@code params}),
   * {@code unsafeReason}, {@code backfill}, {@code reversibility} and {@code inverse} (steps of the same shape).
   */
  public static String json(CompiledPlan plan) {
    StringBuilder out = new StringBuilder("{");
    field("id", plan.id(), out).append(',');
    field("description", plan.description(), out).append(',');
    field("contentHash", plan.contentHash(), out).append(',');
    out.append("\"databases\":");
    strings(plan.databases(), out);
    out.append(",\"rollout\":{\"canary\":").append(plan.rollout().canary())
        .append(",\"parallel\":").append(plan.rollout().parallel())
        .append(",\"maxFailures\":").append(plan.rollout().failureLimit()).append("},");
    field("approval", plan.approval().name().toLowerCase(Locale.ROOT), out);
    out.append(",\"phases\":[");
    for (Phase phase : Phase.values()) {
      out.append(phase.ordinal() == 0 ? "" : ",").append('{');
      field("phase", phase.planKey(), out).append(",\"databases\":[");
      for (int d = 0; d < plan.databases().size(); d++) {
        String database = plan.databases().get(d);
        out.append(d == 0 ? "" : ",").append('{');
        field("database", database, out).append(",\"steps\":");
        steps(plan.steps(database, phase), out);
        out.append('}');
      }
      out.append("]}");
    }
    return out.append("]}").toString();
  }

  private static void steps(List<CompiledStep> steps, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < steps.size(); i++) {
      out.append(i == 0 ? "" : ",");
      stepJson(steps.get(i), out);
    }
    out.append(']');
  }

  private static void stepJson(CompiledStep step, StringBuilder out) {
    out.append("{\"position\":").append(step.position()).append(',');
    field("id", step.id(), out).append(',');
    field("sourcePath", step.sourcePath(), out).append(',');
    field("description", step.description(), out).append(',');
    field("kind", step.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), out).append(',');
    out.append("\"statements\":");
    StepAction action = step.action();
    strings(action instanceof NonTransactionalDdl n ? List.of(n.sql()) : action.statements(), out);
    if (action instanceof NonTransactionalDdl n && n.dropInvalid().isPresent()) {
      out.append(',');
      field("dropInvalid", n.dropInvalid().get(), out);
    }
    if (action instanceof ValidateConstraint v) {
      out.append(',');
      field("violationCountSql", v.violationCountSql(), out).append(',');
      field("violationSampleSql", v.violationSampleSql(), out);
    }
    if (action instanceof StepAction.Backfill b) {
      out.append(",\"backfill\":{");
      field("schema", b.spec().schema(), out).append(',');
      field("table", b.spec().table(), out).append(',');
      field("set", b.spec().set(), out);
      b.spec().where().ifPresent(w -> field("where", w, out.append(',')));
      b.spec().maxRowsPerSecond().ifPresent(m -> out.append(",\"maxRowsPerSecond\":").append(m));
      out.append('}');
    }
    step.probe().ifPresent(p -> probe(p, out));
    step.unsafeReason().ifPresent(r -> field("unsafeReason", r, out.append(',')));
    out.append(',');
    field("reversibility", step.reversibility().name().toLowerCase(Locale.ROOT).replace('_', '-'), out);
    out.append(",\"inverse\":");
    steps(step.inverse(), out);
    out.append('}');
  }

  private static void probe(Probe probe, StringBuilder out) {
    out.append(",\"probe\":{");
    field("sql", probe.sql(), out).append(",\"params\":[");
    for (int i = 0; i < probe.params().size(); i++) {
      out.append(i == 0 ? "" : ",");
      JsonWriter.string(String.valueOf(probe.params().get(i)), out);
    }
    out.append("]}");
  }

  private static StringBuilder field(String name, String value, StringBuilder out) {
    JsonWriter.string(name, out);
    out.append(':');
    JsonWriter.string(value, out);
    return out;
  }

  private static void strings(List<String> values, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ",");
      JsonWriter.string(values.get(i), out);
    }
    out.append(']');
  }
}
