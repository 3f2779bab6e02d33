package io.tidemark.daemon.store;

/**
 * The lease a write is made under: it only lands while {@code owner} still holds (plan, database) with
 * {@code token}. A daemon whose lease was taken over has an older token, so its writes change 0 rows.
 */
public record Fence(String planId, String database, String owner, long token) {

  /** The SQL predicate for {@code $1..$4} = plan, database, owner, token. */
  static final String HOLDS = "EXISTS (SELECT 1 FROM tidemark.leases l WHERE l.plan_id = $1 AND l.database = $2"
      + " AND l.owner = $3 AND l.fencing_token = $4)";
}
