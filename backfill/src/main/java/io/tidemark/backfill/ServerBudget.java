package io.tidemark.backfill;

import io.tidemark.config.ServerConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most N backfills at a time on one physical server, across all its databases
 * ({@code tidemark.servers.<name>.max-concurrent-backfills}): a fair (FIFO) async semaphore per server name.
 * Two tenants' backfills on {@code db1} with a budget of 1 run one after the other, because they share the
 * server's disks, WAL and replicas even though they are different databases.
 *
 * <p>Thread-safe. {@link #acquire} completes at once when a slot is free, otherwise when one is released;
 * the waiter's future completes on the Vert.x context that called {@code acquire} (if any), so a backfill
 * resumes on its own event loop.
 */
public final class ServerBudget {
  private final Map<String, Integer> limits;
  private final int defaultLimit;
  private final Map<String, Integer> inUse = new HashMap<>();
  private final Map<String, Queue<Waiter>> waiting = new HashMap<>();

  private record Waiter(Promise<Permit> promise, Context context) {}

  /** {@code defaultLimit} applies to servers without an entry; at least 1. */
  public ServerBudget(Collection<ServerConfig> servers, int defaultLimit) {
    this.limits = new HashMap<>();
    servers.forEach(s -> limits.put(s.name(), Math.max(1, s.maxConcurrentBackfills())));
    this.defaultLimit = Math.max(1, defaultLimit);
  }

  /** No limit: for one-off runs ({@code BackfillMain}) and tests. */
  public static ServerBudget unlimited() {
    return new ServerBudget(java.util.List.of(), Integer.MAX_VALUE);
  }

  /** A slot on {@code server}; release it with {@link Permit#release()} (idempotent) when the backfill ends. */
  public Future<Permit> acquire(String server) {
    Promise<Permit> promise = Promise.promise();
    synchronized (this) {
      int used = inUse.getOrDefault(server, 0);
      if (used < limit(server)) {
        inUse.put(server, used + 1);
        return Future.succeededFuture(new Permit(this, server));
      }
      waiting.computeIfAbsent(server, k -> new ArrayDeque<>()).add(new Waiter(promise, Vertx.currentContext()));
    }
    return promise.future();
  }

  /**
   * Gives up a pending {@link #acquire}: its future fails with {@link CancellationException}. No effect when
   * it already completed (the holder then owns the permit and must release it).
   */
  public void cancel(Future<Permit> pending) {
    Waiter removed = null;
    synchronized (this) {
      for (Queue<Waiter> q : waiting.values()) {
        for (Waiter w : q) {
          if (w.promise().future() == pending) {
            removed = w;
          }
        }
        if (removed != null) {
          q.remove(removed);
          break;
        }
      }
    }
    if (removed != null) {
      removed.promise().tryFail(new CancellationException("stopped while waiting for the server budget"));
    }
  }

  /** Slots taken on {@code server} now. */
  public synchronized int inUse(String server) {
    return inUse.getOrDefault(server, 0);
  }

  /** Backfills queued for a slot on {@code server}. */
  public synchronized int waiting(String server) {
    Queue<Waiter> q = waiting.get(server);
    return q == null ? 0 : q.size();
  }

  private int limit(String server) {
    return limits.getOrDefault(server, defaultLimit);
  }

  private void release(String server) {
    Waiter next;
    synchronized (this) {
      Queue<Waiter> q = waiting.get(server);
      next = q == null ? null : q.poll();
      if (next == null) {
        inUse.merge(server, -1, Integer::sum);
        return;
      }
    }
    // The slot passes straight to the next waiter: inUse stays the same.
    Permit permit = new Permit(this, server);
    if (next.context() == null) {
      next.promise().complete(permit);
    } else {
      next.context().runOnContext(v -> next.promise().complete(permit));
    }
  }

  /** One slot on one server. */
  public static final class Permit {
    private final ServerBudget budget;
    private final String server;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(ServerBudget budget, String server) {
      this.budget = budget;
      this.server = server;
    }

    public String server() {
      return server;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        budget.release(server);
      }
    }
  }
}
