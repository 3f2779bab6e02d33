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
 * The meters of one backfill ({@code plan, database, table}): rows counter, estimate, ratio, ETA, batch size,
 * batch-duration histogram and one throttle gauge per reason. Fed by every batch this daemon commits and by
 * samples of the runner's progress snapshot; readers get a consistent {@link Snapshot}. Thread-safe: the state is one immutable record swapped
 * whole; samples come from one context at a time.
 *
 * <p>The histogram's buckets span 10 ms to 60 s: batches aim at {@code target-batch-duration} (250 ms by
 * default) and a batch stuck behind a lock shows in the upper buckets.
 */
public final class BackfillMeter {
  /** Every throttle reason label (docs/operator-guide.md signal order); each gets a gauge, 1 while it holds the backfill. */
  public static final List<String> REASONS = List.of("max-rows-per-second", "replication-lag", "lock-waiters",
      "active-sessions", "http-check", "flag-file", "operator");

  private static final Duration[] BUCKETS = {
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final Counter rows;
  private final Timer batches;
  private volatile State state = State.START;

  BackfillMeter(MeterRegistry registry, Tags tags) {
    rows = Counter.builder("tidemark.backfill.rows").description("Rows the backfill has done (keys walked)")
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
        .description("Rows per batch (the adaptive batch size)").tags(tags).register(registry);
    Tags throttleTags = Tags.of(tags.stream().filter(t -> !t.getKey().equals("table")).toList());
    for (String reason : REASONS) {
      Gauge.builder("tidemark.throttle.active", this, m -> m.state.throttle.filter(reason::equals).isPresent() ? 1 : 0)
          .description("1 while this reason holds the backfill back").tags(throttleTags.and("reason", reason))
          .register(registry);
    }
  }

  /**
   * A batch this daemon committed: {@code keys} walked in {@code took}. The rows counter counts keys walked
   * (like the ratio and the rows/s cap), so summed over daemons it is the backfill's progress even when a
   * lease moved mid-way; the batch-rows gauge shows the batch's size.
   */
  public void batch(long keys, Duration took) {
    rows.increment(keys);
    batches.record(took);
    State s = state;
    state = new State(s.done, s.estimated, keys, s.rate, s.throttle, s.finished);
  }

  /**
   * One sample of the runner's progress snapshot: {@code done} keys (checkpointed runs included) of
   * {@code estimated} at {@code rowsPerSecond}, and the throttle reason holding it back, if any.
   */
  public void sample(long done, long estimated, double rowsPerSecond, Optional<String> throttle) {
    State s = state;
    long newDone = Math.max(done, s.done);
    state = new State(newDone, Math.max(estimated, newDone), s.batchRows, rowsPerSecond, throttle, s.finished);
  }

  /** The reason holding the backfill back now ({@link #REASONS}), or empty when it runs freely. */
  public void throttled(Optional<String> reason) {
    State s = state;
    state = new State(s.done, s.estimated, s.batchRows, s.rate, reason, s.finished);
  }

  /** The backfill walked everything: the ratio is 1 and the ETA 0 from now on, the throttle gauges 0. */
  public void finished() {
    State s = state;
    state = new State(s.done, s.done, s.batchRows, s.rate, Optional.empty(), true);
  }

  Snapshot snapshot(String database, String table) {
    State s = state;
    return new Snapshot(database, table, s.done, s.estimated, s.ratio(), s.rate, s.etaSeconds(), s.throttle,
        s.finished);
  }

  /** What {@code GET /plans/{id}} shows per backfill. */
  public record Snapshot(String database, String table, long rowsDone, long rowsEstimated, double ratio,
      double rowsPerSecond, OptionalDouble etaSeconds, Optional<String> throttleReason, boolean finished) {}

  private record State(long done, long estimated, long batchRows, double rate, Optional<String> throttle,
      boolean finished) {
    static final State START = new State(0, 0, 0, 0, Optional.empty(), false);

    /** {@code done / estimated}; 0 while the estimate is unknown (a never-analyzed table); 1 when finished. */
    double ratio() {
      if (finished) {
        return 1.0;
      }
      return estimated == 0 ? 0.0 : Math.min(1.0, (double) done / estimated);
    }

    OptionalDouble etaSeconds() {
      if (finished) {
        return OptionalDouble.of(0);
      }
      return rate <= 0 || estimated == 0 ? OptionalDouble.empty() : OptionalDouble.of((estimated - done) / rate);
    }
  }
}
