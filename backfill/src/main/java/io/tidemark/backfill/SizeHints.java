package io.tidemark.backfill;

import io.tidemark.config.BackfillSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The batch size each step's backfills settled on, per (plan, step), so the same step's backfill on the next
 * database of a fleet starts near it instead of at {@code min-batch-rows}. Tenants of one fleet share their
 * schema, so one tenant's per-key cost is a good first guess for the next; starting at the minimum, every
 * tenant repaid the climb: 9,000 rows took four to five batches, each a commit and six round trips, a
 * thousand times over on a server whose backfills run one at a time. A run starts at <em>half</em> the size
 * the last finished run of its step measured as right for the aim ({@link BatchSizer#settled}: the aim over
 * its per-key cost, which for small batches includes their fixed cost and so errs small), so a tenant up to
 * twice as slow per key still keeps its first batch within the aim; a slower one overshoots once, and the
 * sizer shrinks the next batch at once. Worked example: the last run measured 24 us a key, 7,800 keys to
 * the 187.5 ms aim; the next starts at 3,900 and does its 9,000 rows in two or three batches.
 *
 * <p>Bounded: the most recent {@value #MAX_STEPS} steps are kept. Lost at restart (a cold start begins at the
 * minimum, as before). Thread-safe.
 */
final class SizeHints {
  static final int MAX_STEPS = 4_096;

  private record Step(String planId, String stepId) {}

  private final Map<Step, Integer> sizes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Step, Integer> eldest) {
      return size() > MAX_STEPS;
    }
  };

  /** Where a run of this step starts: half the last finished run's size, within the settings' bounds. */
  synchronized int startingSize(String planId, String stepId, BackfillSettings settings) {
    Integer learned = sizes.get(new Step(planId, stepId));
    long wanted = learned == null ? settings.minBatchRows() : learned / 2;
    return BatchSizer.clamp(wanted, settings, settings.maxRowsPerSecond());
  }

  /** A run of this step finished wanting batches of {@code size} keys. */
  synchronized void finished(String planId, String stepId, int size) {
    sizes.put(new Step(planId, stepId), size);
  }
}
