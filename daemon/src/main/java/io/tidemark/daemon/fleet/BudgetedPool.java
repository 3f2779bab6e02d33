package io.tidemark.daemon.fleet;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.TransactionPropagation;
import io.vertx.sqlclient.TransactionRollbackException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A pool of at most {@code maxSize} connections to one database whose every connection holds a slot of its
 * server's budget ({@link ServerSlots}). Nothing is opened until a query needs it. A connection given back
 * is kept for the next query of this pool, but closed at once when other work on the server waits for a
 * slot, and otherwise after the server's idle timeout. {@link #getConnection} hands out a connection of the
 * caller's own: closing it closes it for real and frees its slot. Thread-safe.
 */
final class BudgetedPool implements Pool {
  private final Vertx vertx;
  private final ConnectionBudget budget;
  private final ServerSlots slots;
  private final PgConnectOptions options;
  private final int maxSize;
  private final long idleMs;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private final Deque<Promise<PgConnection>> waiting = new ArrayDeque<>();
  /** Connections open now; one the server closed (terminated, network lost) leaves at once, never reused. */
  private final java.util.Set<PgConnection> live = new java.util.HashSet<>();
  private int open;
  private boolean closed;

  private record Idle(PgConnection conn, long timer) {}

  BudgetedPool(Vertx vertx, ConnectionBudget budget, ServerSlots slots, PgConnectOptions options, int maxSize,
      long idleMs) {
    this.vertx = vertx;
    this.budget = budget;
    this.slots = slots;
    this.options = options;
    this.maxSize = Math.max(1, maxSize);
    this.idleMs = idleMs;
    slots.register(this);
  }

  @Override
  public Future<SqlConnection> getConnection() {
    return lease().map(c -> (SqlConnection) c);
  }

  @Override
  public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> function) {
    return lease().compose(conn -> function.apply(conn).andThen(ar -> giveBack(conn)));
  }

  @Override
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> function) {
    return withConnection(conn -> conn.begin().compose(tx -> function.apply(conn).compose(
        result -> tx.commit().map(result),
        error -> error instanceof TransactionRollbackException
            ? Future.failedFuture(error)
            : tx.rollback().transform(x -> Future.failedFuture(error)))));
  }

  @Override
  public <T> Future<T> withTransaction(TransactionPropagation propagation, Function<SqlConnection, Future<T>> function) {
    return withTransaction(function);
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return new LeasedQuery<>(this, c -> c.query(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return new LeasedPreparedQuery<>(this, c -> c.preparedQuery(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions prepareOptions) {
    return new LeasedPreparedQuery<>(this, c -> c.preparedQuery(sql, prepareOptions));
  }

  @Override
  public synchronized int size() {
    return open;
  }

  /** Closes the idle connections now and the busy ones when they are given back. */
  @Override
  public Future<Void> close() {
    List<Idle> toClose;
    List<Promise<PgConnection>> failed;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(idle);
      idle.clear();
      failed = new ArrayList<>(waiting);
      waiting.clear();
    }
    slots.unregister(this);
    failed.forEach(p -> p.tryFail(new IllegalStateException("pool closed")));
    return Future.join(toClose.stream().map(this::closeIdle).toList()).mapEmpty();
  }

  /** Asked by the server's slots when a waiter arrived: one idle connection is closed to free a slot. */
  void closeOneIdle() {
    Idle victim;
    synchronized (this) {
      victim = idle.pollLast();
    }
    if (victim != null) {
      closeIdle(victim);
    }
  }

  private Future<PgConnection> lease() {
    Promise<PgConnection> waiter;
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("pool closed"));
      }
      Idle reused = idle.pollFirst();
      if (reused != null) {
        vertx.cancelTimer(reused.timer());
        return Future.succeededFuture(reused.conn());
      }
      if (open >= maxSize) {
        waiter = Promise.promise();
        waiting.add(waiter);
        return waiter.future();
      }
      open++;
    }
    return budget.open(slots, options, this::ended).onSuccess(this::opened).onFailure(e -> connectionClosed());
  }

  private synchronized void opened(PgConnection conn) {
    live.add(conn);
  }

  private void giveBack(PgConnection conn) {
    Promise<PgConnection> next;
    boolean close;
    synchronized (this) {
      if (!live.contains(conn)) {
        return; // it closed while in use: ended() already freed its place and served a waiter
      }
      next = waiting.poll();
      close = next == null && (closed || slots.hasWaiters());
      if (next == null && !close) {
        long timer = vertx.setTimer(idleMs, id -> expire(conn));
        idle.addLast(new Idle(conn, timer));
      }
    }
    if (next != null) {
      next.complete(conn);
    } else if (close) {
      conn.close();
    }
  }

  private void expire(PgConnection conn) {
    Idle found = null;
    synchronized (this) {
      for (Idle i : idle) {
        if (i.conn() == conn) {
          found = i;
        }
      }
      if (found != null) {
        idle.remove(found);
      }
    }
    if (found != null) {
      conn.close();
    }
  }

  private Future<Void> closeIdle(Idle i) {
    vertx.cancelTimer(i.timer());
    return i.conn().close();
  }

  /** One of this pool's connections ended, however (its slot is already free). */
  private void ended(PgConnection conn) {
    forget(conn);
    connectionClosed();
  }

  private void connectionClosed() {
    Promise<PgConnection> next = null;
    synchronized (this) {
      open--;
      if (!closed && !waiting.isEmpty()) {
        next = waiting.poll();
        open++;
      }
    }
    if (next != null) {
      Promise<PgConnection> p = next;
      budget.open(slots, options, this::ended).onSuccess(this::opened).onComplete(ar -> {
        if (ar.succeeded()) {
          p.complete(ar.result());
        } else {
          connectionClosed();
          p.fail(ar.cause());
        }
      });
    }
  }

  /** Drops {@code conn} from the idle list if it sits there (the server closed it under us). */
  private synchronized void forget(PgConnection conn) {
    live.remove(conn);
    idle.removeIf(i -> {
      if (i.conn() == conn) {
        vertx.cancelTimer(i.timer());
        return true;
      }
      return false;
    });
  }
}
