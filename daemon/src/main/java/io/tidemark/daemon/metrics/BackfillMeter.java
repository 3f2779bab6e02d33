package io.tidemark.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
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
  /** The {@code waiting} reason of a backfill queued behind {@code servers.<name>.max-concurrent-backfills}. */
  public static final String WAITING_SERVER_BUDGET = "server-budget";

  private static final Duration[] BUCKETS = {
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private Counter rows;
  private Timer batches;
  private boolean registered;
  private volatile State state = State.START;

  /**
   * Nothing is registered yet: a backfill waiting for its server's budget exports no per-database series
   * (at 1,000 databases, 990 of them may wait), only the plan's waiting count. The series appear with
   * {@link #register()}, when the backfill starts working.
   */
  BackfillMeter(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
  }

  /** Registers this backfill's series (idempotent; again after {@link #remove()} when the backfill resumes). */
  synchronized void register() {
    if (registered) {
      return;
    }
    registered = true;
    rows = Counter.builder("tidemark.backfill.rows").description("Rows the backfill has done (keys walked)")
        .tags(tags).register(registry);
    batches = Timer.builder("tidemark.backfill.batch.duration").description("Duration of one batch transaction")
        .tags(tags).serviceLevelObjectives(BUCKETS).minimumExpectedValue(BUCKETS[0])
        .maximumExpectedValue(BUCKETS[BUCKETS.length - 1]).register(registry);
    meters.add(rows);
    meters.add(batches);
    meters.add(Gauge.builder("tidemark.backfill.rows.estimated", this, m -> m.state.estimated)
        .description("Estimated rows the backfill walks").tags(tags).register(registry));
    meters.add(Gauge.builder("tidemark.backfill.progress.ratio", this, m -> m.state.ratio())
        .description("Rows done / rows estimated; 1 when finished").tags(tags).register(registry));
    meters.add(Gauge.builder("tidemark.backfill.eta.seconds", this, m -> m.state.etaSeconds().orElse(Double.NaN))
        .description("Seconds left at the current rate; NaN while unknown").tags(tags).register(registry));
    meters.add(Gauge.builder("tidemark.backfill.batch.rows", this, m -> m.state.batchRows)
        .description("Rows per batch (the adaptive batch size)").tags(tags).register(registry));
    Tags throttleTags = Tags.of(tags.stream().filter(t -> !t.getKey().equals("table")).toList());
    for (String reason : REASONS) {
      meters.add(Gauge.builder("tidemark.throttle.active", this,
              m -> m.state.throttle.filter(reason::equals).isPresent() ? 1 : 0)
          .description("1 while this reason holds the backfill back").tags(throttleTags.and("reason", reason))
          .register(registry));
    }
  }

  /**
   * Removes this backfill's series: its work ended (finished, stopped or failed), so a fleet's finished
   * backfills leave nothing behind on {@code /metrics}. The snapshot stays for {@code GET /plans/{id}}.
   */
  synchronized void remove() {
    registered = false;
    meters.forEach(registry::remove);
    meters.clear();
  }

  /**
   * A batch this daemon committed: {@code keys} walked in {@code took}. The rows counter counts keys walked
   * (like the ratio and the rows/s cap), so summed over daemons it is the backfill's progress even when a
   * lease moved mid-way; the batch-rows gauge shows the batch's size.
   */
  public void batch(long keys, Duration took) {
    synchronized (this) {
      register();
      rows.increment(keys);
      batches.record(took);
    }
    State s = state;
    state = new State(s.done, s.estimated, keys, s.rate, s.throttle, s.finished, Optional.empty());
  }

  /**
   * One sample of the runner's progress snapshot: {@code done} keys (checkpointed runs included) of
   * {@code estimated} at {@code rowsPerSecond}, and the throttle reason holding it back, if any.
   */
  public void sample(long done, long estimated, double rowsPerSecond, Optional<String> throttle) {
    register();
    State s = state;
    long newDone = Math.max(done, s.done);
    state = new State(newDone, Math.max(estimated, newDone), s.batchRows, rowsPerSecond, throttle, s.finished,
        Optional.empty());
  }

  /**
   * The backfill waits before it can start, for {@code reason} ({@link #WAITING_SERVER_BUDGET}: its server's
   * {@code max-concurrent-backfills} are all taken). Shown as the database's {@code waiting}, counted in
   * {@code tidemark_backfills_waiting}; no per-database series while it waits.
   */
  public void waiting(String reason) {
    State s = state;
    state = new State(s.done, s.estimated, s.batchRows, s.rate, s.throttle, s.finished, Optional.of(reason));
  }

  /** The reason holding the backfill back now ({@link #REASONS}), or empty when it runs freely. */
  public void throttled(Optional<String> reason) {
    State s = state;
    state = new State(s.done, s.estimated, s.batchRows, s.rate, reason, s.finished, s.waiting);
  }

  /** The backfill walked everything: the ratio is 1 and the ETA 0 from now on, the throttle gauges 0. */
  public void finished() {
    State s = state;
    state = new State(s.done, s.done, s.batchRows, s.rate, Optional.empty(), true, Optional.empty());
  }

  Snapshot snapshot(String database, String table) {
    State s = state;
    return new Snapshot(database, table, s.done, s.estimated, s.ratio(), s.rate, s.etaSeconds(), s.throttle,
        s.finished, s.waiting);
  }

  /** What {@code GET /plans/{id}} shows per backfill. */
  public record Snapshot(String database, String table, long rowsDone, long rowsEstimated, double ratio,
      double rowsPerSecond, OptionalDouble etaSeconds, Optional<String> throttleReason, boolean finished,
      Optional<String> waiting) {}

  private record State(long done, long estimated, long batchRows, double rate, Optional<String> throttle,
      boolean finished, Optional<String> waiting) {
    static final State START = new State(0, 0, 0, 0, Optional.empty(), false, Optional.empty());

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
