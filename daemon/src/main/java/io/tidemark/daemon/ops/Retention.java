package io.tidemark.daemon.ops;

import io.tidemark.config.RetentionSettings;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.PlanPages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old history from the control store ({@code tidemark.retention}): every {@code interval}, one
 * transaction deleting at most {@code batch-size} plans that ended longer than {@code ended-plans} ago (whole:
 * plan, databases, steps, leases, events), then one deleting at most {@code batch-size} events older than
 * {@code events}. Bounded per run, so years of backlog go over several runs and never hold a long lock.
 * Every daemon runs it; two at once skip each other's locked plans, and an event deleted twice is a no-op.
 * Runs on the Vert.x context that started it; a failed run is logged and tried again at the next interval.
 */
public final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final Vertx vertx;
  private final PlanPages pages;
  private final RetentionSettings settings;
  private long timer = -1;
  private boolean running;

  public Retention(Vertx vertx, ControlStore store, RetentionSettings settings) {
    this.vertx = vertx;
    this.pages = store.pages();
    this.settings = settings;
  }

  /** Runs once now and then every {@code interval}. */
  public void start() {
    timer = vertx.setPeriodic(0, settings.interval().toMillis(), id -> runOnce());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** One bounded run; answers how many plans and events it deleted. */
  public Future<Deleted> runOnce() {
    if (running) {
      return Future.succeededFuture(new Deleted(List.of(), 0));
    }
    running = true;
    OffsetDateTime now = OffsetDateTime.now();
    return deletePlans(now)
        .compose(plans -> deleteEvents(now).map(events -> new Deleted(plans, events)))
        .onSuccess(this::logDeleted)
        .onFailure(e -> LOG.warn("retention run failed, next try in {}: {}", settings.interval(), e.toString()))
        .eventually(() -> {
          running = false;
          return Future.succeededFuture();
        });
  }

  /** What one run removed: the ids of the ended plans and the number of events (beyond those plans'). */
  public record Deleted(List<String> plans, int events) {}

  private Future<List<String>> deletePlans(OffsetDateTime now) {
    if (settings.endedPlans().isZero()) {
      return Future.succeededFuture(List.of());
    }
    OffsetDateTime before = now.minus(settings.endedPlans());
    return pages.deleteEndedPlans(before, settings.batchSize());
  }

  private Future<Integer> deleteEvents(OffsetDateTime now) {
    if (settings.events().isZero()) {
      return Future.succeededFuture(0);
    }
    return pages.deleteEvents(now.minus(settings.events()), settings.batchSize());
  }

  private void logDeleted(Deleted d) {
    if (!d.plans().isEmpty() || d.events() > 0) {
      LOG.info("retention: deleted {} ended plans {} and {} old events", d.plans().size(), d.plans(), d.events());
    }
  }
}
