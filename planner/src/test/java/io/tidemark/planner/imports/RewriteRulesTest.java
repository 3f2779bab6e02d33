package io.tidemark.planner.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.Phase;
import io.tidemark.planner.plan.Operation;
import io.tidemark.planner.plan.Operation.AddCheck;
import io.tidemark.planner.plan.Operation.AddColumn;
import io.tidemark.planner.plan.Operation.AddEnumValue;
import io.tidemark.planner.plan.Operation.AddForeignKey;
import io.tidemark.planner.plan.Operation.AddUnique;
import io.tidemark.planner.plan.Operation.Backfill;
import io.tidemark.planner.plan.Operation.ChangeType;
import io.tidemark.planner.plan.Operation.CreateIndex;
import io.tidemark.planner.plan.Operation.DropColumn;
import io.tidemark.planner.plan.Operation.DropIndex;
import io.tidemark.planner.plan.Operation.DropTable;
import io.tidemark.planner.plan.Operation.OnDelete;
import io.tidemark.planner.plan.Operation.RenameColumn;
import io.tidemark.planner.plan.Operation.SetNotNull;
import io.tidemark.planner.plan.Operation.Sql;
import io.tidemark.planner.plan.Plan;
import io.tidemark.planner.plan.PlanParser;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One test per rewrite rule: a statement as the tools print it (case, quoting, schema-qualified names,
 * comments, IF NOT EXISTS), and the operation it must become, read back through the real plan parser.
 */
class RewriteRulesTest {

  static ImportResult importSql(String sql) {
    return Importer.run(new ImportRequest(SourceTool.SQL, "t", List.of("db"),
        List.of(new SourceText("m.sql", "", sql)), Bookkeeping.CONTRACT));
  }

  /** The imported plan, parsed by the real parser; fails the test when the plan does not pass plan check. */
  static Plan plan(String sql) {
    ImportResult r = importSql(sql);
    assertThat(r.problems()).as(r.plan()).isEmpty();
    assertThat(r.decisions()).as(r.plan()).isEmpty();
    return PlanParser.parse(r.plan(), "imported");
  }

  static Plan plan(String schema, String sql) {
    ImportResult r = Importer.run(new ImportRequest(SourceTool.SQL, "t", List.of("db"),
        List.of(new SourceText("m.sql", "", sql)), Bookkeeping.CONTRACT, List.of(new SourceText("s.sql", "", schema))));
    assertThat(r.problems()).as(r.plan()).isEmpty();
    assertThat(r.decisions()).as(r.plan()).isEmpty();
    return PlanParser.parse(r.plan(), "imported");
  }

  @Test
  void createIndexBecomesCreateIndexBuiltConcurrently() {
    Plan p = plan("-- CreateIndex\nCREATE INDEX \"Order_userId_idx\" ON \"public\".\"Order\"(\"userId\", created_at);");
    assertThat(p.expand()).containsExactly(new CreateIndex("public", "Order", "Order_userId_idx",
        List.of("userId", "created_at"), List.of(), false, Optional.empty(), "btree"));
    assertThat(p.migrate()).isEmpty();
    assertThat(p.contract()).isEmpty();
  }

  @Test
  void uniqueExpressionIndexKeepsItsSchemaExpressionAndPredicate() {
    Plan p = plan("create unique index if not exists users_email_lower on app.users using btree (lower(email))"
        + " where deleted_at is null");
    assertThat(p.expand()).containsExactly(new CreateIndex("app", "users", "users_email_lower", List.of(),
        List.of("lower(email)"), true, Optional.of("deleted_at is null"), "btree"));
  }

  @Test
  void indexWithAnOperatorClassIsKeptAsWrittenButConcurrentlyOutsideATransaction() {
    Plan p = plan("CREATE INDEX \"library_book_title_like\" ON \"library_book\" (\"title\" varchar_pattern_ops);");
    assertThat(p.expand()).singleElement().isInstanceOfSatisfying(Sql.class, s -> {
      assertThat(s.transactional()).isFalse();
      assertThat(s.statements()).containsExactly("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"library_book_title_like\""
          + " ON \"library_book\" (\"title\" varchar_pattern_ops)");
    });
  }

