package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every operation of docs/plan-reference.md but backfill, compiled by the real planner and run on a real database: the
 * effect of each is read back from the catalog, then every inverse is run and checked, and every step run a
 * second time reports ALREADY_DONE. Raw {@code sql} steps have no probe (the control store remembers them),
 * so their reruns run again; they are written to be idempotent.
 */
@ExtendWith(FreshDatabaseExtension.class)
class EveryOperationIT {
  private static final String PLAN = """
      id = every-op
      databases = [db]
      expand = [
        { op = create_table, table = widgets, columns = [ { name = id, type = bigint, primary-key = true }, { name = label, type = text } ] }
        { op = add_column, table = accounts, column = nickname, type = text, default = "'none'" }
        { op = create_index, table = accounts, name = accounts_team_idx, columns = [team_id] }
        { op = add_check, table = accounts, name = accounts_age_positive, expression = "age > 0" }
        { op = add_foreign_key, table = accounts, name = accounts_team_fk, columns = [team_id], references { table = teams, columns = [id] } }
        { op = add_unique, table = accounts, name = accounts_handle_key, columns = [handle] }
        { op = rename_column, table = accounts, from = email, to = email_address, type = text }
        { op = change_type, table = accounts, column = age, to = age_big, type = bigint }
        { op = add_enum_value, type = mood, value = meh, after = ok }
        { op = sql, statements = "CREATE TABLE IF NOT EXISTS public.raw_things (id int)", down = "DROP TABLE IF EXISTS public.raw_things" }
        { op = sql, transactional = false, statements = "CREATE INDEX CONCURRENTLY IF NOT EXISTS teams_name_idx ON public.teams (name)",
          down = "DROP INDEX CONCURRENTLY IF EXISTS public.teams_name_idx" }
      ]
      migrate = []
      contract = [
        { op = drop_index, name = accounts_legacy_idx }
        { op = set_not_null, table = accounts, column = handle }
        { op = drop_column, table = accounts, column = legacy }
        { op = drop_table, table = old_stuff }
        { op = create_index, table = teams, name = teams_lower_name_idx, expressions = ["lower(name)"] }
        { op = add_check, table = teams, name = teams_name_present, expression = "name IS NOT NULL" }
      ]
      """;

