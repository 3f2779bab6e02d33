package io.tidemark.daemon.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lease a write is made under: it only lands while {@code owner} still holds (plan, database) with
 * {@code token}. A daemon whose lease was taken over has an older token, so its writes change 0 rows.
 * The predicate is built here, numbered after the statement's own parameters, and its values appended by
 * {@link #args}: no statement places the fence's parameters by hand.
 */
public record Fence(String planId, String database, String owner, long token) {

  /**
   * The predicate "this fence still holds" for a statement with {@code ownParameters} parameters of its own:
   * with 5, it reads {@code $6..$9} (plan, database, owner, token).
   */
  static String holds(int ownParameters) {
    int p = ownParameters;
    return "EXISTS (SELECT 1 FROM tidemark.leases l WHERE l.plan_id = $" + (p + 1) + " AND l.database = $" + (p + 2)
        + " AND l.owner = $" + (p + 3) + " AND l.fencing_token = $" + (p + 4) + ")";
  }

  /** The statement's own parameters followed by the fence's, matching {@link #holds}. */
  List<Object> args(Object... own) {
    List<Object> all = new ArrayList<>(Arrays.asList(own));
    all.addAll(List.of(planId, database, owner, token));
    return all;
  }
}
