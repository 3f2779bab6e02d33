package io.tidemark.daemon.runner;

import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.LeaseStatus;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one heartbeat of a daemon's leases: every {@code heartbeat-interval} it renews the leases of all its
 * drivers with one statement ({@link ControlStore#renewAll}) and tells each driver what its lease's row said
 * (or that the lease is gone, or that the renewal failed). One statement per heartbeat whatever the number of
 * drivers: 150 drivers renewing on timers of their own kept the control store's pool busy with renewals.
 * A beat still in flight when the next is due is not doubled (a slow state database gets one renewal at a
 * time). Not thread-safe: used on the runner's context, where its timer runs.
 */
final class LeaseHeartbeat {
  /** What a driver does with its lease's renewal. */
  interface Listener {
    void renewed(Optional<LeaseStatus> status);

    void renewFailed(Throwable cause);
  }

  private final Vertx vertx;
  private final ControlStore store;
  private final Duration lease;
  private final Duration interval;
  private final Map<Fence, Listener> held = new LinkedHashMap<>();
  private long timer = -1;
  private boolean inFlight;

  LeaseHeartbeat(Vertx vertx, ControlStore store, Duration lease, Duration interval) {
    this.vertx = vertx;
    this.store = store;
    this.lease = lease;
    this.interval = interval;
  }

  void start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> beat());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  void register(Fence fence, Listener listener) {
    held.put(fence, listener);
  }

  void unregister(Fence fence) {
    held.remove(fence);
  }

  /** Renews every registered lease now; completes once every listener was told. */
  Future<Void> beat() {
    if (held.isEmpty() || inFlight) {
      return Future.succeededFuture();
    }
    inFlight = true;
    List<Fence> fences = new ArrayList<>(held.keySet());
    return store.renewAll(fences, lease).transform(ar -> {
      inFlight = false;
      fences.forEach(f -> tell(f, ar));
      return Future.succeededFuture();
    });
  }

  /** A driver that ended while the beat was in flight is told nothing. */
  private void tell(Fence fence, AsyncResult<Map<Fence, LeaseStatus>> ar) {
    Listener l = held.get(fence);
    if (l == null) {
      return;
    }
    if (ar.succeeded()) {
      l.renewed(Optional.ofNullable(ar.result().get(fence)));
    } else {
      l.renewFailed(ar.cause());
    }
  }
}
