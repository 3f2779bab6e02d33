package io.tidemark.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.tidemark.backfill.CommittedBatch;
import io.tidemark.daemon.ops.PlanOperations;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's Prometheus registry (docs/metrics.md) and the recorder the runner reports into. One instance per
 * daemon; every method is thread-safe (runner context, HTTP event loops and the scrape may call at once).
 *
 * <p>Meters are registered under Micrometer's dotted names and the Prometheus registry derives the scraped
 * names of {@link MetricNames}: counter {@code tidemark.backfill.rows} scrapes as
 * {@code tidemark_backfill_rows_total}, timer {@code tidemark.backfill.batch.duration} as the histogram
 * {@code tidemark_backfill_batch_duration_seconds}, unit-less gauges as written. Labels are bounded: plan,
 * database, table, step (ids from the plan text), phase, state and throttle reason (closed sets).
 *
 * <p>It also carries JVM/process meters and, for a Vert.x built by {@link #newVertx()}, the Vert.x pool, HTTP
 * and event-bus meters.
 */
public final class TidemarkMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<BackfillKey, BackfillMeter> backfills = new ConcurrentHashMap<>();
  private final Map<String, IndexProgress> indexes = new ConcurrentHashMap<>();
  private volatile StateGauges states;

  public TidemarkMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  /** A Vert.x instance whose pools, HTTP server and clients report into this registry. */
  public Vertx newVertx() {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Starts exporting the plan and step state gauges, read from the control store every {@code interval}
   * (on {@code vertx}'s event loop). Call once; {@link #close()} stops it.
   */
  public void exportStates(Vertx vertx, PlanOperations operations, Duration interval) {
    states = new StateGauges(vertx, operations, registry);
    states.start(interval);
  }

  /** The Prometheus text exposition (format 0.0.4) of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The meters of one backfill, created (rows counter at 0, every throttle reason at 0) when it starts and
   * kept afterwards so a finished backfill still shows ratio 1. Idempotent: a resumed backfill gets the
   * same meters back, its counter continuing.
   */
  public BackfillMeter backfill(String plan, String database, String table) {
    return backfills.computeIfAbsent(new BackfillKey(plan, database, table),
        k -> new BackfillMeter(registry, Tags.of("plan", plan, "database", database, "table", table)));
  }

  /** A backfill batch committed on this daemon (the engine's batch listener; an event loop, never blocks). */
  public void batchCommitted(CommittedBatch b) {
    backfill(b.planId(), b.database(), b.table()).batch(b.keys(), b.duration());
  }

  /** The latest progress of every backfill this daemon ran, for {@code GET /plans/{id}}. */
  public Collection<BackfillMeter.Snapshot> backfills(String plan) {
    return backfills.entrySet().stream().filter(e -> e.getKey().plan().equals(plan))
        .map(e -> e.getValue().snapshot(e.getKey().database(), e.getKey().table())).toList();
  }

  /** One attempt of a DDL step's statement; {@code lockTimeout} when it gave up on {@code lock_timeout}. */
  public void ddlAttempt(String plan, String database, String step, boolean lockTimeout) {
    Tags tags = Tags.of("plan", plan, "database", database, "step", step);
    Counter.builder("tidemark.ddl.attempts").description("DDL statement attempts, retries included")
        .tags(tags).register(registry).increment();
    Counter lockTimeouts = Counter.builder("tidemark.ddl.lock.timeouts")
        .description("DDL attempts that gave up on lock_timeout (55P03) and were retried").tags(tags).register(registry);
    if (lockTimeout) {
      lockTimeouts.increment();
    }
  }

  /** Progress of a {@code CREATE INDEX CONCURRENTLY} (blocks done / blocks total), 0..1. */
  public void indexBuild(String plan, String database, String step, double ratio) {
    IndexProgress holder = indexes.computeIfAbsent(plan + "\0" + database + "\0" + step, k -> new IndexProgress());
    holder.ratio = ratio;
    Gauge.builder("tidemark.index.build.progress.ratio", holder, h -> h.ratio)
        .description("CREATE INDEX CONCURRENTLY progress, 0..1")
        .tags("plan", plan, "database", database, "step", step).register(registry);
  }

  /** A step whose index build was reported completed: its ratio is 1 (the last poll may have seen less). */
  void stepCompleted(String plan, String database, String step) {
    IndexProgress holder = indexes.get(plan + "\0" + database + "\0" + step);
    if (holder != null) {
      holder.ratio = 1.0;
    }
  }

  @Override
  public void close() {
    if (states != null) {
      states.stop();
    }
    gc.close();
    registry.close();
  }

  private static final class IndexProgress {
    private volatile double ratio;
  }

  private record BackfillKey(String plan, String database, String table) {}
}