  @Test
  void statementsOnATableCreatedJustBeforeJoinItsStep() {
    Plan p = plan("CREATE TABLE \"note\" (\"id\" varchar NOT NULL, CONSTRAINT \"PK_n\" PRIMARY KEY (\"id\"));\n"
        + "CREATE INDEX \"IDX_n\" ON \"note\" (\"id\");\n"
        + "ALTER TABLE \"note\" ADD CONSTRAINT \"n_fk\" FOREIGN KEY (\"id\") REFERENCES \"other\" (\"id\") DEFERRABLE INITIALLY DEFERRED;");
    assertThat(p.expand()).singleElement().isInstanceOfSatisfying(Sql.class, s -> {
      assertThat(s.transactional()).isTrue();
      // made safe to run again after an interruption where PostgreSQL has IF NOT EXISTS
      assertThat(s.statements()).containsExactly(
          "CREATE TABLE IF NOT EXISTS \"note\" (\"id\" varchar NOT NULL, CONSTRAINT \"PK_n\" PRIMARY KEY (\"id\"))",
          "CREATE INDEX IF NOT EXISTS \"IDX_n\" ON \"note\" (\"id\")",
          "ALTER TABLE \"note\" ADD CONSTRAINT \"n_fk\" FOREIGN KEY (\"id\") REFERENCES \"other\" (\"id\") DEFERRABLE INITIALLY DEFERRED");
    });
    assertThat(p.contract()).isEmpty();
  }

  @Test
  void statementsOnANewTableJoinItsStepEvenAfterOtherStatements() {
    // Django's order for a new model: CREATE TABLE, other models' changes, then the new table's key and index.
    Plan p = plan("CREATE TABLE \"review\" (\"id\" bigserial NOT NULL PRIMARY KEY, \"book_id\" bigint NOT NULL);\n"
        + "CREATE INDEX \"book_title_idx\" ON \"book\" (\"title\");\n"
        + "ALTER TABLE \"review\" ADD CONSTRAINT \"review_book_fk\" FOREIGN KEY (\"book_id\") REFERENCES \"book\" (\"id\")"
        + " DEFERRABLE INITIALLY DEFERRED;\n"
        + "CREATE INDEX \"review_book_idx\" ON \"review\" (\"book_id\");");
    assertThat(p.expand()).hasSize(2);
    assertThat(((Sql) p.expand().get(0)).statements()).hasSize(3)
        .allSatisfy(st -> assertThat(st).contains("\"review\""));
    assertThat(p.expand().get(1)).isInstanceOf(CreateIndex.class);
    assertThat(p.contract()).isEmpty();
  }

  @Test
  void aNewTablesStatementThatNeedsSomethingMadeInBetweenIsNotMovedBeforeIt() {
    Plan p = plan("CREATE TABLE \"review\" (\"id\" bigint PRIMARY KEY, \"book_code\" text NOT NULL);\n"
        + "CREATE UNIQUE INDEX \"book_code_key\" ON \"book\" (\"code\");\n"
        + "ALTER TABLE \"review\" ADD CONSTRAINT \"review_book_fk\" FOREIGN KEY (\"book_code\") REFERENCES \"book\" (\"code\");");
    assertThat(((Sql) p.expand().get(0)).statements()).hasSize(1);
    assertThat(p.contract()).singleElement().isInstanceOf(AddForeignKey.class);
  }

  @Test
  void foreignKeyBecomesAddForeignKeyInContract() {
    Plan p = plan("ALTER TABLE orders ADD CONSTRAINT fk_orders_customer /* alembic */ FOREIGN KEY(customer_id)"
        + " REFERENCES shop.customer (id) ON DELETE CASCADE;");
    assertThat(p.expand()).isEmpty();
    assertThat(p.contract()).containsExactly(new AddForeignKey("public", "orders", "fk_orders_customer",
        List.of("customer_id"), new Operation.References("shop", "customer", List.of("id")), OnDelete.CASCADE));
  }

