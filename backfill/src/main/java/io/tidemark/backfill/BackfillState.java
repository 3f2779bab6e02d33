package io.tidemark.backfill;

/** Where one backfill run is. {@code DONE}, {@code STOPPED} and {@code FAILED} are final for the run. */
public enum BackfillState {
  /** Queued for a slot of its server's {@link ServerBudget}. */
  WAITING_FOR_BUDGET,
  /** Connecting, reading the catalog and the checkpoint. */
  STARTING,
  /** Running batches (possibly held back by the throttle: see {@link BackfillProgress#throttle()}). */
  RUNNING,
  /** Stopped at a batch boundary on request; the checkpoint says where to resume. */
  STOPPED,
  /** Every key up to the frozen upper bound is done. */
  DONE,
  /** A batch failed with an error that retrying cannot fix; earlier batches stay committed. */
  FAILED
}
