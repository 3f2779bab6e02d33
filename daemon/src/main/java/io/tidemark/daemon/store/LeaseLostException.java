package io.tidemark.daemon.store;

/** A fenced write changed nothing: another daemon holds the (plan, database) now; stop driving it. */
public final class LeaseLostException extends RuntimeException {
  public LeaseLostException(Fence fence) {
    super("lease lost on " + fence.planId() + "/" + fence.database() + " (token " + fence.token() + ")");
  }
}
