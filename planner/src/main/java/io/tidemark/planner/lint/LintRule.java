package io.tidemark.planner.lint;

/**
 * The lint rules for raw {@code sql} steps (SPEC §5): what each refuses and the safe form it points to.
 * The ids are stable: plans, tests and the audit log refer to them.
 */
public enum LintRule {
  CREATE_INDEX_WITHOUT_CONCURRENTLY("create-index-without-concurrently",
      "op = create_index (CREATE INDEX CONCURRENTLY IF NOT EXISTS, outside a transaction), or CREATE INDEX"
          + " CONCURRENTLY in a sql step with transactional = false"),
  DROP_INDEX_WITHOUT_CONCURRENTLY("drop-index-without-concurrently",
      "op = drop_index (DROP INDEX CONCURRENTLY IF EXISTS), or DROP INDEX CONCURRENTLY in a sql step with"
          + " transactional = false"),
  REINDEX_WITHOUT_CONCURRENTLY("reindex-without-concurrently",
      "REINDEX INDEX|TABLE CONCURRENTLY in a sql step with transactional = false"),
  ADD_FOREIGN_KEY_WITHOUT_NOT_VALID("add-foreign-key-without-not-valid",
      "op = add_foreign_key (ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT); for a new"
          + " column, op = add_column first"),
  ADD_CHECK_WITHOUT_NOT_VALID("add-check-without-not-valid",
      "op = add_check (ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT); for a new column,"
          + " op = add_column first"),
  ADD_UNIQUE_WITHOUT_USING_INDEX("add-unique-without-using-index",
      "op = add_unique (CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX); for a"
          + " primary key, ADD CONSTRAINT ... PRIMARY KEY USING INDEX on a unique index built concurrently"),
  SET_NOT_NULL_ON_EXISTING_TABLE("set-not-null-on-existing-table",
      "op = set_not_null in contract (CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, SET NOT NULL,"
          + " then drop the check)"),
  ALTER_COLUMN_TYPE("alter-column-type",
      "op = change_type with a using expression (expand adds the new column with a two-way sync trigger and"
          + " backfills it; contract drops the old one)"),
  ADD_COLUMN_VOLATILE_DEFAULT("add-column-volatile-default",
      "op = add_column with no default or a constant one, then op = backfill with set = \"col = <expression>\","
          + " then ALTER COLUMN ... SET DEFAULT <expression> for new rows"),
  ADD_COLUMN_NOT_NULL_WITHOUT_DEFAULT("add-column-not-null-without-default",
      "op = add_column (nullable), op = backfill to fill it, then op = set_not_null in contract"),
  RENAME_OUTSIDE_CONTRACT("rename-outside-contract",
      "op = rename_column (expand adds the new column with a two-way sync trigger, contract drops the old"
          + " one); rename a table or view only in the contract phase, once no application uses the old name"),
  UNBATCHED_UPDATE("unbatched-update",
      "op = backfill with set and where: key-ordered batches, throttled and resumable"),
  UNBATCHED_DELETE("unbatched-delete",
      "op = backfill (key-ordered batches, throttled and resumable) to mark the rows, e.g. set = \"deleted_at ="
          + " now()\", instead of deleting them in one statement"),
  LOCK_TABLE("lock-table",
      "remove the LOCK: each Tidemark DDL step takes only the lock its statement needs, under lock_timeout,"
          + " retried on 55P03"),
  VACUUM_FULL("vacuum-full",
      "plain VACUUM (ANALYZE), which takes no exclusive lock; to give space back online, pg_repack outside"
          + " Tidemark"),
  CLUSTER("cluster",
      "pg_repack --order-by outside Tidemark; CLUSTER holds an ACCESS EXCLUSIVE lock while it rewrites the"
          + " table"),
  /** Not a safety rule: text that cannot be lexed cannot be checked, so it is refused. */
  SQL_LEX_ERROR("sql-lex-error",
      "close the string, quoted identifier, comment or dollar quote, or remove the empty \"\"");

  private final String id;
  private final String safeForm;

  LintRule(String id, String safeForm) {
    this.id = id;
    this.safeForm = safeForm;
  }

  /** The stable kebab-case id, e.g. {@code create-index-without-concurrently}. */
  public String id() {
    return id;
  }

  /** What to write instead. */
  public String safeForm() {
    return safeForm;
  }
}
