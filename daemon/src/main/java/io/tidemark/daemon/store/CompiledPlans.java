package io.tidemark.daemon.store;

import io.tidemark.planner.CompiledPlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The compiled plans one {@link ControlStore} has decoded, by id and content hash, so the runner's reads of
 * the plans it drives do not fetch and decode them again. A plan's {@code compiled} column is written once,
 * when it is submitted; a plan deleted by retention and submitted again under its id has another content
 * hash (or, with the same hash, the same compiled form), so an entry never goes stale.
 *
 * <p>Why: the compiled form lists every step of every database. At 1,000 databases it is about 16 MB of
 * JSON; the runner reads the unfinished plans at every poll and locks the plan's row at every decision, and
 * it decides after each database's drive ends — thousands of times a phase. Fetching and decoding it each
 * time was most of the daemon's CPU. With the cache the reads fetch {@code NULL} for a plan already known.
 *
 * <p>At most {@value #MAX} plans, least recently used evicted. Thread-safe.
 */
final class CompiledPlans {
  private static final int MAX = 16;

  private final Map<String, CompiledPlan> byKey = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CompiledPlan> eldest) {
      return size() > MAX;
    }
  };

  /**
   * The plan columns, {@code compiled} left out ({@code NULL}) for the plans whose key is in {@code $1}: a
   * statement selecting them is run through {@link #all} or {@link #first}, which pass the known keys there.
   */
  static final String COLUMNS = "id, content_hash, plan_text, submitted_by, state, phase, resume_state,"
      + " approved_by, approved_at, awaiting, max_rows_per_second, operator_throttle, last_error, created_at,"
      + " updated_at,"
      + " CASE WHEN content_hash || ':' || id = ANY ($1) THEN NULL ELSE compiled END AS compiled";

  /**
   * Runs {@code sql} (selecting {@link #COLUMNS}) with the known keys as {@code $1} and {@code args} given
   * them for the rest; each row becomes a record, its compiled form taken from what was known when the read
   * started (whatever is evicted meanwhile), or decoded and kept.
   */
  Future<List<PlanRecord>> all(SqlClient client, String sql, Function<String[], Tuple> args) {
    Map<String, CompiledPlan> known = snapshot();
    return client.preparedQuery(sql).execute(args.apply(known.keySet().toArray(String[]::new)))
        .map(rs -> Rows.all(rs, r -> read(r, known)));
  }

  /** {@link #all} for a statement returning at most one plan. */
  Future<Optional<PlanRecord>> first(SqlClient client, String sql, Function<String[], Tuple> args) {
    return all(client, sql, args).map(plans -> plans.stream().findFirst());
  }

  private PlanRecord read(Row r, Map<String, CompiledPlan> known) {
    String key = key(r.getString("id"), r.getString("content_hash"));
    CompiledPlan cached = r.getValue("compiled") == null ? known.get(key) : null;
    PlanRecord plan = Rows.plan(r, cached);
    if (cached == null && plan.decoded()) {
      put(key, plan.compiled());
    }
    return plan;
  }

  /** The key a read passes for each known plan: {@code <content hash>:<id>} (the hash has a fixed length). */
  private static String key(String id, String contentHash) {
    return contentHash + ":" + id;
  }

  private synchronized Map<String, CompiledPlan> snapshot() {
    return new HashMap<>(byKey);
  }

  private synchronized void put(String key, CompiledPlan plan) {
    byKey.put(key, plan);
  }
}
