package io.tidemark.planner.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.Phase;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SqlLinterTest {

  /** Statements each on their own (transactional = false), so each test sees only the rule it is about. */
  private static final LintContext EXPAND = LintContext.of(Phase.EXPAND, false);
  private static final LintContext CONTRACT = LintContext.of(Phase.CONTRACT, false);

  private static List<String> ruleIds(String sql) {
    return ruleIds(sql, EXPAND);
  }

  /** The ids of the findings that refuse the step (warnings are tested on their own). */
  private static List<String> ruleIds(String sql, LintContext context) {
    return errors(sql, context).stream().map(LintFinding::ruleId).toList();
  }

  private static List<LintFinding> errors(String sql, LintContext context) {
    return SqlLinter.lint(sql, context).stream()
        .filter(f -> f.severity() != LintRule.Severity.WARNING).toList();
  }

  private static LintFinding only(String sql) {
    return only(sql, EXPAND);
  }

  private static LintFinding only(String sql, LintContext context) {
    List<LintFinding> findings = errors(sql, context);
    assertThat(findings).hasSize(1);
    return findings.get(0);
  }

  @Nested
  class Indexes {
    @Test
    void createIndexWithoutConcurrentlyIsRefusedWithTheCreateIndexOp() {
      LintFinding finding = only("CREATE INDEX users_email_idx ON users (email)");
      assertThat(finding.ruleId()).isEqualTo("create-index-without-concurrently");
      assertThat(finding.statement()).isEqualTo("CREATE INDEX users_email_idx ON users (email)");
      assertThat(finding.message()).contains("users");
      assertThat(finding.safeForm()).contains("op = create_index");
      assertThat(ruleIds("CREATE UNIQUE INDEX ON public.users USING btree (lower(email))"))
          .containsExactly("create-index-without-concurrently");
    }

    @Test
    void createIndexConcurrentlyPasses() {
      assertThat(ruleIds("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)"))
          .isEmpty();
    }

    @Test
    void dropIndexWithoutConcurrentlyIsRefused() {
      LintFinding finding = only("DROP INDEX IF EXISTS users_email_idx", CONTRACT);
      assertThat(finding.ruleId()).isEqualTo("drop-index-without-concurrently");
      assertThat(finding.safeForm()).contains("op = drop_index");
      assertThat(ruleIds("DROP INDEX CONCURRENTLY IF EXISTS users_email_idx", CONTRACT)).isEmpty();
      assertThat(ruleIds("DROP TABLE old_users", CONTRACT)).isEmpty();
      assertThat(ruleIds("DROP TABLE old_users")).containsExactly("drop-outside-contract");
    }

    @Test
    void reindexWithoutConcurrentlyIsRefused() {
      assertThat(ruleIds("REINDEX INDEX users_email_idx")).containsExactly("reindex-without-concurrently");
      assertThat(ruleIds("REINDEX INDEX CONCURRENTLY users_email_idx")).isEmpty();
      assertThat(ruleIds("REINDEX (CONCURRENTLY) TABLE users")).isEmpty();
    }
  }

  @Nested
  class Constraints {
    @Test
    void foreignKeyWithoutNotValidIsRefused() {
      LintFinding finding = only(
          "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)");
      assertThat(finding.ruleId()).isEqualTo("add-foreign-key-without-not-valid");
      assertThat(finding.safeForm()).contains("op = add_foreign_key");
      assertThat(ruleIds("ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users"))
          .containsExactly("add-foreign-key-without-not-valid");
    }

    @Test
    void foreignKeyNotValidPasses() {
      assertThat(ruleIds("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id)"
          + " REFERENCES users (id) ON DELETE CASCADE NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT"
          + " orders_user_fk")).isEmpty();
    }

    @Test
    void columnLevelReferencesInAddColumnCounts() {
      assertThat(ruleIds("ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id)"))
          .containsExactly("add-foreign-key-without-not-valid");
      assertThat(ruleIds("ALTER TABLE orders ADD COLUMN user_id bigint")).isEmpty();
    }

    @Test
    void checkWithoutNotValidIsRefused() {
      LintFinding finding = only("ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age >= 0)");
      assertThat(finding.ruleId()).isEqualTo("add-check-without-not-valid");
      assertThat(finding.safeForm()).contains("op = add_check");
      assertThat(ruleIds("ALTER TABLE users ADD COLUMN age int CHECK (age >= 0)"))
          .containsExactly("add-check-without-not-valid");
    }

    @Test
    void checkNotValidPasses() {
      assertThat(ruleIds("ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age >= 0) NOT VALID")).isEmpty();
      assertThat(ruleIds("ALTER TABLE users ADD CHECK (note <> 'NOT VALID') NOT VALID")).isEmpty();
    }

    @Test
    void notValidInsideTheCheckExpressionDoesNotCount() {
      assertThat(ruleIds("ALTER TABLE users ADD CHECK (NOT valid)")).containsExactly("add-check-without-not-valid");
    }

    @Test
    void uniqueOrPrimaryKeyWithoutUsingIndexIsRefused() {
      LintFinding finding = only("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)");
      assertThat(finding.ruleId()).isEqualTo("add-unique-without-using-index");
      assertThat(finding.safeForm()).contains("op = add_unique");
      assertThat(ruleIds("ALTER TABLE users ADD PRIMARY KEY (id)")).containsExactly("add-unique-without-using-index");
      assertThat(ruleIds("ALTER TABLE users ADD UNIQUE (email) USING INDEX TABLESPACE fast"))
          .containsExactly("add-unique-without-using-index");
      assertThat(ruleIds("ALTER TABLE users ADD COLUMN code text UNIQUE"))
          .containsExactly("add-unique-without-using-index");
    }

    @Test
    void uniqueUsingIndexPasses() {
      assertThat(ruleIds("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx"))
          .isEmpty();
      assertThat(ruleIds("ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx"))
          .isEmpty();
    }
  }

  @Nested
  class Columns {
    @Test
    void setNotNullOnExistingTableIsRefused() {
      LintFinding finding = only("ALTER TABLE users ALTER COLUMN status SET NOT NULL", CONTRACT);
      assertThat(finding.ruleId()).isEqualTo("set-not-null-on-existing-table");
      assertThat(finding.message()).contains("status of users");
      assertThat(finding.safeForm()).contains("op = set_not_null");
      assertThat(ruleIds("ALTER TABLE users ALTER status SET NOT NULL", CONTRACT))
          .containsExactly("set-not-null-on-existing-table");
    }

    @Test
    void setNotNullOnTableCreatedEarlierInThePlanPasses() {
      LintContext context = new LintContext(Phase.CONTRACT, Set.of("Audit", "app.audit"));
      assertThat(ruleIds("ALTER TABLE audit ALTER COLUMN at SET NOT NULL", context)).isEmpty();
      assertThat(ruleIds("ALTER TABLE app.audit ALTER COLUMN at SET NOT NULL", context)).isEmpty();
      assertThat(ruleIds("ALTER TABLE other.audit ALTER COLUMN at SET NOT NULL", context))
          .containsExactly("set-not-null-on-existing-table");
    }

    @Test
    void setNotNullOnTableCreatedEarlierInTheSameTextPasses() {
      assertThat(ruleIds("CREATE TABLE IF NOT EXISTS app.audit (id bigint, at timestamptz);"
          + " ALTER TABLE app.audit ALTER COLUMN at SET NOT NULL;"
          + " CREATE INDEX audit_at_idx ON app.audit (at);"
          + " ALTER TABLE audit ADD CONSTRAINT audit_pk PRIMARY KEY (id)", CONTRACT))
          .containsExactly("not-allowed-in-phase"); // create_table is an expand operation
      assertThat(ruleIds("ALTER TABLE audit ALTER COLUMN at SET NOT NULL; CREATE TABLE audit (at timestamptz)",
          CONTRACT)).containsExactly("set-not-null-on-existing-table", "not-allowed-in-phase");
    }

    @Test
    void alterColumnTypeIsRefused() {
      LintFinding finding = only("ALTER TABLE users ALTER COLUMN age TYPE bigint USING age::bigint");
      assertThat(finding.ruleId()).isEqualTo("alter-column-type");
      assertThat(finding.safeForm()).contains("op = change_type");
      assertThat(ruleIds("alter table users alter age set data type bigint")).containsExactly("alter-column-type");
    }

    @Test
    void otherColumnAlterationsPass() {
      assertThat(ruleIds("ALTER TABLE users ALTER COLUMN age SET DEFAULT 0, ALTER COLUMN age DROP DEFAULT"))
          .isEmpty();
      assertThat(ruleIds("ALTER TABLE users ALTER COLUMN age DROP NOT NULL", CONTRACT)).isEmpty();
    }

    @Test
    void addColumnWithVolatileDefaultIsRefused() {
      LintFinding finding = only("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL");
      assertThat(finding.ruleId()).isEqualTo("add-column-volatile-default");
      assertThat(finding.message()).contains("gen_random_uuid");
      assertThat(finding.safeForm()).contains("op = backfill");
      assertThat(ruleIds("ALTER TABLE users ADD id2 bigserial")).containsExactly("add-column-volatile-default");
      assertThat(ruleIds("ALTER TABLE users ADD COLUMN n bigint GENERATED BY DEFAULT AS IDENTITY"))
          .containsExactly("add-column-volatile-default");
    }

    @Test
    void addColumnWithStableOrConstantDefaultPasses() {
      assertThat(ruleIds("ALTER TABLE users ADD COLUMN IF NOT EXISTS created_at timestamptz DEFAULT now(),"
          + " ADD COLUMN n int DEFAULT 0 NOT NULL, ADD COLUMN s text DEFAULT 'random()',"
          + " ADD COLUMN at timestamptz DEFAULT CURRENT_TIMESTAMP")).isEmpty();
    }

    @Test
    void addNotNullColumnWithoutDefaultIsRefused() {
      LintFinding finding = only("ALTER TABLE users ADD COLUMN status text NOT NULL");
      assertThat(finding.ruleId()).isEqualTo("add-column-not-null-without-default");
      assertThat(finding.safeForm()).contains("op = set_not_null");
      assertThat(ruleIds("ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'new'")).isEmpty();
    }

    @Test
    void everySubCommandOfOneAlterTableIsChecked() {
      List<LintFinding> findings = errors("ALTER TABLE users ADD COLUMN a int,"
          + " ALTER COLUMN b SET NOT NULL, ADD CONSTRAINT c CHECK (x IN (1, 2)), ALTER COLUMN d TYPE text", CONTRACT);
      assertThat(findings).extracting(LintFinding::ruleId).containsExactly("not-allowed-in-phase",
          "set-not-null-on-existing-table", "add-check-without-not-valid", "alter-column-type");
      assertThat(findings).extracting(LintFinding::statementIndex).containsOnly(0);
    }
  }

  @Nested
  class Renames {
    @Test
    void renameColumnIsRefusedInEveryPhaseWithTheRenameColumnOp() {
      LintFinding finding = only("ALTER TABLE users RENAME COLUMN email TO email_address");
      assertThat(finding.ruleId()).isEqualTo("rename-column");
      assertThat(finding.message()).contains("email of users");
      assertThat(finding.safeForm()).contains("op = rename_column");
      for (Phase phase : Phase.values()) {
        assertThat(ruleIds("ALTER TABLE users RENAME email TO email_address", LintContext.of(phase)))
            .as(phase.planKey()).containsExactly("rename-column");
      }
    }

    @Test
    void renameTableOrViewIsRefusedWithoutSuggestingRenameColumn() {
      LintFinding table = only("ALTER TABLE IF EXISTS users RENAME TO accounts", CONTRACT);
      assertThat(table.ruleId()).isEqualTo("rename-table");
      assertThat(table.safeForm()).doesNotContain("rename_column").contains("CREATE VIEW");
      assertThat(ruleIds("ALTER VIEW active_users RENAME TO live_users")).containsExactly("rename-table");
    }

    @Test
    void renameTableFollowedByAViewUnderTheOldNameInOneTransactionPasses() {
      LintContext transactional = LintContext.of(Phase.EXPAND, true);
      assertThat(ruleIds("ALTER TABLE users RENAME TO accounts; CREATE VIEW users AS SELECT * FROM accounts",
          transactional)).isEmpty();
      assertThat(ruleIds("ALTER TABLE users RENAME TO accounts; CREATE VIEW users AS SELECT * FROM accounts"))
          .as("without a transaction the old name is missing between the two statements")
          .containsExactly("rename-table");
    }

    @Test
    void renamesOfSchemasTypesAndEnumValuesAreRefused() {
      assertThat(ruleIds("ALTER SCHEMA app RENAME TO application", CONTRACT)).containsExactly("rename-schema");
      assertThat(ruleIds("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'")).containsExactly("rename-type");
      assertThat(ruleIds("ALTER TYPE mood RENAME TO feeling")).containsExactly("rename-type");
    }

    @Test
    void renameConstraintPasses() {
      assertThat(ruleIds("ALTER TABLE users RENAME CONSTRAINT users_c TO users_check")).isEmpty();
    }
  }

  @Nested
  class DataChanges {
    @Test
    void updateIsRefusedWithBackfillAsSafeForm() {
      LintFinding finding = only("UPDATE users SET status = 'active' WHERE status IS NULL");
      assertThat(finding.ruleId()).isEqualTo("unbatched-update");
      assertThat(finding.message()).contains("users");
      assertThat(finding.safeForm()).contains("op = backfill");
    }

    @Test
    void deleteIsRefused() {
      LintFinding finding = only("DELETE FROM ONLY sessions WHERE expires_at < now()");
      assertThat(finding.ruleId()).isEqualTo("unbatched-delete");
      assertThat(finding.message()).contains("sessions");
      assertThat(finding.safeForm()).contains("op = backfill");
    }

    @Test
    void dataChangesBehindWithAreRefused() {
      assertThat(ruleIds("WITH stale AS (SELECT id FROM users) UPDATE users SET a = 1 WHERE id IN (SELECT id FROM"
          + " stale)")).containsExactly("unbatched-update");
      assertThat(ruleIds("WITH gone AS (DELETE FROM sessions RETURNING *) INSERT INTO archive SELECT * FROM gone"))
          .containsExactly("unbatched-delete");
    }

    @Test
    void insertsAndSelectsPass() {
      assertThat(ruleIds("INSERT INTO settings (k, v) VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET v = 1;"
          + " WITH x AS (SELECT 1) SELECT * FROM x; SELECT * FROM users FOR UPDATE")).isEmpty();
    }

    @Test
    void explainAnalyzeRunsTheStatementSoItIsLinted() {
      assertThat(ruleIds("EXPLAIN ANALYZE UPDATE users SET a = 1")).containsExactly("unbatched-update");
      assertThat(ruleIds("EXPLAIN (ANALYZE, BUFFERS) DELETE FROM users")).containsExactly("unbatched-delete");
      assertThat(ruleIds("EXPLAIN UPDATE users SET a = 1")).isEmpty();
      assertThat(ruleIds("EXPLAIN (ANALYZE false) UPDATE users SET a = 1")).isEmpty();
    }
  }

  @Nested
  class Maintenance {
    @Test
    void lockTableIsRefused() {
      LintFinding finding = only("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
      assertThat(finding.ruleId()).isEqualTo("lock-table");
      assertThat(finding.message()).contains("users");
      assertThat(finding.safeForm()).contains("lock_timeout");
      assertThat(ruleIds("lock users")).containsExactly("lock-table");
    }

    @Test
    void vacuumFullIsRefusedPlainVacuumPasses() {
      LintFinding finding = only("VACUUM FULL users");
      assertThat(finding.ruleId()).isEqualTo("vacuum-full");
      assertThat(finding.safeForm()).contains("VACUUM (ANALYZE)");
      assertThat(ruleIds("VACUUM (FULL, ANALYZE) users")).containsExactly("vacuum-full");
      assertThat(ruleIds("VACUUM (ANALYZE) users; VACUUM users; VACUUM (FULL false) users")).isEmpty();
    }

    @Test
    void clusterIsRefused() {
      LintFinding finding = only("CLUSTER users USING users_pkey");
      assertThat(finding.ruleId()).isEqualTo("cluster");
      assertThat(finding.safeForm()).contains("pg_repack");
      assertThat(ruleIds("ALTER TABLE users CLUSTER ON users_pkey")).isEmpty();
    }
  }

  @Nested
  class Lexing {
    @Test
    void keywordsMatchInAnyCase() {
      assertThat(ruleIds("cReAtE iNdEx i On users (a); Update users sEt a = 1; dRoP InDeX i", CONTRACT))
          .containsExactly("create-index-without-concurrently", "unbatched-update", "drop-index-without-concurrently");
      assertThat(ruleIds("create index CONCURRENTLY i on users (a)")).isEmpty();
    }

    @Test
    void statementsAfterCommentsAreLinted() {
      List<LintFinding> findings = errors(
          "-- build the index\n/* it is /* nested */ big */ CREATE INDEX i ON users (a)", EXPAND);
      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.ruleId()).isEqualTo("create-index-without-concurrently");
        assertThat(f.statement()).isEqualTo("CREATE INDEX i ON users (a)");
      });
    }

    @Test
    void commentsBetweenKeywordsAreSkipped() {
      assertThat(ruleIds("CREATE /* x */ INDEX i ON users (a)")).containsExactly("create-index-without-concurrently");
      assertThat(ruleIds("CREATE /* CONCURRENTLY */ INDEX -- CONCURRENTLY\n i ON users (a)"))
          .containsExactly("create-index-without-concurrently");
      assertThat(ruleIds("ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0) /* NOT VALID */"))
          .containsExactly("add-check-without-not-valid");
    }

    @Test
    void findingsNameTheirStatementAmongSeveral() {
      List<LintFinding> findings = errors("CREATE INDEX CONCURRENTLY i ON users (a);\n"
          + "SELECT 1;;\n"
          + "DROP INDEX j;\n"
          + "UPDATE users SET a = 2", CONTRACT);
      assertThat(findings).extracting(LintFinding::statementIndex).containsExactly(2, 3);
      assertThat(findings).extracting(LintFinding::statement).containsExactly("DROP INDEX j", "UPDATE users SET a = 2");
    }

    @Test
    void unsafeTextInsideStringLiteralsIsNotFlagged() {
      assertThat(ruleIds("INSERT INTO audit (note) VALUES ('CREATE INDEX i ON t (a); UPDATE t SET a = 1;"
          + " LOCK TABLE t; VACUUM FULL')")).isEmpty();
      assertThat(ruleIds("COMMENT ON TABLE users IS 'DROP INDEX x; DELETE FROM users'")).isEmpty();
    }

    @Test
    void escapeStringsWithEscapedQuotesDoNotHideOrInventStatements() {
      assertThat(ruleIds("SELECT E'it\\'s; UPDATE t SET a = 1'")).isEmpty();
      List<LintFinding> findings = errors("SELECT E'\\'; DELETE FROM t'; DROP INDEX i", CONTRACT);
      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.ruleId()).isEqualTo("drop-index-without-concurrently");
        assertThat(f.statementIndex()).isEqualTo(1);
      });
    }

    @Test
    void dollarQuotedFunctionBodiesAreNotFlagged() {
      assertThat(ruleIds("CREATE OR REPLACE FUNCTION sync_email() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
          + "BEGIN\n  UPDATE users SET email = NEW.email_address WHERE id = NEW.id;\n  DELETE FROM t;\n"
          + "  LOCK TABLE users;\n  RETURN NEW;\nEND\n$fn$;")).isEmpty();
      assertThat(ruleIds("DO $$ BEGIN EXECUTE 'CREATE INDEX i ON t (a)'; UPDATE t SET a = 1; END $$")).isEmpty();
    }

    @Test
    void statementAfterADollarBodyIsStillLinted() {
      List<LintFinding> findings = SqlLinter.lint(
          "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; VACUUM FULL users", EXPAND);
      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.ruleId()).isEqualTo("vacuum-full");
        assertThat(f.statementIndex()).isEqualTo(1);
      });
    }

    @Test
    void sqlStandardFunctionBodiesAreNotFlagged() {
      assertThat(ruleIds("CREATE PROCEDURE purge() LANGUAGE sql BEGIN ATOMIC DELETE FROM sessions; UPDATE users"
          + " SET a = 1; END")).isEmpty();
    }

    @Test
    void nestedBlockCommentsHideTheirWholeContent() {
      assertThat(ruleIds("/* outer /* inner */ UPDATE t SET a = 1; */ SELECT 1")).isEmpty();
    }

    @Test
    void quotedIdentifiersNamedLikeKeywordsAreNames() {
      assertThat(ruleIds("CREATE INDEX CONCURRENTLY \"index\" ON \"update\" (\"create\");"
          + " ALTER TABLE \"index\" ADD COLUMN \"default\" int, ADD COLUMN \"not\" int NULL;"
          + " SELECT \"lock\", \"vacuum\" FROM \"cluster\"")).isEmpty();
    }

    @Test
    void unterminatedInputIsReportedAfterTheCompleteStatements() {
      List<LintFinding> findings = errors("CREATE INDEX i ON t (a); UPDATE t SET a = 'x", EXPAND);
      assertThat(findings).extracting(LintFinding::ruleId)
          .containsExactly("create-index-without-concurrently", "sql-lex-error");
      LintFinding error = findings.get(1);
      assertThat(error.statementIndex()).isEqualTo(1);
      assertThat(error.statement()).isEqualTo("UPDATE t SET a = 'x");
      assertThat(error.message()).contains("unterminated quoted string at offset 42");
    }

    @Test
    void everyUnterminatedConstructIsALexError() {
      for (String sql : List.of("SELECT 1 /* open", "DO $body$ BEGIN END", "SELECT \"open", "SELECT E'\\'",
          "SELECT 1; SELECT $$")) {
        assertThat(ruleIds(sql)).as(sql).containsExactly("sql-lex-error");
      }
    }
  }

  @Nested
  class Sequence {
    private final LintContext contractTransactional = LintContext.of(Phase.CONTRACT, true);

    @Test
    void setNotNullAfterAValidatedNotNullCheckOfTheSameStepIsAcceptedAndNeverSaidToReadEveryRow() {
      List<LintFinding> findings = SqlLinter.lint("ALTER TABLE users ADD CONSTRAINT users_email_nn"
          + " CHECK (email IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;"
          + " ALTER TABLE users ALTER COLUMN email SET NOT NULL", contractTransactional);
      assertThat(findings).filteredOn(f -> f.severity() != LintRule.Severity.WARNING)
          .extracting(LintFinding::ruleId).containsExactly("validate-in-locking-transaction");
      assertThat(findings).allSatisfy(f -> assertThat(f.message()).doesNotContain("reads every row of users under"
          + " an ACCESS EXCLUSIVE"));
      assertThat(findings).filteredOn(f -> f.severity() != LintRule.Severity.WARNING)
          .noneMatch(f -> f.statement().contains("SET NOT NULL"));
    }

    @Test
    void aCheckOnAnotherColumnOrNotValidatedProvesNothing() {
      assertThat(ruleIds("ALTER TABLE users ADD CONSTRAINT c CHECK (name IS NOT NULL) NOT VALID;"
          + " ALTER TABLE users VALIDATE CONSTRAINT c; ALTER TABLE users ALTER COLUMN email SET NOT NULL", CONTRACT))
          .containsExactly("set-not-null-on-existing-table");
      assertThat(ruleIds("ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;"
          + " ALTER TABLE users ALTER COLUMN email SET NOT NULL", CONTRACT))
          .containsExactly("set-not-null-on-existing-table");
    }

    @Test
    void validateAfterAddNotValidInOneTransactionIsRefusedButNotWithoutATransaction() {
      String sql = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)"
          + " NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk";
      LintFinding finding = only(sql, LintContext.of(Phase.EXPAND, true));
      assertThat(finding.ruleId()).isEqualTo("validate-in-locking-transaction");
      assertThat(finding.statementIndex()).isEqualTo(1);
      assertThat(finding.safeForm()).contains("op = add_foreign_key");
      assertThat(ruleIds(sql, LintContext.of(Phase.EXPAND, false))).isEmpty();
    }

    @Test
    void notInTransactionStatementsNameTheFix() {
      LintFinding finding = only("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON users (a)",
          LintContext.of(Phase.EXPAND, true));
      assertThat(finding.ruleId()).isEqualTo("cannot-run-in-transaction");
      assertThat(finding.severity()).isEqualTo(LintRule.Severity.FORBIDDEN);
      assertThat(finding.safeForm()).contains("transactional = false");
    }

    @Test
    void downStatementsAreNotHeldToThePhase() {
      LintContext down = new LintContext(Phase.EXPAND, Set.of(), true, true);
      assertThat(ruleIds("DROP TABLE IF EXISTS audit; ALTER TABLE users DROP COLUMN IF EXISTS note", down)).isEmpty();
    }
  }

  @Test
  void safeTextHasNoFindings() {
    assertThat(ruleIds("")).isEmpty();
    assertThat(ruleIds("-- nothing\n;")).isEmpty();
    assertThat(ruleIds("CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));"
        + " ALTER TABLE users ADD COLUMN note text; COMMENT ON COLUMN users.note IS 'free text'")).isEmpty();
  }

  @Test
  void ruleIdsAreStableKebabCaseAndDistinct() {
    List<String> ids = Arrays.stream(LintRule.values()).map(LintRule::id).toList();
    assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z]+(-[a-z]+)*"));
    assertThat(ids).contains("create-index-without-concurrently", "drop-index-without-concurrently",
        "add-foreign-key-without-not-valid", "add-check-without-not-valid", "add-unique-without-using-index",
        "set-not-null-on-existing-table", "alter-column-type", "add-column-volatile-default",
        "add-column-not-null-without-default", "rename-column", "rename-table", "unbatched-update", "unbatched-delete",
        "lock-table", "vacuum-full", "cluster");
  }
}
