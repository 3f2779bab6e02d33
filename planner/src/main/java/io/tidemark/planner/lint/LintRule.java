package io.tidemark.planner.lint;

import java.util.Arrays;
import java.util.Optional;

/**
 * The lint rules for raw {@code sql} steps: what each refuses, the safe form it points to, and where the rule
 * comes from (squawk, strong_migrations, eugene, or Tidemark's own phase and transaction rules). The ids are
 * stable: plans, tests and the audit log refer to them. docs/plan-reference.md lists them all.
 *
 * <p>{@link Severity#ERROR} rules refuse the plan unless the step gives {@code unsafe = "reason"};
 * {@link Severity#FORBIDDEN} rules refuse it even then (PostgreSQL or Tidemark cannot run the statement in a
 * step at all, or it would reach outside the database); {@link Severity#WARNING} rules are style preferences,
 * shown by {@code tidemark plan check --warnings} and refused only when the plan lists them under
 * {@code lint.warnings-as-errors}.
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
  ADD_EXCLUSION_CONSTRAINT("add-exclusion-constraint",
      "no online form exists (an exclusion constraint can be neither NOT VALID nor USING INDEX): declare it when"
          + " the table is created, or give unsafe = \"reason\" for a maintenance window"),
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
  ADD_JSON_COLUMN("add-json-column",
      "use jsonb: json has no equality operator, so SELECT DISTINCT, UNION and GROUP BY over the table's rows"
          + " start failing in the running application"),
  RENAME_COLUMN("rename-column",
      "op = rename_column (expand adds the new column with a two-way sync trigger and backfills it; contract"
          + " drops the old one)"),
  RENAME_TABLE("rename-table",
      "in one transactional step, ALTER TABLE old RENAME TO new; CREATE VIEW old AS SELECT * FROM new (a simple"
          + " view is updatable, so applications keep reading and writing the old name); drop the view in a later"
          + " plan's contract once no application uses it"),
  RENAME_SCHEMA("rename-schema",
      "create the new schema and move each table with ALTER TABLE ... SET SCHEMA plus a view under the old name,"
          + " or give unsafe = \"reason\" for a maintenance window with every application stopped"),
  RENAME_TYPE("rename-type",
      "for an enum value: op = add_enum_value for the new label, op = backfill to move rows, and keep the old"
          + " label (PostgreSQL cannot drop one); for a type: create the new type and migrate columns with"
          + " op = change_type"),
  DROP_OUTSIDE_CONTRACT("drop-outside-contract",
      "move the statement to contract, after every application has stopped using the object (op = drop_column,"
          + " op = drop_table or op = drop_index there)"),
  DROP_DATABASE("drop-database", Severity.FORBIDDEN,
      "never from a plan: a plan changes the databases it runs on; drop a database by hand outside Tidemark"),
  TRUNCATE_OUTSIDE_CONTRACT("truncate-outside-contract",
      "in contract, once no application reads the table: TRUNCATE ... RESTRICT; to remove rows while"
          + " applications run, op = backfill in batches"),
  TRUNCATE_CASCADE("truncate-cascade",
      "TRUNCATE only the tables named, with RESTRICT (the default): CASCADE also empties every table with a"
          + " foreign key to them"),
  NOT_ALLOWED_IN_PHASE("not-allowed-in-phase",
      "move the statement to a phase its operation is allowed in (see the phase table in docs/plan-reference.md)"),
  CANNOT_RUN_IN_TRANSACTION("cannot-run-in-transaction", Severity.FORBIDDEN,
      "set transactional = false on this sql step: each statement then runs on its own, outside a transaction"),
  TRANSACTION_CONTROL("transaction-control", Severity.FORBIDDEN,
      "remove it: Tidemark opens and commits the transaction of a transactional step itself; statements that must"
          + " each commit on their own go in a sql step with transactional = false"),
  VALIDATE_IN_LOCKING_TRANSACTION("validate-in-locking-transaction",
      "validate in a later step: op = add_check / op = add_foreign_key do (add NOT VALID, commit, then VALIDATE"
          + " CONSTRAINT in its own transaction), or use transactional = false so each statement commits"),
  DETACH_PARTITION_WITHOUT_CONCURRENTLY("detach-partition-without-concurrently",
      "ALTER TABLE parent DETACH PARTITION child CONCURRENTLY in a sql step with transactional = false"
          + " (PostgreSQL 14 or later)"),
  ALTER_DOMAIN_ADD_CONSTRAINT_WITHOUT_NOT_VALID("alter-domain-add-constraint-without-not-valid",
      "ALTER DOMAIN ... ADD CONSTRAINT ... NOT VALID, then ALTER DOMAIN ... VALIDATE CONSTRAINT in a later step"),
  TABLE_REWRITE("table-rewrite",
      "no online form: SET LOGGED, SET UNLOGGED, SET TABLESPACE and SET ACCESS METHOD copy the whole table under"
          + " an ACCESS EXCLUSIVE lock; create a new table and move rows with op = backfill, or give"
          + " unsafe = \"reason\" for a maintenance window"),
  TIMEOUT_OVERRIDE("timeout-override",
      "remove it: Tidemark runs every DDL step under ddl.lock-timeout (retrying on 55P03) and index builds under"
          + " ddl.index-build-lock-timeout; change those settings instead"),
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
  COPY_FILE_OR_PROGRAM("copy-file-or-program", Severity.FORBIDDEN,
      "load data with INSERT ... SELECT from a table, or op = backfill; a plan may not read or write the database"
          + " server's files or run programs on it"),
  COPY_STDIN_STDOUT("copy-stdin-stdout", Severity.FORBIDDEN,
      "INSERT ... VALUES or INSERT ... SELECT: a step has no client stream for COPY FROM STDIN or TO STDOUT"),
  /** Not a safety rule: text that cannot be lexed cannot be checked, so it is refused. */
  SQL_LEX_ERROR("sql-lex-error",
      "close the string, quoted identifier, comment or dollar quote, or remove the empty \"\""),

  // ---- style preferences: warnings unless the plan makes them errors
  PREFER_TEXT_FIELD("prefer-text-field", Severity.WARNING,
      "text, with a CHECK (length(col) <= n) added NOT VALID if the limit matters: changing varchar(n) later"
          + " needs a type change, changing the check does not"),
  BAN_CHAR_FIELD("ban-char-field", Severity.WARNING,
      "text (or varchar): char(n) pads with spaces and is never faster"),
  PREFER_BIGINT_OVER_INT("prefer-bigint-over-int", Severity.WARNING,
      "bigint: an integer key runs out at 2^31 rows and widening it later rewrites the table"),
  PREFER_BIGINT_OVER_SMALLINT("prefer-bigint-over-smallint", Severity.WARNING,
      "bigint (or integer): a smallint runs out at 32767 and widening it later rewrites the table"),
  PREFER_IDENTITY("prefer-identity", Severity.WARNING,
      "bigint GENERATED BY DEFAULT AS IDENTITY: serial's sequence is a separate object with its own ownership"
          + " and grants"),
  PREFER_TIMESTAMPTZ("prefer-timestamptz", Severity.WARNING,
      "timestamptz: timestamp without time zone silently depends on the session's time zone"),
  PREFER_ROBUST_STMTS("prefer-robust-stmts", Severity.WARNING,
      "IF NOT EXISTS / IF EXISTS, so that a step retried after a lost connection finds its work done instead of"
          + " failing"),
  CREATE_ENUM("create-enum", Severity.WARNING,
      "text with a CHECK constraint, or a lookup table: an enum label can never be removed"),
  COMBINE_ALTER_TABLE("combine-alter-table", Severity.WARNING,
      "one ALTER TABLE with the actions separated by commas: each ALTER TABLE takes the lock again"),
  PRIMARY_KEY_USING_INDEX_SETS_NOT_NULL("primary-key-using-index-sets-not-null", Severity.WARNING,
      "op = set_not_null on the key columns first, so that ADD PRIMARY KEY USING INDEX finds them NOT NULL and"
          + " does not scan the table"),
  CREATE_DOMAIN_WITH_CONSTRAINT("create-domain-with-constraint", Severity.WARNING,
      "put the CHECK on the columns: a domain constraint cannot later be changed without checking every column"
          + " of the domain"),
  INDEX_MORE_THAN_THREE_COLUMNS("index-more-than-three-columns", Severity.WARNING,
      "an index on at most three columns: wider non-unique indexes are rarely used past their first columns and"
          + " slow every write");

  /** How a finding of a rule is treated. */
  public enum Severity {
    /** Refuses the plan unless the step gives {@code unsafe = "reason"}. */
    ERROR,
    /** Refuses the plan whatever the step says. */
    FORBIDDEN,
    /** Shown by {@code plan check --warnings}; refuses only when the plan lists it in {@code lint.warnings-as-errors}. */
    WARNING
  }

  private final String id;
  private final Severity severity;
  private final String safeForm;

  LintRule(String id, String safeForm) {
    this(id, Severity.ERROR, safeForm);
  }

  LintRule(String id, Severity severity, String safeForm) {
    this.id = id;
    this.severity = severity;
    this.safeForm = safeForm;
  }

  /** The stable kebab-case id, e.g. {@code create-index-without-concurrently}. */
  public String id() {
    return id;
  }

  public Severity severity() {
    return severity;
  }

  /** What to write instead. */
  public String safeForm() {
    return safeForm;
  }

  /** The rule with id {@code id}. */
  public static Optional<LintRule> byId(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
  }
}
