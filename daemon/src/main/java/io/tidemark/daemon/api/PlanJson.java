package io.tidemark.daemon.api;

import io.tidemark.daemon.metrics.BackfillMeter;
import io.tidemark.daemon.ops.PlanView;
import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.EventRecord;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.StepRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The API's JSON shapes (documented in {@code openapi.yaml}): kebab-case keys, states in docs/concepts.md spelling,
 * absent values as {@code null}. Never includes the plan's stored text or any secret.
 */
final class PlanJson {
  private PlanJson() {}

  /**
   * One line of {@code GET /plans}. A plan this daemon cannot decode is listed too, without what only its
   * compiled form knows (description, database count: {@code null}), with {@code undecodable} saying why.
   */
  static JsonObject summary(PlanRecord p) {
    return new JsonObject()
        .put("id", p.id())
        .put("description", p.decoded() ? p.compiled().description() : null)
        .put("state", p.state().wireName())
        .put("phase", p.phase().wireName())
        .put("databases", p.decoded() ? p.compiled().databases().size() : null)
        .put("undecodable", p.undecodable().orElse(null))
        .put("submitted-by", p.submittedBy())
        .put("created-at", p.createdAt().toString())
        .put("updated-at", p.updatedAt().toString());
  }

  /**
   * {@code GET /plans/{id}}: the plan, each database with its state and, when this daemon runs or ran its
   * backfill, the backfill's progress; every recorded step.
   */
  static JsonObject detail(PlanView v, Collection<BackfillMeter.Snapshot> progress) {
    PlanRecord p = v.plan();
    JsonArray databases = new JsonArray();
    v.databases().forEach(d -> databases.add(database(d, progress)));
    JsonArray steps = new JsonArray();
    v.steps().forEach(s -> steps.add(step(s)));
    return summary(p)
        .put("content-hash", p.contentHash())
        .put("resume-state", p.resumeState().map(s -> s.wireName()).orElse(null))
        .put("approval", p.decoded() ? p.compiled().approval().name().toLowerCase(Locale.ROOT) : null)
        .put("awaiting", p.awaiting().orElse(null))
        .put("approved-by", p.approvedBy().orElse(null))
        .put("throttle", new JsonObject()
            .put("max-rows-per-second", orNull(p.maxRowsPerSecond()))
            .put("operator-throttle", p.operatorThrottle()))
        .put("last-error", p.lastError().orElse(null))
        .put("databases", databases)
        .put("steps", steps);
  }

  private static JsonObject database(DatabaseRecord d, Collection<BackfillMeter.Snapshot> progress) {
    JsonArray backfills = new JsonArray();
    progress.stream().filter(b -> b.database().equals(d.database())).forEach(b -> backfills.add(backfill(b)));
    return new JsonObject()
        .put("database", d.database())
        .put("phase", d.phase().wireName())
        .put("state", d.displayState())
        .put("current-step", d.currentStep().orElse(null))
        .put("paused", d.paused())
        .put("last-error", d.lastError().orElse(null))
        .put("backfills", backfills);
  }

  private static JsonObject backfill(BackfillMeter.Snapshot b) {
    return new JsonObject()
        .put("table", b.table())
        .put("rows-done", b.rowsDone())
        .put("rows-estimated", b.rowsEstimated())
        .put("ratio", b.ratio())
        .put("rows-per-second", b.rowsPerSecond())
        .put("eta-seconds", orNull(b.etaSeconds()))
        .put("throttle-reason", b.throttleReason().orElse(null))
        .put("finished", b.finished());
  }

  private static JsonObject step(StepRecord s) {
    return new JsonObject()
        .put("database", s.database())
        .put("step", s.stepId())
        .put("phase", s.phase().wireName())
        .put("state", s.state().wireName())
        .put("attempts", s.attempts())
        .put("last-error", s.lastError().orElse(null))
        .put("sqlstate", s.sqlState().orElse(null))
        .put("updated-at", s.updatedAt().toString());
  }

  static JsonObject events(List<EventRecord> events) {
    JsonArray out = new JsonArray();
    events.forEach(e -> out.add(new JsonObject()
        .put("id", e.id())
        .put("at", e.at().toString())
        .put("database", e.database().orElse(null))
        .put("step", e.stepId().orElse(null))
        .put("actor", e.actor())
        .put("kind", e.kind())
        .put("statement", e.statement().orElse(null))
        .put("duration-ms", orNull(e.durationMillis()))
        .put("outcome", e.outcome().orElse(null))
        .put("sqlstate", e.sqlState().orElse(null))
        .put("message", e.message().orElse(null))));
    return new JsonObject().put("events", out);
  }

  private static Long orNull(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static Double orNull(OptionalDouble v) {
    return v.isPresent() ? v.getAsDouble() : null;
  }
}
