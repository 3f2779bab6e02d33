package io.tidemark.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The meters of one backfill ({@code plan, database, table}): rows counter, estimate, ratio, ETA, last batch
 * size, batch-duration histogram and one throttle gauge per reason. The backfill's runner reports each batch
 * and each throttle decision; readers get a consistent {@link Snapshot}. Thread-safe: the state is one
 * immutable snapshot swapped whole.
 *
 * <p>The histogram's buckets span 10 ms to 60 s: batches aim at {@code target-batch-duration} (250 ms by
 * default) and a batch stuck behind a lock shows in the upper buckets.
 */
public final class BackfillMeter {
  /** Every throttle reason label (SPEC §6 signal order); each gets a gauge, 1 while it holds the backfill. */
  public static final List<String> REASONS = List.of("max-rows-per-second", "replication-lag", "lock-waiters",
      "active-sessions", "http-check", "flag-file", "operator");

  private static final Duration[] BUCKETS = {
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final Counter rows;
  private final Timer batches;
  private volatile State state = new State(0, 0, 0, OptionalDouble.empty(), 0, Optional.empty(), false);

  BackfillMeter(MeterRegistry registry, Tags tags) {
    rows = Counter.builder("tidemark.backfill.rows").description("Rows the backfill updated")
        .tags(tags).register(registry);
    batches = Timer.builder("tidemark.backfill.batch.duration").description("Duration of one batch transaction")
        .tags(tags).serviceLevelObjectives(BUCKETS).minimumExpectedValue(BUCKETS[0])
        .maximumExpectedValue(BUCKETS[BUCKETS.length - 1]).register(registry);
    Gauge.builder("tidemark.backfill.rows.estimated", this, m -> m.state.estimated)
        .description("Estimated rows the backfill walks").tags(tags).register(registry);
    Gauge.builder("tidemark.backfill.progress.ratio", this, m -> m.state.ratio())
        .description("Rows done / rows estimated; 1 when finished").tags(tags).register(registry);
    Gauge.builder("tidemark.backfill.eta.seconds", this, m -> m.state.etaSeconds().orElse(Double.NaN))
        .description("Seconds left at the current rate; NaN while unknown").tags(tags).register(registry);
    Gauge.builder("tidemark.backfill.batch.rows", this, m -> m.state.batchRows)
        .description("Rows in the last batch").tags(tags).register(registry);
    Tags throttleTags = Tags.of(tags.stream().filter(t -> !t.getKey().equals("table")).toList());
    for (String reason : REASONS) {
      Gauge.builder("tidemark.throttle.active", this, m -> m.state.throttle.filter(reason::equals).isPresent() ? 1 : 0)
          .description("1 while this reason holds the backfill back").tags(throttleTags.and("reason", reason))
          .register(registry);
    }
  }

  /** A committed batch of {@code updated} rows that took {@code took}. */
  public void batch(long updated, Duration took) {
    rows.increment(updated);
    batches.record(took);
    State s = state;
    state = new State(s.done + updated, Math.max(s.estimated, s.done + updated), updated, s.rate, s.startedAtMillis,
        s.throttle, false);
  }

  /**
   * Overrides what {@link #batch} derives with a runner's own accounting (the backfill engine counts walked
   * keys, which may exceed updated rows): {@code done} of {@code estimated}, at {@code rowsPerSecond}.
   */
  public void progress(long done, long estimated, double rowsPerSecond) {
    State s = state;
    state = new State(done, Math.max(estimated, done), s.batchRows, OptionalDouble.of(rowsPerSecond),
        s.startedAtMillis, s.throttle, s.finished);
  }

  /** Sets the estimate only (when the backfill starts). */
  public void estimated(long estimated) {
    State s = state;
    state = new State(s.done, Math.max(estimated, s.done), s.batchRows, s.rate,
        s.startedAtMillis == 0 ? System.currentTimeMillis() : s.startedAtMillis, s.throttle, false);
  }

  /** The reason holding the backfill back now ({@link #REASONS}), or empty when it runs freely. */
  public void throttled(Optional<String> reason) {
    State s = state;
    if (!s.throttle.equals(reason)) {
      state = new State(s.done, s.estimated, s.batchRows, s.rate, s.startedAtMillis, reason, s.finished);
    }
  }

  /** The backfill walked everything: the ratio is 1 from now on, the throttle gauges 0. */
  public void finished() {
    State s = state;
    state = new State(s.done, s.done, s.batchRows, s.rate, s.startedAtMillis, Optional.empty(), true);
  }

  Snapshot snapshot(String database, String table) {
    State s = state;
    return new Snapshot(database, table, s.done, s.estimated, s.ratio(), s.rowsPerSecond(), s.etaSeconds(),
        s.throttle, s.finished);
  }

  /** What {@code GET /plans/{id}} shows per backfill. */
  public record Snapshot(String database, String table, long rowsDone, long rowsEstimated, double ratio,
      double rowsPerSecond, OptionalDouble etaSeconds, Optional<String> throttleReason, boolean finished) {}

  private record State(long done, long estimated, long batchRows, OptionalDouble rate, long startedAtMillis,
      Optional<String> throttle, boolean finished) {

    double ratio() {
      if (finished) {
        return 1.0;
      }
      return estimated == 0 ? 0.0 : Math.min(1.0, (double) done / estimated);
    }

    /** The runner's rate when it reported one, else the average since the start. */
    double rowsPerSecond() {
      if (rate.isPresent()) {
        return rate.getAsDouble();
      }
      long millis = System.currentTimeMillis() - startedAtMillis;
      return startedAtMillis == 0 || millis <= 0 ? 0.0 : done * 1000.0 / millis;
    }

    OptionalDouble etaSeconds() {
      if (finished) {
        return OptionalDouble.of(0);
      }
      double r = rowsPerSecond();
      return r <= 0 || estimated == 0 ? OptionalDouble.empty() : OptionalDouble.of((estimated - done) / r);
    }
  }
}
