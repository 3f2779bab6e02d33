package io.tidemark.backfill;

import java.util.List;
import java.util.Optional;

/**
 * One row of {@code tidemark.backfill_checkpoints}: how far a backfill step got. {@code upperKey} is the
 * table's largest key when the step first started, frozen for all later runs; empty when the table was
 * empty. Rows whose key is above it (inserted after the start) are the application's to write correctly —
 * or a sync trigger's, as rename/change-type steps install before their backfill — never the backfill's:
 * chasing a moving maximum on a busy table would never finish.
 */
record Checkpoint(
    List<String> keyColumns,
    Optional<List<String>> lastKey,
    Optional<List<String>> upperKey,
    long rowsDone,
    long rowsUpdated,
    long batches,
    String state,
    Optional<String> error) {

  static final String RUNNING = "running";
  static final String DONE = "done";
  static final String FAILED = "failed";

  boolean done() {
    return DONE.equals(state);
  }

  Checkpoint advance(List<String> key, long keys, long updated, boolean last) {
    return new Checkpoint(keyColumns, Optional.of(key), upperKey, rowsDone + keys, rowsUpdated + updated,
        batches + 1, last ? DONE : RUNNING, Optional.empty());
  }

  Checkpoint finished() {
    return new Checkpoint(keyColumns, lastKey, upperKey, rowsDone, rowsUpdated, batches, DONE, Optional.empty());
  }
}
