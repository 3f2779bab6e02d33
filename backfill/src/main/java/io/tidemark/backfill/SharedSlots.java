package io.tidemark.backfill;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Slots of a server's budget shared with other processes (the daemon keeps them as rows of its control store,
 * so every daemon on one store counts against one budget). A slot is a number {@code 0 .. max - 1}; whoever
 * holds one keeps it alive and gives it back when done. Implementations are thread-safe.
 */
public interface SharedSlots {
  /** One more slot on {@code server} out of {@code max}: its number, or empty when every slot is taken. */
  Future<Optional<Integer>> claim(String server, int max);

  /** Gives slot {@code slot} back. */
  Future<Void> release(String server, int slot);
}
