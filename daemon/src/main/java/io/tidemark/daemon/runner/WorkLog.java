package io.tidemark.daemon.runner;

import org.slf4j.MDC;

/**
 * MDC {@code plan}, {@code database} and {@code step} around the log lines of one piece of work, so text and
 * JSON logs can be filtered by them. Vert.x does not carry MDC from one callback to the next, so each line
 * sets it: {@code try (WorkLog w = WorkLog.of(plan, db, step)) { LOG.info(...); }}. Runs on the caller's
 * thread; {@code null} leaves a key out.
 */
public final class WorkLog implements AutoCloseable {
  private final boolean step;

  private WorkLog(String plan, String database, String step) {
    MDC.put("plan", plan);
    MDC.put("database", database);
    this.step = step != null;
    if (this.step) {
      MDC.put("step", step);
    }
  }

  public static WorkLog of(String plan, String database, String step) {
    return new WorkLog(plan, database, step);
  }

  public static WorkLog of(String plan, String database) {
    return new WorkLog(plan, database, null);
  }

  @Override
  public void close() {
    MDC.remove("plan");
    MDC.remove("database");
    if (step) {
      MDC.remove("step");
    }
  }
}
