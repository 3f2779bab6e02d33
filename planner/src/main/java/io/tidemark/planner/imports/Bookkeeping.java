package io.tidemark.planner.imports;

/**
 * Where the step that writes the tool's own history goes.
 *
 * <p>{@link #CONTRACT} is the default: only after contract does the database hold exactly the schema the
 * tool's SQL leaves, so only then may the tool say the migration is applied. Written at the end of expand, the
 * tool would report "applied" while the old columns, the missing NOT NULLs and the unvalidated constraints are
 * still there, and a rollback (possible until contract starts) would leave the history claiming a migration the
 * database no longer has. {@link #EXPAND} suits a deploy pipeline that runs the tool's own
 * {@code migrate}/{@code upgrade} with the new release: there the history must already be written when the
 * new release starts, or the tool would run the SQL a second time.
 */
public enum Bookkeeping {
  EXPAND,
  CONTRACT
}
