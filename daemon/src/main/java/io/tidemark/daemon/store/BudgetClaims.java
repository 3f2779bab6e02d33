package io.tidemark.daemon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every statement on {@code tidemark.budget_slots}, reached only through {@link ControlStore}: the slots of each server's budgets ({@code connection},
 * {@code backfill}) that the daemons on this control store hold. A slot is numbered {@code 0 .. max - 1}, so
 * at most {@code max} rows of one (server, kind) can be live at once whatever the daemons do; a daemon
 * renews all its rows with one statement per heartbeat, and the rows of a daemon that stopped renewing
 * (killed -9, partitioned) are free for others once they expire. Timed by the state database's clock only.
 * Runs on the caller's context.
 *
 * <p>Two daemons claiming the same free number at once: the second one's insert conflicts, waits for the
 * first to commit, then finds the row live and claims nothing; it tries again later.
 */
final class BudgetClaims {
  private static final String CLAIM = """
      INSERT INTO tidemark.budget_slots AS b (server, kind, slot, holder, expires_at)
      SELECT $1, $2, s, $3, now() + make_interval(secs => $5::double precision / 1000)
        FROM generate_series(0, $4 - 1) s
       WHERE NOT EXISTS (SELECT 1 FROM tidemark.budget_slots x
                          WHERE x.server = $1 AND x.kind = $2 AND x.slot = s AND x.expires_at >= now())
       ORDER BY s LIMIT 1
      ON CONFLICT (server, kind, slot) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE b.expires_at < now()
      RETURNING slot""";
  private static final String RENEW = "UPDATE tidemark.budget_slots"
      + " SET expires_at = now() + make_interval(secs => $2::double precision / 1000) WHERE holder = $1"
      + " RETURNING server, kind, slot";
  private static final String RELEASE = "DELETE FROM tidemark.budget_slots"
      + " WHERE server = $1 AND kind = $2 AND slot = $3 AND holder = $4";
  private static final String RELEASE_ALL = "DELETE FROM tidemark.budget_slots WHERE holder = $1";
  private static final String LIVE = "SELECT count(*) AS n FROM tidemark.budget_slots"
      + " WHERE server = $1 AND kind = $2 AND expires_at >= now()";

  /** One slot a daemon holds. */
  record Held(String server, String kind, int slot) {}

  private BudgetClaims() {}

  /** The lowest free slot of (server, kind) out of {@code max}, now held by {@code holder}; empty when none. */
  static Future<Optional<Integer>> claim(SqlClient c, String server, String kind, int max, String holder,
      Duration ttl) {
    return c.preparedQuery(CLAIM).execute(Tuple.of(server, kind, holder, max, ttl.toMillis()))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next().getInteger("slot")));
  }

  /** Extends every slot {@code holder} still holds; returns those (a missing one expired and may be another's). */
  static Future<List<Held>> renew(SqlClient c, String holder, Duration ttl) {
    return c.preparedQuery(RENEW).execute(Tuple.of(holder, ttl.toMillis()))
        .map(rs -> {
          java.util.ArrayList<Held> held = new java.util.ArrayList<>();
          for (Row r : rs) {
            held.add(new Held(r.getString("server"), r.getString("kind"), r.getInteger("slot")));
          }
          return held;
        });
  }

  static Future<Void> release(SqlClient c, String server, String kind, int slot, String holder) {
    return c.preparedQuery(RELEASE).execute(Tuple.of(server, kind, slot, holder)).mapEmpty();
  }

  /**
   * Gives up every slot of {@code holder}: at a clean stop, and at start (a previous incarnation with the same
   * instance id is dead, and so are its connections).
   */
  static Future<Void> releaseAll(SqlClient c, String holder) {
    return c.preparedQuery(RELEASE_ALL).execute(Tuple.of(holder)).mapEmpty();
  }

  /** Live slots of (server, kind) over all daemons. */
  static Future<Long> live(SqlClient c, String server, String kind) {
    return c.preparedQuery(LIVE).execute(Tuple.of(server, kind)).map(rs -> rs.iterator().next().getLong("n"));
  }
}
