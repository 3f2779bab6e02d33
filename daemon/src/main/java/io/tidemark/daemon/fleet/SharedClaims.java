package io.tidemark.daemon.fleet;

import io.tidemark.daemon.store.ControlStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SlotClaims} held as rows of the control store ({@link ControlStore#claimSlot}), so every daemon on one state
 * database counts against one budget per server. Claims live {@code ttl} (the lease duration) and are renewed
 * together every {@code heartbeat}; a daemon killed -9 stops renewing and its slots lapse after {@code ttl},
 * by which time the operating system has closed its connections. Thread-safe; statements run on the control
 * pool.
 */
public final class SharedClaims implements SlotClaims {
  private static final Logger LOG = LoggerFactory.getLogger(SharedClaims.class);

  private final Vertx vertx;
  private final ControlStore store;
  private final String kind;
  private final String holder;
  private final Duration ttl;
  private final Duration heartbeat;
  private long timer = -1;

  public SharedClaims(Vertx vertx, ControlStore store, String kind, String holder, Duration ttl, Duration heartbeat) {
    this.vertx = vertx;
    this.store = store;
    this.kind = kind;
    this.holder = holder;
    this.ttl = ttl;
    this.heartbeat = heartbeat;
  }

  /** Drops what a previous incarnation of this instance left, then renews every heartbeat. */
  public Future<Void> start() {
    return store.releaseSlots(holder).onSuccess(v -> {
      timer = vertx.setPeriodic(heartbeat.toMillis(), id -> renew());
    });
  }

  /** Stops renewing and gives every slot back (best effort: unreleased ones expire). */
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return store.releaseSlots(holder).otherwise(e -> {
      LOG.warn("budget slots of {} not released (they expire): {}", holder, e.toString());
      return null;
    });
  }

  @Override
  public Future<Optional<Integer>> claim(String server, int max) {
    return store.claimSlot(server, kind, max, holder, ttl);
  }

  @Override
  public Future<Void> release(String server, int slot) {
    return store.releaseSlot(server, kind, slot, holder);
  }

  /**
   * Claims of another budget of the servers ({@code backfill}: {@code max-concurrent-backfills}) under the same
   * holder, so this heartbeat renews them too (the renewal covers every row of the holder) and {@link #stop}
   * gives them back with the rest.
   */
  public SlotClaims ofKind(String otherKind) {
    return new SlotClaims() {
      @Override
      public Future<Optional<Integer>> claim(String server, int max) {
        return store.claimSlot(server, otherKind, max, holder, ttl);
      }

      @Override
      public Future<Void> release(String server, int slot) {
        return store.releaseSlot(server, otherKind, slot, holder);
      }
    };
  }

  private void renew() {
    store.renewSlots(holder, ttl)
        .onFailure(e -> LOG.warn("renewing the budget slots of {} failed: {}", holder, e.toString()));
  }
}
