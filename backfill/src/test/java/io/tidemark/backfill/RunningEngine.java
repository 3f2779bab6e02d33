package io.tidemark.backfill;

import static io.tidemark.backfill.Fixtures.await;

import io.vertx.core.Vertx;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Vert.x instance and one backfill engine for a test class, started before its first test and closed
 * after its last: {@code @RegisterExtension static final RunningEngine ENGINE = new RunningEngine();}.
 */
final class RunningEngine implements BeforeAllCallback, AfterAllCallback {
  private final Function<Vertx, BackfillEngine> factory;
  private Vertx vertx;
  private BackfillEngine engine;

  /** An engine with no server budget. */
  RunningEngine() {
    this(v -> new BackfillEngine(v, ServerBudget.unlimited()));
  }

  RunningEngine(Function<Vertx, BackfillEngine> factory) {
    this.factory = factory;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    vertx = Vertx.vertx();
    engine = factory.apply(vertx);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    await(engine.close().compose(v -> vertx.close()));
  }

  Vertx vertx() {
    return vertx;
  }

  BackfillRun start(BackfillJob job) {
    return engine.start(job);
  }
}