  @Test
  void deferrableForeignKeyIsAddedNotValidThenValidatedInItsOwnStep() {
    Plan p = plan("ALTER TABLE \"library_review\" ADD CONSTRAINT \"fk_book\" FOREIGN KEY (\"book_id\")"
        + " REFERENCES \"library_book\" (\"id\") DEFERRABLE INITIALLY DEFERRED;");
    assertThat(p.contract()).hasSize(2);
    // one ALTER TABLE (one lock): dropped first if there, so a rerun after an interruption adds it again
    assertThat(((Sql) p.contract().get(0)).statements()).containsExactly(
        "ALTER TABLE \"library_review\" DROP CONSTRAINT IF EXISTS \"fk_book\","
            + " ADD CONSTRAINT \"fk_book\" FOREIGN KEY (\"book_id\") REFERENCES \"library_book\""
            + " (\"id\") DEFERRABLE INITIALLY DEFERRED NOT VALID");
    assertThat(((Sql) p.contract().get(1)).statements())
        .containsExactly("ALTER TABLE \"library_review\" VALIDATE CONSTRAINT \"fk_book\"");
  }

  @Test
  void inlineReferencesOfANewColumnSplitIntoAddColumnAndAForeignKey() {
    Plan p = plan("ALTER TABLE \"library_book\" ADD COLUMN \"author_id\" bigint NULL CONSTRAINT \"fk_a\""
        + " REFERENCES \"library_author\"(\"id\") DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS \"fk_a\" IMMEDIATE;");
    assertThat(p.expand()).containsExactly(
        new AddColumn("public", "library_book", "author_id", "bigint", Optional.empty(), true));
    assertThat(p.contract()).hasSize(2).allMatch(Sql.class::isInstance);
  }

  @Test
  void rawDropsAreMadeSafeToRunAgain() {
    Plan p = plan("ALTER TABLE golden_record_tasks\nDROP CONSTRAINT golden_record_tasks_state_check;\n"
        + "ALTER TABLE \"library_book\" DROP COLUMN \"legacy\" CASCADE;");
    assertThat(p.expand()).isEmpty();
    assertThat(((Sql) p.contract().get(0)).statements())
        .containsExactly("ALTER TABLE golden_record_tasks DROP CONSTRAINT IF EXISTS golden_record_tasks_state_check");
    assertThat(((Sql) p.contract().get(1)).statements())
        .containsExactly("ALTER TABLE \"library_book\" DROP COLUMN IF EXISTS \"legacy\" CASCADE");
  }

  @Test
  void checkBecomesAddCheckInContract() {
    Plan p = plan("ALTER TABLE golden_record_tasks\nADD CONSTRAINT golden_record_tasks_state_check\n"
        + "check ( task_step_state in ('Queued', 'Aborted'));");
    assertThat(p.contract()).containsExactly(new AddCheck("public", "golden_record_tasks",
        "golden_record_tasks_state_check", "task_step_state in ('Queued', 'Aborted')"));
  }

  @Test
  void uniqueConstraintBecomesAddUniqueInContract() {
    Plan p = plan("ALTER TABLE customer ADD CONSTRAINT uq_customer_email UNIQUE (email);");
    assertThat(p.contract()).containsExactly(
        new AddUnique("public", "customer", "uq_customer_email", List.of("email"), "uq_customer_email"));
  }

  @Test
  void primaryKeyIsBuiltConcurrentlyThenAttached() {
    Plan p = plan("ALTER TABLE \"t\" ADD CONSTRAINT \"t_pkey\" PRIMARY KEY (\"id\");");
    assertThat(p.expand()).containsExactly(new CreateIndex("public", "t", "t_pkey", List.of("id"), List.of(), true,
        Optional.empty(), "btree"));
    assertThat(((Sql) p.contract().get(0)).statements())
        .containsExactly("ALTER TABLE \"t\" ADD CONSTRAINT \"t_pkey\" PRIMARY KEY USING INDEX \"t_pkey\"");
  }

  @Test
  void notNullColumnWithAConstantDefaultIsSafeAsIs() {
    Plan p = plan("ALTER TABLE customer ADD COLUMN tier VARCHAR(20) DEFAULT 'free' NOT NULL;");
    assertThat(p.expand()).containsExactly(
        new AddColumn("public", "customer", "tier", "VARCHAR(20)", Optional.of("'free'"), false));
    assertThat(p.contract()).isEmpty();
  }

