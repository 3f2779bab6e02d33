package io.tidemark.daemon.fleet;

import io.tidemark.backfill.SharedSlots;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Claims on a server's shared slots, held in the control store so that every daemon on it counts against one
 * budget (see {@code BudgetClaims} in the store). Implementations renew what they hold and let a dead
 * daemon's claims expire.
 */
public interface SlotClaims extends SharedSlots {

  /** No sharing: this daemon holds the whole budget. */
  SlotClaims NONE = new SlotClaims() {
    @Override
    public Future<Optional<Integer>> claim(String server, int max) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Void> release(String server, int slot) {
      return Future.succeededFuture();
    }
  };
}
