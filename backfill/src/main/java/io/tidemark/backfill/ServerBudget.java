package io.tidemark.backfill;

import io.tidemark.config.ServerConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most N backfills at a time on one physical server, across all its databases
 * ({@code tidemark.servers.<name>.max-concurrent-backfills}): a fair (FIFO) async semaphore per server name.
 * Two tenants' backfills on {@code db1} with a budget of 1 run one after the other, because they share the
 * server's disks, WAL and replicas even though they are different databases.
 *
 * <p>With {@link SharedSlots} the budget is shared by every daemon on one control store: a backfill that got
 * a slot here also claims one of the server's shared slots, and waits (claiming again every
 * {@value #SHARED_RETRY_MS} ms, first come first served among this daemon's waiters) while the other daemons
 * hold them all. Worked example, budget 2, two daemons: A runs two backfills, B's first waits for a shared
 * slot until one of A's ends. Without, the budget is this process's alone.
 *
 * <p>Thread-safe. {@link #acquire} completes at once when a slot is free, otherwise when one is released;
 * the waiter's future completes on the Vert.x context that called {@code acquire} (if any), so a backfill
 * resumes on its own event loop.
 */
public final class ServerBudget {
  private static final Logger LOG = LoggerFactory.getLogger(ServerBudget.class);
  static final long SHARED_RETRY_MS = 250;

  private final Map<String, Integer> limits;
  private final Vertx vertx;
  private final SharedSlots shared;
  /** Acquisitions that hold a slot here and wait for a shared one, by the future {@link #acquire} returned. */
  private final Map<Future<Permit>, Claiming> claiming = new HashMap<>();
  /**
   * Shared slots a finished backfill handed to the next one waiting here, by server: passed on without a
   * write to the control store (a release followed by a claim could also lose the slot to the delete not
   * yet committed, costing the waiter a retry).
   */
  private final Map<String, ArrayDeque<Integer>> spare = new HashMap<>();
  private final int defaultLimit;
  private final Map<String, Integer> inUse = new HashMap<>();
  private final Map<String, Queue<Waiter>> waiting = new HashMap<>();

  private record Waiter(Promise<Permit> promise, Context context) {}

  /** One acquisition that needs a shared slot too: waiting for the local one, then for the shared one. */
  private static final class Claiming {
    final Promise<Permit> promise = Promise.promise();
    final String server;
    Future<Permit> localPending;
    Permit local;
    boolean cancelled;

    Claiming(String server) {
      this.server = server;
    }
  }

  /** {@code defaultLimit} applies to servers without an entry; at least 1. */
  public ServerBudget(Collection<ServerConfig> servers, int defaultLimit) {
    this(servers, defaultLimit, null, null);
  }

  /** The same, each slot also one of {@code shared} (claimed again on {@code vertx}'s timers while taken). */
  public ServerBudget(Collection<ServerConfig> servers, int defaultLimit, Vertx vertx, SharedSlots shared) {
    this.vertx = vertx;
    this.shared = shared;
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
    if (shared == null) {
      return acquireLocal(server);
    }
    Claiming c = new Claiming(server);
    synchronized (this) {
      claiming.put(c.promise.future(), c);
    }
    c.localPending = acquireLocal(server);
    c.localPending.onComplete(ar -> localAcquired(c, ar.failed() ? null : ar.result(), ar.cause()));
    return c.promise.future();
  }

  private void localAcquired(Claiming c, Permit local, Throwable failure) {
    boolean cancelled;
    synchronized (this) {
      c.local = local;
      cancelled = c.cancelled;
      if (local == null || cancelled) {
        claiming.remove(c.promise.future());
      }
    }
    if (local == null) {
      c.promise.tryFail(failure);
      returnSpareIfIdle(c.server);
    } else if (cancelled) {
      local.release();
      c.promise.tryFail(new CancellationException("stopped while waiting for the server budget"));
      returnSpareIfIdle(c.server);
    } else {
      claimOnce(c);
    }
  }

  private void claimOnce(Claiming c) {
    String server = c.server;
    Integer handed;
    synchronized (this) {
      ArrayDeque<Integer> q = spare.get(server);
      handed = q == null ? null : q.poll();
    }
    Future<Optional<Integer>> claimed = handed != null ? Future.succeededFuture(Optional.of(handed))
        : shared.claim(server, limit(server));
    claimed.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("claiming a shared backfill slot on {} failed, trying again: {}", server, ar.cause().toString());
      }
      Optional<Integer> slot = ar.succeeded() ? ar.result() : Optional.empty();
      boolean cancelled;
      synchronized (this) {
        cancelled = c.cancelled;
        if (cancelled || slot.isPresent()) {
          claiming.remove(c.promise.future());
        }
      }
      if (cancelled) {
        slot.ifPresent(n -> releaseShared(server, n));
        c.local.release();
        c.promise.tryFail(new CancellationException("stopped while waiting for the server budget"));
        returnSpareIfIdle(server);
      } else if (slot.isPresent()) {
        c.local.sharedSlot = slot.get();
        c.promise.complete(c.local);
        returnSpareIfIdle(server);
      } else {
        vertx.setTimer(SHARED_RETRY_MS, id -> claimOnce(c));
      }
    });
  }

  /** A finished backfill's shared slot: to the next one waiting here, or back to the control store. */
  private void passOnShared(String server, int slot) {
    synchronized (this) {
      Queue<Waiter> q = waiting.get(server);
      boolean someoneWaits = (q != null && !q.isEmpty())
          || claiming.values().stream().anyMatch(c -> c.server.equals(server) && !c.cancelled);
      if (someoneWaits) {
        spare.computeIfAbsent(server, k -> new ArrayDeque<>()).add(slot);
        return;
      }
    }
    releaseShared(server, slot);
  }

  /** Nobody left to take the handed-over slots (the waiters were cancelled): they go back to the store. */
  private void returnSpareIfIdle(String server) {
    List<Integer> back = new java.util.ArrayList<>();
    synchronized (this) {
      Queue<Waiter> q = waiting.get(server);
      boolean someoneWaits = (q != null && !q.isEmpty()) || claiming.values().stream().anyMatch(c -> c.server.equals(server));
      ArrayDeque<Integer> held = spare.get(server);
      if (someoneWaits || held == null) {
        return;
      }
      back.addAll(held);
      held.clear();
    }
    back.forEach(n -> releaseShared(server, n));
  }

  private void releaseShared(String server, int slot) {
    shared.release(server, slot).onFailure(e -> LOG.warn("giving back shared backfill slot {} of {} failed"
        + " (it expires with this daemon's claims): {}", slot, server, e.toString()));
  }

  private Future<Permit> acquireLocal(String server) {
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
    Claiming c;
    synchronized (this) {
      c = claiming.get(pending);
      if (c != null) {
        c.cancelled = true;
      }
    }
    if (c != null) {
      // Still queued here: fails its local wait, and localAcquired fails the acquisition. Otherwise the
      // next shared claim's answer sees the flag, gives back what it got and fails it.
      cancelLocal(c.localPending);
      return;
    }
    cancelLocal(pending);
  }

  private void cancelLocal(Future<Permit> pending) {
    if (pending == null) {
      return;
    }
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

  /** Slots taken on {@code server} now (by backfills that run). */
  public synchronized int inUse(String server) {
    return inUse.getOrDefault(server, 0) - sharedWaiting(server);
  }

  /** Backfills queued for a slot on {@code server} (here, or for a shared one held by other daemons). */
  public synchronized int waiting(String server) {
    Queue<Waiter> q = waiting.get(server);
    return (q == null ? 0 : q.size()) + sharedWaiting(server);
  }

  private int sharedWaiting(String server) {
    return (int) claiming.values().stream().filter(c -> c.local != null && c.server.equals(server)).count();
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
    private volatile int sharedSlot = -1;

    private Permit(ServerBudget budget, String server) {
      this.budget = budget;
      this.server = server;
    }

    public String server() {
      return server;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        if (sharedSlot >= 0) {
          budget.passOnShared(server, sharedSlot);
        }
        budget.release(server);
      }
    }
  }
}
