package io.tidemark.daemon.demo;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.pg.PgConnections;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A light application load on the demo databases while the plan runs: a few sessions, each a loop of one
 * short statement every {@link #PAUSE_MS} ms — read a user, change a user's email, insert an order, mark an
 * order paid — on the tables the example plans change. Only statements that stay valid through every phase
 * of the plan (it never writes {@code is_active}, which contract drops, nor inserts users, which contract's
 * NOT NULL on {@code status} would refuse from a release that does not write it), so errors mean something.
 * Counts statements, errors and the slowest statement: the cost of the migration as the application saw it.
 *
 * <p>Each session is a future chain on its pool's event loop; {@link #stop()} lets every session finish its
 * statement and closes the pools. Counters are thread-safe.
 */
final class AppLoad {
  static final long PAUSE_MS = 20;
  private static final String SELECT_USER = "SELECT id, email FROM users WHERE id = $1";
  private static final String UPDATE_EMAIL = "UPDATE users SET email = 'user' || id || '@example.org' WHERE id = $1";
  private static final String INSERT_ORDER = "INSERT INTO orders (user_id, total_cents) VALUES ($1, $2)";
  private static final String PAY_ORDER = "UPDATE orders SET state = 'paid' WHERE id = $1 AND state = 'new'";

  private final Vertx vertx;
  private final List<Pool> pools = new ArrayList<>();
  private final List<Future<Void>> sessions = new ArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong slowestMicros = new AtomicLong();
  private volatile String lastError = "";

  private AppLoad(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts {@code sessions} sessions, round-robin over {@code databases}; {@code maxId} bounds the ids used. */
  static AppLoad start(Vertx vertx, List<DatabaseConfig> databases, int sessions, long maxId) {
    AppLoad load = new AppLoad(vertx);
    for (DatabaseConfig db : databases) {
      load.pools.add(PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(Math.max(1, (sessions + databases.size() - 1) / databases.size())))
          .connectingTo(PgConnections.options(db, "demo-app"))
          .using(vertx)
          .build());
    }
    for (int i = 0; i < sessions; i++) {
      Promise<Void> ended = Promise.promise();
      load.sessions.add(ended.future());
      load.loop(load.pools.get(i % load.pools.size()), Math.max(1, maxId), ended, true);
    }
    return load;
  }

  long statements() {
    return statements.get();
  }

  long errors() {
    return errors.get();
  }

  /** The slowest statement so far, in milliseconds. */
  double slowestMillis() {
    return slowestMicros.get() / 1000.0;
  }

  String lastError() {
    return lastError;
  }

  /** Ends every session after its current statement and closes the pools. Idempotent. */
  Future<Void> stop() {
    stopping.set(true);
    return Future.join(new ArrayList<>(sessions))
        .transform(x -> Future.join(pools.stream().map(Pool::close).toList()))
        .mapEmpty();
  }

  /** {@code first}: the session's first statement also opens its connection, so it is not timed. */
  private void loop(Pool pool, long maxId, Promise<Void> ended, boolean first) {
    if (stopping.get()) {
      ended.tryComplete();
      return;
    }
    long started = System.nanoTime();
    statement(pool, maxId)
        .onComplete(ar -> counted(ar.cause(), first ? System.nanoTime() : started))
        .transform(x -> vertx.timer(PAUSE_MS))
        .onComplete(x -> loop(pool, maxId, ended, false));
  }

  private Future<?> statement(Pool pool, long maxId) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long id = 1 + random.nextLong(maxId);
    return switch (random.nextInt(4)) {
      case 0 -> pool.preparedQuery(SELECT_USER).execute(Tuple.of(id));
      case 1 -> pool.preparedQuery(UPDATE_EMAIL).execute(Tuple.of(id));
      case 2 -> pool.preparedQuery(INSERT_ORDER).execute(Tuple.of(id, random.nextLong(10_000)));
      default -> pool.preparedQuery(PAY_ORDER).execute(Tuple.of(id));
    };
  }

  private void counted(Throwable failure, long startedNanos) {
    statements.incrementAndGet();
    slowestMicros.accumulateAndGet((System.nanoTime() - startedNanos) / 1000, Math::max);
    if (failure != null && !stopping.get()) {
      errors.incrementAndGet();
      lastError = String.valueOf(failure.getMessage());
    }
  }
}