  @Test
  void notNullColumnWithoutADefaultIsAddedNullableThenSetNotNullInContract() {
    Plan p = plan("ALTER TABLE \"User\" ADD COLUMN IF NOT EXISTS \"name\" TEXT NOT NULL;");
    assertThat(p.expand()).containsExactly(new AddColumn("public", "User", "name", "TEXT", Optional.empty(), true));
    assertThat(p.contract()).containsExactly(new SetNotNull("public", "User", "name"));
  }

  @Test
  void volatileDefaultBecomesAddColumnSetDefaultAndBackfill() {
    Plan p = plan("ALTER TABLE \"event\" ADD COLUMN \"uid\" uuid DEFAULT gen_random_uuid() NOT NULL;");
    assertThat(p.expand()).hasSize(2);
    assertThat(p.expand().get(0)).isEqualTo(new AddColumn("public", "event", "uid", "uuid", Optional.empty(), true));
    assertThat(((Sql) p.expand().get(1)).statements())
        .containsExactly("ALTER TABLE \"event\" ALTER COLUMN \"uid\" SET DEFAULT gen_random_uuid()");
    assertThat(p.migrate()).singleElement().isInstanceOfSatisfying(Backfill.class, b -> {
      assertThat(b.set()).singleElement().satisfies(a -> assertThat(a.expression().strip()).isEqualTo("gen_random_uuid()"));
      assertThat(b.where()).contains("\"uid\" IS NULL");
    });
    assertThat(p.contract()).containsExactly(new SetNotNull("public", "event", "uid"));
  }

  @Test
  void setNotNullBecomesSetNotNullInContract() {
    Plan p = plan("ALTER TABLE \"library_book\" ALTER COLUMN \"pages\" SET NOT NULL;");
    assertThat(p.contract()).containsExactly(new SetNotNull("public", "library_book", "pages"));
  }

  @Test
  void dropDefaultWaitsForContractSinceTheOldReleaseMayStillRelyOnIt() {
    Plan p = plan("ALTER TABLE \"library_book\" ALTER COLUMN \"isbn\" DROP DEFAULT;");
    assertThat(p.expand()).isEmpty();
    assertThat(p.contract()).singleElement().isInstanceOf(Sql.class);
  }

  @Test
  void varcharWideningOfAKnownColumnIsKeptAsWrittenWithTheReason() {
    Plan p = plan("CREATE TABLE customer (id bigint primary key, name VARCHAR(100) NOT NULL);",
        "ALTER TABLE customer ALTER COLUMN name TYPE character varying(200) USING name::varchar(200);");
    assertThat(p.expand()).singleElement().isInstanceOfSatisfying(Sql.class,
        s -> assertThat(s.unsafe()).hasValueSatisfying(u -> assertThat(u).startsWith("no rewrite")));
  }

  @Test
  void typeChangeThatMayRewriteBecomesChangeType() {
    Plan p = plan("ALTER TABLE orders ALTER COLUMN amount TYPE bigint USING round(amount * 100)::bigint;");
    assertThat(p.expand()).containsExactly(new ChangeType("public", "orders", "amount", "amount_new", "bigint",
        Optional.of("round(amount * 100)::bigint"), Optional.empty()));
  }

  @Test
  void renameColumnOfAKnownColumnBecomesRenameColumn() {
    Plan p = plan("CREATE TABLE \"session\" (\"session_id\" UUID NOT NULL, \"subdivision1\" VARCHAR(20));",
        "ALTER TABLE \"session\" RENAME COLUMN \"subdivision1\" TO \"region\";");
    assertThat(p.expand()).containsExactly(new RenameColumn("public", "session", "subdivision1", "region", "VARCHAR(20)"));
  }

