package io.tidemark.daemon.api;

import io.tidemark.daemon.metrics.BackfillMeter;
import io.tidemark.daemon.ops.PlanQueries;
import io.tidemark.daemon.store.DatabaseState;
import io.tidemark.daemon.store.PlanPages;
import io.tidemark.daemon.ops.PlanView;
import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.EventRecord;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.StepRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The API's JSON shapes (documented in {@code openapi.yaml}): kebab-case keys, states in docs/concepts.md spelling,
 * absent values as {@code null}. Never includes the plan's stored text or any secret.
 */
final class PlanJson {
  /** Every state a database is shown in, so the summary's counts always carry each key. */
  private static final List<String> SHOWN_STATES = List.of("pending", "running", "paused", "done", "failed");

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
    return detail(v, progress, null);
  }

  /**
   * {@code GET /plans/{id}} with its summary block and, when the databases were paged, the cursor of the
   * next page ({@code null} on the last).
   */
  static JsonObject detail(PlanQueries.PlanPage page, Collection<BackfillMeter.Snapshot> progress, Instant now) {
    return detail(page.view(), progress, overview(page, progress, now))
        .put("next", page.next().isPresent() ? String.valueOf(page.next().getAsInt()) : null);
  }

  private static JsonObject detail(PlanView v, Collection<BackfillMeter.Snapshot> progress, JsonObject overview) {
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
        .put("summary", overview)
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
        .put("waiting", waiting(d, progress).orElse(null))
        .put("since", d.updatedAt().toString())
        .put("current-step", d.currentStep().orElse(null))
        .put("paused", d.paused())
        .put("last-error", d.lastError().orElse(null))
        .put("backfills", backfills);
  }

  /**
   * Why a running database is not progressing although it is {@code running}: its backfill on this daemon
   * waits for its server's {@code max-concurrent-backfills} ({@code server-budget}).
   */
  private static Optional<String> waiting(DatabaseRecord d, Collection<BackfillMeter.Snapshot> progress) {
    if (d.state() != DatabaseState.RUNNING || d.paused()) {
      return Optional.empty();
    }
    return progress.stream().filter(b -> b.database().equals(d.database()) && !b.finished())
        .map(BackfillMeter.Snapshot::waiting).flatMap(Optional::stream).findFirst();
  }

  /**
   * The summary block: databases by shown state (plus {@code waiting}, the running ones whose backfill waits
   * for its server's budget on this daemon) and by phase and state, the first failed databases with their
   * errors, the databases longest at their current step, and the plan's ETA.
   */
  private static JsonObject overview(PlanQueries.PlanPage page, Collection<BackfillMeter.Snapshot> progress,
      Instant now) {
    PlanQueries.Summary s = page.summary();
    Map<String, Long> byState = new LinkedHashMap<>();
    SHOWN_STATES.forEach(st -> byState.put(st, 0L));
    Map<String, JsonObject> byPhase = new LinkedHashMap<>();
    long total = 0;
    for (PlanPages.Count c : s.counts()) {
      byState.merge(c.state(), c.count(), Long::sum);
      JsonObject phase = byPhase.computeIfAbsent(c.phase().wireName(), k -> new JsonObject());
      phase.put(c.state(), phase.getLong(c.state(), 0L) + c.count());
      total += c.count();
    }
    long waiting = progress.stream().filter(b -> !b.finished() && b.waiting().isPresent()).count();
    JsonArray failed = new JsonArray();
    s.failed().forEach(d -> failed.add(new JsonObject().put("database", d.database()).put("phase", d.phase().wireName())
        .put("current-step", d.currentStep().orElse(null)).put("last-error", d.lastError().orElse(null))
        .put("since", d.updatedAt().toString())));
    JsonArray slowest = new JsonArray();
    s.slowest().forEach(d -> slowest.add(new JsonObject().put("database", d.database())
        .put("phase", d.phase().wireName()).put("current-step", d.currentStep().orElse(null))
        .put("waiting", waiting(d, progress).orElse(null))
        .put("seconds", Math.max(0, Duration.between(d.updatedAt().toInstant(), now).toSeconds()))
        .put("backfills", backfills(d, progress))));
    return new JsonObject()
        .put("databases", total)
        .put("by-state", new JsonObject(new LinkedHashMap<>(byState)))
        .put("waiting", waiting)
        .put("by-phase", new JsonObject(new LinkedHashMap<>(byPhase)))
        .put("failed", failed)
        .put("slowest", slowest)
        .put("eta-seconds", orNull(PlanEta.seconds(page.view().plan(), s.counts(), now)));
  }

  private static JsonArray backfills(DatabaseRecord d, Collection<BackfillMeter.Snapshot> progress) {
    JsonArray out = new JsonArray();
    progress.stream().filter(b -> b.database().equals(d.database())).forEach(b -> out.add(backfill(b)));
    return out;
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

  /** One page of {@code GET /plans}: {@code next} is the cursor of the following page, null on the last. */
  static JsonObject plans(List<PlanRecord> plans, Optional<String> next) {
    return new JsonObject().put("plans", new JsonArray(plans.stream().map(PlanJson::summary).toList()))
        .put("next", next.orElse(null));
  }

  /** A page of events: {@code next} is the id to pass as {@code after} for more, null when the page was short. */
  static JsonObject events(List<EventRecord> events, int limit) {
    return events(events).put("next", events.size() < limit || events.isEmpty()
        ? null : String.valueOf(events.get(events.size() - 1).id()));
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
