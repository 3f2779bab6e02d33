package io.tidemark.backfill.throttle;

import io.tidemark.config.BackfillSettings;
import io.tidemark.config.ThrottleSettings;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runtime knobs of one backfill: its pace settings ({@link BackfillSettings}: target batch duration,
 * batch size limits, {@code max-rows-per-second}, synchronous commit), its throttle signals
 * ({@link ThrottleSettings}) and the operator throttle. The daemon changes them while the backfill runs
 * ({@code PUT /plans/{id}/throttle}, a reloaded config); the engine reads them before every batch, so a
 * change takes effect at the next batch boundary — at most one target duration later, or one
 * {@code check-interval} while throttled.
 *
 * <p>Thread-safe: every field is an atomic reference to an immutable value; call from any thread.
 */
public final class ThrottleControls {
  private final AtomicReference<BackfillSettings> backfill;
  private final AtomicReference<ThrottleSettings> throttle;
  private final AtomicReference<Optional<String>> operator = new AtomicReference<>(Optional.empty());

  public ThrottleControls(BackfillSettings backfill, ThrottleSettings throttle) {
    this.backfill = new AtomicReference<>(Objects.requireNonNull(backfill));
    this.throttle = new AtomicReference<>(Objects.requireNonNull(throttle));
  }

  public BackfillSettings backfill() {
    return backfill.get();
  }

  public ThrottleSettings throttle() {
    return throttle.get();
  }

  public void backfill(BackfillSettings settings) {
    backfill.set(Objects.requireNonNull(settings));
  }

  public void throttle(ThrottleSettings settings) {
    throttle.set(Objects.requireNonNull(settings));
  }

  /** Replaces the rows/s cap (0 = none), keeping the other pace settings: {@code tidemark throttle ID -r N}. */
  public void maxRowsPerSecond(long rowsPerSecond) {
    if (rowsPerSecond < 0) {
      throw new IllegalArgumentException("max-rows-per-second must be >= 0, got " + rowsPerSecond);
    }
    backfill.updateAndGet(b -> new BackfillSettings(
        b.targetBatchDuration(), b.minBatchRows(), b.maxBatchRows(), rowsPerSecond, b.synchronousCommit()));
  }

  /** Holds every batch back until {@link #clearOperatorThrottle()}; {@code reason} is shown as the detail. */
  public void operatorThrottle(String reason) {
    operator.set(Optional.of(reason == null || reason.isBlank() ? "set by an operator" : reason));
  }

  public void clearOperatorThrottle() {
    operator.set(Optional.empty());
  }

  public Optional<String> operatorThrottle() {
    return operator.get();
  }
}