  @Test
  void renameColumnOfAnUnknownTypeIsRefusedWithWhatToDecide() {
    ImportResult r = importSql("ALTER TABLE \"session\" RENAME COLUMN \"subdivision1\" TO \"region\";");
    assertThat(r.safe()).isFalse();
    assertThat(r.decisions()).singleElement().asString().contains("m.sql:1", "rename_column needs the column's type");
    assertThat(r.problems()).anySatisfy(pr -> assertThat(pr.code()).isEqualTo("lint:rename-column"));
  }

  @Test
  void tableRenameKeepsAViewUnderTheOldNameUntilContract() {
    Plan p = plan("ALTER TABLE \"legacy_orders\" RENAME TO \"orders_archive\";\n"
        + "ALTER TABLE app.t RENAME TO u;");
    assertThat(p.expand()).extracting(o -> ((Sql) o).statements()).containsExactly(
        List.of("ALTER TABLE \"legacy_orders\" RENAME TO \"orders_archive\"",
            "CREATE VIEW \"legacy_orders\" AS SELECT * FROM \"orders_archive\""),
        List.of("ALTER TABLE app.t RENAME TO u", "CREATE VIEW app.t AS SELECT * FROM \"app\".u"));
    assertThat(p.expand()).allSatisfy(o -> assertThat(((Sql) o).transactional()).isTrue());
    assertThat(p.contract()).extracting(o -> ((Sql) o).statements()).containsExactly(
        List.of("DROP VIEW IF EXISTS \"legacy_orders\""), List.of("DROP VIEW IF EXISTS app.t"));
  }

  @Test
  void renamesOfTypesAndEnumLabelsAreRefusedWithTheirReason() {
    ImportResult r = importSql("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';");
    assertThat(r.safe()).isFalse();
    assertThat(r.decisions()).singleElement().asString().contains("m.sql:1", "DECIDE", "no operation keeps both names");
    assertThat(r.problems()).extracting(io.tidemark.planner.Problem::code).containsExactly("lint:rename-type");
  }

  @Test
  void dropNotNullWaitsForContract() {
    Plan p = plan("ALTER TABLE customer ALTER COLUMN email DROP NOT NULL;");
    assertThat(p.expand()).isEmpty();
    assertThat(p.contract()).singleElement().isInstanceOf(Sql.class);
  }

  @Test
  void updateWithASubQueryIsNotABackfillAndIsLeftToTheUser() {
    ImportResult r = importSql("UPDATE customer SET tier = (SELECT max(tier) FROM tiers) WHERE tier IS NULL;");
    assertThat(r.safe()).isFalse();
    assertThat(r.decisions()).singleElement().asString().contains("m.sql:1", "sub-query");
    assertThat(r.plan()).doesNotContain("{ op = backfill");
  }

