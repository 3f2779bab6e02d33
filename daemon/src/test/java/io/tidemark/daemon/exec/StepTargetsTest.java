package io.tidemark.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.exec.StepTargets.ColumnRef;
import io.tidemark.daemon.exec.StepTargets.ForeignKey;
import io.tidemark.daemon.exec.StepTargets.Name;
import io.tidemark.daemon.exec.StepTargets.NewColumn;
import io.tidemark.daemon.exec.StepTargets.NewConstraint;
import io.tidemark.daemon.exec.StepTargets.NewIndex;
import io.tidemark.planner.StepAction;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepTargetsTest {
  private static final Name ORDERS = new Name("public", "orders");

  @Test
  void readsAddedColumnWithItsTypeUpToTheDefault() {
    StepTargets t = StepTargets.of(ExecFixtures.ddl("expand[0]/add-column",
        "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"status\" character varying(20) DEFAULT 'new'"));
    assertThat(t.alteredTables()).containsExactly(ORDERS);
    assertThat(t.addedColumns()).containsExactly(new NewColumn(ORDERS, "status", "character varying(20)"));
  }

  @Test
  void readsForeignKeyAndConstraintKind() {
    StepTargets t = StepTargets.of(ExecFixtures.ddl("expand[0]/fk",
        "ALTER TABLE \"app\".\"orders\" ADD CONSTRAINT \"orders_fk\" FOREIGN KEY (\"tenant\", \"customer_id\") "
            + "REFERENCES \"app\".\"customers\" (\"tenant\", \"id\") ON DELETE CASCADE NOT VALID"));
    Name orders = new Name("app", "orders");
    assertThat(t.addedConstraints()).containsExactly(new NewConstraint(orders, "orders_fk", "f"));
    assertThat(t.foreignKeys()).containsExactly(new ForeignKey(orders, List.of("tenant", "customer_id"),
        new Name("app", "customers"), List.of("tenant", "id")));
  }

  @Test
  void readsConcurrentIndexOnItsTableWithColumns() {
    StepTargets t = StepTargets.of(ExecFixtures.step("expand[0]/create-index", new StepAction.NonTransactionalDdl(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"orders_email_idx\" ON \"public\".\"orders\" USING btree (\"email\", \"id\")",
        Optional.of("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_email_idx\"")), Optional.empty()));
    assertThat(t.createdIndexes()).containsExactly(
        new NewIndex(new Name("public", "orders_email_idx"), ORDERS, true, List.of("email", "id")));
    assertThat(t.alteredTables()).isEmpty();
  }

  @Test
  void readsAlteredColumnsCreatedTablesAndTypes() {
    StepTargets t = StepTargets.of(ExecFixtures.ddl("contract[0]/set-not-null",
        "ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"status\" SET NOT NULL",
        "CREATE TABLE IF NOT EXISTS \"public\".\"audit\" (\"id\" bigint)",
        "ALTER TYPE \"public\".\"mood\" ADD VALUE IF NOT EXISTS 'meh'"));
    assertThat(t.alteredColumns()).containsExactly(new ColumnRef(ORDERS, "status"));
    assertThat(t.createdTables()).containsExactly(new Name("public", "audit"));
    assertThat(t.alteredTypes()).containsExactly(new Name("public", "mood"));
  }

  @Test
  void triggersCountAsAlteringTheirTable() {
    StepTargets t = StepTargets.of(ExecFixtures.ddl("expand[0]/sync-trigger",
        "CREATE OR REPLACE FUNCTION \"public\".\"tidemark_sync_users_email\"() RETURNS trigger LANGUAGE plpgsql AS $t$ BEGIN RETURN NEW; END $t$",
        "CREATE TRIGGER \"tidemark_sync_users_email\" BEFORE INSERT OR UPDATE ON \"public\".\"users\" FOR EACH ROW EXECUTE FUNCTION f()",
        "DROP TRIGGER IF EXISTS \"tidemark_sync_users_email\" ON \"public\".\"users\""));
    assertThat(t.alteredTables()).containsExactly(new Name("public", "users"));
  }

  /** The forms above are the compiler's: read back from steps the real planner compiled. */
  @Test
  void readsTheStepsThePlannerCompiles() {
    var plan = io.tidemark.planner.compile.PlanCompiler.compileUnresolved(io.tidemark.planner.plan.PlanParser.parse("""
        id = p
        databases = [db]
        expand = [
          { op = add_column, table = orders, column = note, type = "varchar(20)" }
          { op = create_index, table = orders, name = orders_user_idx, columns = [user_id, note] }
        ]
        contract = [
          { op = add_foreign_key, table = orders, name = orders_user_fk, columns = [user_id], references { table = users, columns = [id] } }
          { op = set_not_null, table = orders, column = note }
        ]
        """, "p.conf"));
    var steps = plan.steps("db", io.tidemark.planner.Phase.EXPAND);
    steps = new java.util.ArrayList<>(steps);
    steps.addAll(plan.steps("db", io.tidemark.planner.Phase.CONTRACT));
    var targets = steps.stream().map(StepTargets::of).toList();

    assertThat(targets.get(0).addedColumns()).containsExactly(new NewColumn(ORDERS, "note", "varchar(20)"));
    assertThat(targets.get(1).createdIndexes()).containsExactly(
        new NewIndex(new Name("public", "orders_user_idx"), ORDERS, false, List.of("user_id", "note")));
    assertThat(targets.get(2).foreignKeys()).containsExactly(
        new ForeignKey(ORDERS, List.of("user_id"), new Name("public", "users"), List.of("id")));
    assertThat(targets.get(3).alteredTables()).containsExactly(ORDERS);
    assertThat(targets).flatExtracting(StepTargets::alteredColumns).contains(new ColumnRef(ORDERS, "note"));
  }

  @Test
  void quotedNamesWithDoubledQuotesAreUnquoted() {
    StepTargets t = StepTargets.of(ExecFixtures.ddl("expand[0]/x",
        "ALTER TABLE \"public\".\"we\"\"ird\" ADD COLUMN IF NOT EXISTS \"c\" text"));
    assertThat(t.alteredTables()).containsExactly(new Name("public", "we\"ird"));
  }
}