  private static Vertx vertx;
  private static CompiledPlan plan;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    plan = PlanCompiler.compileUnresolved(PlanParser.parse(PLAN, "every-op.conf"));
    db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE teams (id bigint PRIMARY KEY, name text)",
        "INSERT INTO teams SELECT g, 'team ' || g FROM generate_series(1, 10) g",
        "CREATE TABLE accounts (id bigint PRIMARY KEY, email text, age int, team_id bigint, handle text, legacy text)",
        "INSERT INTO accounts SELECT g, 'a' || g || '@x.org', 1 + g % 90, 1 + g % 10, 'h' || g, 'l' FROM generate_series(1, 200) g",
        "CREATE INDEX accounts_legacy_idx ON accounts (legacy)",
        "CREATE TABLE old_stuff (id int)");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void everyOperationTakesEffectIsUndoneByItsInverseAndReportsAlreadyDoneOnRerun(TestDatabase db) {
    StepExecutor executor = new StepExecutor(vertx);
    List<CompiledStep> expand = plan.steps("db", Phase.EXPAND);
    List<CompiledStep> contract = plan.steps("db", Phase.CONTRACT);
    assertThat(await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db))).problems()).isEmpty();

    assertFirstRun(ExecFixtures.runSteps(executor, db, expand));
    assertExpanded(db);
    assertRerunIsAlreadyDone(expand, ExecFixtures.runSteps(executor, db, expand));

    List<CompiledStep> rollback = ExecFixtures.inverses(expand);
    assertThat(rollback).hasSizeGreaterThanOrEqualTo(10);
    // dropping add_unique's constraint drops its index too, so the index's own undo finds it gone
    assertFirstRun(ExecFixtures.runSteps(executor, db, rollback), "expand[5]/create-index/undo");
    assertRolledBack(db);
    assertRerunIsAlreadyDone(rollback, ExecFixtures.runSteps(executor, db, rollback));

    ExecFixtures.runSteps(executor, db, expand);
    assertFirstRun(ExecFixtures.runSteps(executor, db, contract));
    assertContracted(db);
    assertRerunIsAlreadyDone(contract, ExecFixtures.runSteps(executor, db, contract));

    List<CompiledStep> undoContract = ExecFixtures.inverses(contract);
    ExecFixtures.runSteps(executor, db, undoContract);
    assertThat(db.queryValue("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'handle'"))
        .isEqualTo(false);
    assertThat(count(db, "SELECT 1 FROM pg_class WHERE relname = 'teams_lower_name_idx'")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_constraint WHERE conname = 'teams_name_present'")).isZero();
    assertRerunIsAlreadyDone(undoContract, ExecFixtures.runSteps(executor, db, undoContract));
  }

  private static void assertFirstRun(Map<String, String> outcomes, String... alreadyDoneByAnEarlierStep) {
    assertThat(outcomes).isNotEmpty().allSatisfy((id, outcome) -> assertThat(outcome).as(id)
        .isIn(List.of(alreadyDoneByAnEarlierStep).contains(id) ? List.of("ALREADY_DONE")
            : List.of("APPLIED", ExecFixtures.BACKFILL_STAND_IN)));
  }

  private static void assertRerunIsAlreadyDone(List<CompiledStep> steps, Map<String, String> outcomes) {
    for (CompiledStep step : steps) {
      if (step.probe().isPresent()) {
        assertThat(outcomes.get(step.id())).as(step.id()).isEqualTo("ALREADY_DONE");
      }
    }
  }

  private static void assertExpanded(TestDatabase db) {
    assertThat(count(db, "SELECT 1 FROM pg_index WHERE indrelid = 'widgets'::regclass AND indisprimary")).isOne();
    assertThat(db.queryValue("SELECT nickname FROM accounts WHERE id = 1")).isEqualTo("none");
    assertThat(count(db, "SELECT 1 FROM pg_index WHERE indexrelid = 'accounts_team_idx'::regclass AND indisvalid")).isOne();
    assertThat(contype(db, "accounts_age_positive")).isEqualTo("c true");
    assertThat(contype(db, "accounts_team_fk")).isEqualTo("f true");
    assertThat(contype(db, "accounts_handle_key")).isEqualTo("u true");
    assertThat(db.queryValue("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'accounts'::regclass "
        + "AND attname = 'age_big'")).isEqualTo("bigint");
    assertThat(count(db, "SELECT 1 FROM pg_trigger WHERE tgrelid = 'accounts'::regclass AND NOT tgisinternal")).isEqualTo(2);
    db.execute("INSERT INTO accounts (id, email, age, team_id, handle) VALUES (1000, 'new@x.org', 30, 1, 'h1000')");
    assertThat(db.queryValue("SELECT email_address || ' ' || age_big FROM accounts WHERE id = 1000")).isEqualTo("new@x.org 30");
    assertThat(count(db, "SELECT 1 FROM accounts WHERE email_address IS DISTINCT FROM email")).isZero();
    assertThat(db.queryValue("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'mood'::regtype"))
        .isEqualTo("sad,ok,meh,happy");
    assertThat(count(db, "SELECT 1 FROM pg_class WHERE relname = 'raw_things'")).isOne();
    assertThat(count(db, "SELECT 1 FROM pg_index WHERE indexrelid = 'teams_name_idx'::regclass AND indisvalid")).isOne();
  }

  private static void assertRolledBack(TestDatabase db) {
    assertThat(count(db, "SELECT 1 FROM pg_class WHERE relname IN ('widgets', 'accounts_team_idx', 'accounts_handle_key', "
        + "'raw_things', 'teams_name_idx')")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND NOT attisdropped "
        + "AND attname IN ('nickname', 'email_address', 'age_big')")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype <> 'p'")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_trigger WHERE tgrelid = 'accounts'::regclass AND NOT tgisinternal")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_proc WHERE proname LIKE 'tidemark_sync%'")).isZero();
    // add_enum_value is irreversible: PostgreSQL cannot drop an enum label
    assertThat(count(db, "SELECT 1 FROM pg_enum WHERE enumtypid = 'mood'::regtype AND enumlabel = 'meh'")).isOne();
  }

  private static void assertContracted(TestDatabase db) {
    assertThat(count(db, "SELECT 1 FROM pg_class WHERE relname IN ('accounts_legacy_idx', 'old_stuff')")).isZero();
    assertThat(db.queryValue("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'handle'"))
        .isEqualTo(true);
    assertThat(count(db, "SELECT 1 FROM pg_constraint WHERE conname LIKE '%not_null'")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND NOT attisdropped "
        + "AND attname IN ('legacy', 'email', 'age')")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_trigger WHERE tgrelid = 'accounts'::regclass AND NOT tgisinternal")).isZero();
    assertThat(count(db, "SELECT 1 FROM pg_index WHERE indexrelid = 'teams_lower_name_idx'::regclass AND indisvalid")).isOne();
    assertThat(contype(db, "teams_name_present")).isEqualTo("c true");
  }

  private static String contype(TestDatabase db, String name) {
    return (String) db.queryValue("SELECT contype::text || ' ' || convalidated::text FROM pg_constraint WHERE conname = '" + name + "'");
  }

  private static long count(TestDatabase db, String sql) {
    return db.queryLong("SELECT count(*) FROM (" + sql + ") q");
  }
}
