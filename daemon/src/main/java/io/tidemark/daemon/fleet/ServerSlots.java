package io.tidemark.daemon.fleet;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection slots of one server: at most {@code max} open at once, waiters served first come, first
 * served, whatever database or purpose they are for (so one database's backfill cannot starve another's DDL).
 *
 * <p>With {@link SlotClaims} the slots are shared by every daemon on the control store: this daemon may use
 * only the slots it holds a claim row for, claims one more row when a waiter finds none free, and gives a row
 * back when a slot falls free with nobody waiting. Without, it holds all {@code max} slots itself.
 *
 * <p>When a waiter arrives, pools of this server holding an idle connection are asked to close one, so idle
 * connections never keep others waiting. Thread-safe; a waiter's future completes on the context it called
 * {@link #acquire} from.
 */
final class ServerSlots {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSlots.class);
  private static final long CLAIM_RETRY_MS = 250;

  private final Vertx vertx;
  private final String server;
  private final int max;
  private final SlotClaims claims;
  private final Queue<Waiter> waiting = new ArrayDeque<>();
  private final List<Integer> held = new ArrayList<>();
  private final Set<BudgetedPool> pools = new CopyOnWriteArraySet<>();
  private int inUse;
  /** The fewest held-but-unused slots seen since the last trim: what was not needed all that time. */
  private int lowWater;
  private int peak;
  private boolean claiming;
  private boolean closed;

  private record Waiter(Promise<Slot> promise, Context context) {}

  ServerSlots(Vertx vertx, String server, int max, SlotClaims claims) {
    this.vertx = vertx;
    this.server = server;
    this.max = max;
    this.claims = claims;
    if (claims == SlotClaims.NONE) {
      for (int i = 0; i < max; i++) {
        held.add(i);
      }
    }
  }

  String server() {
    return server;
  }

  int max() {
    return max;
  }

  /** A slot for one connection; release it when the connection is closed. */
  Future<Slot> acquire() {
    Promise<Slot> promise = Promise.promise();
    boolean grow;
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("shutting down: no new connections to " + server));
      }
      if (inUse < held.size() && waiting.isEmpty()) {
        return Future.succeededFuture(take());
      }
      waiting.add(new Waiter(promise, Vertx.currentContext()));
      grow = startClaim();
    }
    if (grow) {
      claimOne();
    }
    pools.forEach(BudgetedPool::closeOneIdle);
    return promise.future();
  }

  /** Work queued for a slot now. */
  synchronized boolean hasWaiters() {
    return !waiting.isEmpty();
  }

  synchronized int inUse() {
    return inUse;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  /** The most slots in use at once since start. */
  synchronized int peak() {
    return peak;
  }

  synchronized List<Integer> heldSlots() {
    return List.copyOf(held);
  }

  void register(BudgetedPool pool) {
    pools.add(pool);
  }

  void unregister(BudgetedPool pool) {
    pools.remove(pool);
  }

  /** Fails every waiter; slots still in use are released as their connections close. */
  void close() {
    List<Waiter> failed;
    synchronized (this) {
      closed = true;
      failed = new ArrayList<>(waiting);
      waiting.clear();
    }
    failed.forEach(w -> w.promise().tryFail(new IllegalStateException("shutting down while waiting for " + server)));
  }

  private Slot take() {
    inUse++;
    lowWater = Math.min(lowWater, Math.max(0, held.size() - inUse));
    peak = Math.max(peak, inUse);
    return new Slot(this);
  }

  /** Under the lock: whether this caller should claim another shared slot. */
  private boolean startClaim() {
    if (claims == SlotClaims.NONE || claiming || closed || held.size() >= max || waiting.isEmpty()) {
      return false;
    }
    claiming = true;
    return true;
  }

  private void claimOne() {
    claims.claim(server, max).onComplete(ar -> {
      boolean retry;
      synchronized (this) {
        claiming = false;
        if (ar.succeeded() && ar.result().isPresent()) {
          held.add(ar.result().get());
        } else if (ar.failed()) {
          LOG.warn("claiming a connection slot on {} failed: {}", server, ar.cause().toString());
        }
        retry = !waiting.isEmpty() && (ar.failed() || ar.result().isEmpty());
      }
      dispatch();
      if (retry) {
        vertx.setTimer(CLAIM_RETRY_MS, id -> retryClaim());
      } else {
        growIfWaiting();
      }
    });
  }

  private void retryClaim() {
    boolean grow;
    synchronized (this) {
      grow = startClaim();
    }
    if (grow) {
      claimOne();
    }
  }

  private void growIfWaiting() {
    retryClaim();
  }

  private void release() {
    synchronized (this) {
      inUse--;
    }
    dispatch();
  }

  /**
   * Gives back the shared slots held but unused since the last trim, so other daemons can have them. Called
   * periodically rather than at every release: a step that closes one connection and opens the next a moment
   * later keeps its slot instead of writing two rows of the control store.
   */
  void trim() {
    List<Integer> giveBack = new ArrayList<>();
    synchronized (this) {
      if (claims == SlotClaims.NONE || !waiting.isEmpty()) {
        return;
      }
      int keep = Math.max(inUse, 0);
      while (held.size() > keep && lowWater > 0) {
        giveBack.add(held.remove(held.size() - 1));
        lowWater--;
      }
      lowWater = held.size() - inUse;
    }
    giveBack.forEach(slot -> claims.release(server, slot).onFailure(e ->
        LOG.warn("giving back slot {} on {} failed (it expires): {}", slot, server, e.toString())));
  }

  private void dispatch() {
    while (true) {
      Waiter next;
      Slot slot;
      synchronized (this) {
        if (waiting.isEmpty() || inUse >= held.size()) {
          return;
        }
        next = waiting.poll();
        slot = take();
      }
      if (next.context() == null) {
        complete(next, slot);
      } else {
        next.context().runOnContext(v -> complete(next, slot));
      }
    }
  }

  private static void complete(Waiter w, Slot slot) {
    if (!w.promise().tryComplete(slot)) {
      slot.release();
    }
  }

  /** One connection's place in the budget; {@link #release} is idempotent. */
  static final class Slot {
    private final ServerSlots owner;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(ServerSlots owner) {
      this.owner = owner;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        owner.release();
      }
    }
  }
}
