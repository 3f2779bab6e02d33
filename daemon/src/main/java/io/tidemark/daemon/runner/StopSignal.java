package io.tidemark.daemon.runner;

/**
 * A request to stop at the next batch or step boundary, with the reason (pause, cancel, rollback, shutdown,
 * lost lease). Set from any thread, read by step runners between batches; first reason wins.
 */
public final class StopSignal {
  private volatile String reason;

  public void request(String why) {
    if (reason == null) {
      reason = why;
    }
  }

  public boolean requested() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }
}
