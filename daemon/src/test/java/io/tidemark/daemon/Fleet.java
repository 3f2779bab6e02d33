package io.tidemark.daemon;

import io.tidemark.config.HookConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A state database and the three target databases {@code authdb}, {@code apidb}, {@code admindb} of the
 * examples, each fresh, each with a {@code public.users} table; plus the daemons a test started. Closing stops
 * the daemons and drops the databases.
 */
public final class Fleet implements AutoCloseable {
  public static final List<String> NAMES = List.of("authdb", "apidb", "admindb");

  public final TestDatabase state;
  public final Map<String, TestDatabase> targets = new LinkedHashMap<>();
  private final List<Daemon> daemons = new ArrayList<>();
  private io.vertx.core.Vertx opsVertx;
  private io.tidemark.daemon.ops.PlanOperations operations;

  public Fleet(String prefix, int rows) {
    state = TestDatabase.create(prefix + "state");
    for (String n : NAMES) {
      TestDatabase db = TestDatabase.create(prefix + n);
      TestPlans.prepareUsers(db, rows);
      targets.put(n, db);
    }
  }

  public TestDatabase target(String name) {
    return targets.get(name);
  }

  public TidemarkConfig config(String instance) {
    return config(instance, List.of());
  }

  public TidemarkConfig config(String instance, List<HookConfig> hooks) {
    return Fixtures.config(instance, state, targets, hooks);
  }

  public Daemon start(String instance) {
    return start(config(instance));
  }

  public Daemon start(TidemarkConfig config) {
    Daemon d = get(Daemon.start(config));
    daemons.add(d);
    return d;
  }

  public static <T> T get(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The plan's state as the control store has it. */
  public String planState(String planId) {
    return (String) state.queryValue("SELECT state FROM tidemark.plans WHERE id = '" + planId + "'");
  }

  public void awaitPlanState(String planId, String expected, Duration timeout) {
    await("plan " + planId + " " + expected, timeout, () -> expected.equals(planState(planId)));
  }

  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** {@code id, kind, database, step_id, actor, fencing_token, message} of every event of the plan, in order. */
  public List<List<Object>> events(String planId) {
    return state.queryRows("SELECT id, kind, database, step_id, actor, fencing_token, message FROM tidemark.events"
        + " WHERE plan_id = '" + planId + "' ORDER BY id");
  }

  /** Operator actions straight on the state database, as a daemon in another process would take them. */
  public io.tidemark.daemon.ops.PlanOperations operations() {
    if (operations == null) {
      opsVertx = io.vertx.core.Vertx.vertx();
      operations = new io.tidemark.daemon.ops.PlanOperations(
          new io.tidemark.daemon.store.ControlStore(Fixtures.pool(opsVertx, "state", state)), id -> { });
    }
    return operations;
  }

  /** Checks every target's users: every row has its status and was updated by the backfill exactly once. */
  public void assertUsersExact(int rows) {
    for (Map.Entry<String, TestDatabase> e : targets.entrySet()) {
      TestDatabase db = e.getValue();
      long nulls = db.queryLong("SELECT count(*) FROM public.users WHERE status IS NULL");
      long inactive = db.queryLong("SELECT count(*) FROM public.users WHERE status = 'inactive'");
      long total = db.queryLong("SELECT count(*) FROM public.users");
      long notOnce = db.queryLong("SELECT count(*) FROM public.users WHERE touched <> 1");
      if (nulls != 0 || inactive != rows / 3 || total != rows || notOnce != 0) {
        throw new AssertionError(e.getKey() + ": nulls " + nulls + ", inactive " + inactive + ", total " + total
            + ", rows not updated exactly once " + notOnce);
      }
    }
  }

  public void stopDaemons() {
    for (Daemon d : daemons) {
      try {
        get(d.stop());
      } catch (RuntimeException e) {
        // already stopped
      }
    }
    daemons.clear();
  }

  @Override
  public void close() {
    stopDaemons();
    if (opsVertx != null) {
      get(opsVertx.close());
    }
    targets.values().forEach(TestDatabase::close);
    state.close();
  }
}