  @Test
  void warningsOfTheLintDoNotMakeAStatementUnsafe() {
    ImportResult r = importSql("CREATE TABLE t (id serial PRIMARY KEY, n smallint);\nCREATE TYPE mood AS ENUM ('a');");
    assertThat(r.decisions()).isEmpty();
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void dropsGoToContractAndIndexesAreDroppedConcurrently() {
    Plan p = plan("ALTER TABLE customer DROP COLUMN legacy_code;\nDROP TABLE IF EXISTS \"old\", app.older;\n"
        + "DROP INDEX IF EXISTS \"session_website_id_created_at_hostname_idx\";");
    assertThat(p.expand()).isEmpty();
    assertThat(p.contract()).containsExactly(new DropColumn("public", "customer", "legacy_code"),
        new DropTable("public", "old"), new DropTable("app", "older"),
        new DropIndex("public", "session_website_id_created_at_hostname_idx"));
  }

  @Test
  void wholeTableUpdateBecomesBackfillInMigrate() {
    Plan p = plan("UPDATE customer SET email = lower(name) || '@example.com' WHERE email IS NULL;");
    assertThat(p.migrate()).singleElement().isInstanceOfSatisfying(Backfill.class, b -> {
      assertThat(b.table()).isEqualTo("customer");
      assertThat(b.where()).contains("email IS NULL");
    });
  }

  @Test
  void updateWithFromCannotBeBatchedAndIsRefused() {
    ImportResult r = importSql("UPDATE \"website_event\" w\nSET hostname = s.hostname\nFROM \"session\" s\n"
        + "WHERE s.session_id = w.session_id;");
    assertThat(r.safe()).isFalse();
    assertThat(r.problems()).anySatisfy(pr -> assertThat(pr.code()).isEqualTo("lint:unbatched-update"));
    assertThat(r.plan()).contains("# lint: unbatched-update");
  }

  @Test
  void enumValueBecomesAddEnumValue() {
    Plan p = plan("ALTER TYPE \"public\".\"order_state\" ADD VALUE IF NOT EXISTS 'shipped' AFTER 'paid';");
    assertThat(p.expand()).containsExactly(new AddEnumValue("public", "order_state", "shipped", Optional.empty(),
        Optional.of("paid")));
  }

  @Test
  void alreadySafeStatementsAreSqlStepsInExpand() {
    Plan p = plan("CREATE TYPE mood AS ENUM ('a', 'b');\nCOMMENT ON TABLE customer IS 'people; and firms';\n"
        + "GRANT SELECT ON customer TO reporting;");
    assertThat(p.expand()).hasSize(3).allMatch(Sql.class::isInstance);
    assertThat(p.contract()).isEmpty();
  }

  @Test
  void statementTextSurvivesThePlanFileExactly() {
    String tricky = "COMMENT ON TABLE customer IS 'back\\slash \"\"\" triple ${not.a.substitution} \ttab'";
    Plan p = plan(tricky + ";\nCOMMENT ON COLUMN customer.name IS 'two\nlines \"quoted\"'");
    assertThat(p.expand()).extracting(o -> ((Sql) o).statements().get(0)).containsExactly(tricky,
        "COMMENT ON COLUMN customer.name IS 'two\nlines \"quoted\"'");
  }

  @Test
  void maintenanceThatCannotRunInATransactionGetsANonTransactionalStep() {
    Plan p = plan("VACUUM (ANALYZE) customer;\nREINDEX INDEX CONCURRENTLY customer_email_idx;");
    assertThat(p.expand()).hasSize(2).allSatisfy(o -> assertThat(((Sql) o).transactional()).isFalse());
  }

  @Test
  void indexMethodIsKept() {
    Plan p = plan("CREATE INDEX \"doc_body_idx\" ON \"doc\" USING gin (\"body\");");
    assertThat(p.expand()).containsExactly(new CreateIndex("public", "doc", "doc_body_idx", List.of("body"), List.of(),
        false, Optional.empty(), "gin"));
  }

  @Test
  void transactionWrappersAreTakenApart() {
    ImportResult r = importSql("BEGIN;\nCREATE INDEX ix ON t (a);\nCOMMIT;");
    assertThat(r.report()).extracting(ImportResult.ReportEntry::became)
        .containsExactly("dropped", "create_index (expand)", "dropped");
    assertThat(r.plan()).doesNotContain("BEGIN", "COMMIT");
  }

  @Test
  void anOrderThatPhasesCannotKeepIsRefusedNamingBothStatements() {
    ImportResult r = importSql("ALTER TABLE t DROP COLUMN a;\nALTER TABLE t ADD COLUMN a integer;");
    assertThat(r.safe()).isFalse();
    assertThat(r.decisions()).singleElement().asString()
        .contains("m.sql:2", "ADD COLUMN a integer", "m.sql:1", "DROP COLUMN a", "expand", "contract");
  }

  @Test
  void reportNamesEachStatementByFileAndLine() {
    ImportResult r = importSql("-- a comment\nCREATE INDEX ix ON t (a);\n\n\nALTER TABLE t DROP COLUMN b;");
    assertThat(r.report()).extracting(ImportResult.ReportEntry::location).containsExactly("m.sql:2", "m.sql:5");
  }

  @Test
  void phasesAreAssignedByKind() {
    Plan p = plan("ALTER TABLE t ADD COLUMN c text;\nUPDATE t SET c = 'x' WHERE c IS NULL;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;");
    assertThat(p.operations(Phase.EXPAND)).hasSize(1);
    assertThat(p.operations(Phase.MIGRATE)).hasSize(1);
    assertThat(p.operations(Phase.CONTRACT)).hasSize(1);
  }
}
