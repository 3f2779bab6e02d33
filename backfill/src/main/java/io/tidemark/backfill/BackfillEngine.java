package io.tidemark.backfill;

import io.tidemark.pg.Connector;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts backfills. One engine per daemon: it owns the HTTP client the throttle's {@code http-check} uses
 * and shares one {@link ServerBudget}, so at most N backfills run at a time per database server.
 *
 * <pre>
 * BackfillEngine engine = new BackfillEngine(vertx, new ServerBudget(config.servers(), 1));
 * BackfillRun run = engine.start(BackfillJob.of(plan.id(), step, database, defaults.backfill(), defaults.throttle()));
 * run.progress();                              // snapshot, any thread
 * run.controls().maxRowsPerSecond(500);        // PUT /plans/{id}/throttle
 * run.controls().operatorThrottle("incident"); // hold every batch
 * run.stop();                                  // pause/shutdown: ends at the next batch boundary
 * run.completion();                            // DONE / STOPPED, or fails with BackfillException
 * </pre>
 *
 * Starting the same (plan id, step id) again — after a stop, a crash, a failure fixed by an operator, or on
 * another daemon — resumes from the checkpoint in the target database; a finished step completes at once.
 * The caller must not run the same step twice at the same time (the daemon's lease guarantees it; should it
 * happen anyway, the conditional checkpoint makes the second runner's batches roll back).
 *
 * <p>Thread-safe. A run executes on the Vert.x context of the thread calling {@link #start} (a new event
 * loop context when called from a non-Vert.x thread).
 */
public final class BackfillEngine {
  private final Vertx vertx;
  private final ServerBudget budget;
  private final Connector connector;
  private final HttpClient http;
  private final Consumer<CommittedBatch> onBatch;
  private final SizeHints hints = new SizeHints();

  public BackfillEngine(Vertx vertx, ServerBudget budget) {
    this(vertx, budget, batch -> { });
  }

  /**
   * @param onBatch called after every committed batch of every run, on that run's event loop: it must not
   *                block (updating Micrometer meters is fine); an exception it throws is logged and ignored
   */
  public BackfillEngine(Vertx vertx, ServerBudget budget, Consumer<CommittedBatch> onBatch) {
    this(vertx, budget, Connector.direct(vertx), onBatch);
  }

  /**
   * @param connector where the runs' connections come from (the daemon's counts them against the server's
   *                  connection budget; a run holds its batch session while it goes, and a monitor session
   *                  while a batch runs long enough to be watched)
   */
  public BackfillEngine(Vertx vertx, ServerBudget budget, Connector connector, Consumer<CommittedBatch> onBatch) {
    this.vertx = vertx;
    this.connector = connector;
    this.budget = budget;
    this.onBatch = onBatch;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  /** Starts (or resumes) the job; returns at once with the run's handle. */
  public BackfillRun start(BackfillJob job) {
    return start(job, Optional.empty());
  }

  /**
   * The same, on {@code caller}, a pool of the caller's on the job's database: the run prepares (the
   * checkpoint table, the key, the checkpoint) and runs its batches there instead of on a session of its
   * own. The run never closes {@code caller}.
   */
  public BackfillRun start(BackfillJob job, Pool caller) {
    return start(job, Optional.of(caller));
  }

  private BackfillRun start(BackfillJob job, Optional<Pool> caller) {
    Context context = vertx.getOrCreateContext();
    BackfillRun run = new BackfillRun(vertx, context, job, budget, connector, http, onBatch, caller, hints);
    run.begin();
    return run;
  }

  public ServerBudget budget() {
    return budget;
  }

  /** Closes the engine's HTTP client; stop the runs first. */
  public Future<Void> close() {
    return http.close();
  }
}
