package io.tidemark.planner.compile;

import static io.tidemark.planner.Fixtures.plan;
import static io.tidemark.planner.Fixtures.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.Reversibility;
import io.tidemark.planner.StepAction.Backfill;
import io.tidemark.planner.StepAction.NonTransactionalDdl;
import io.tidemark.planner.StepAction.TransactionalDdl;
import io.tidemark.planner.StepAction.ValidateConstraint;
import io.tidemark.planner.StepKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The exact SQL of every operation (docs/plan-reference.md), its kind, probe, reversibility and inverse. The text was run
 * against PostgreSQL 15 when written; a change here changes what runs on production databases.
 */
class GoldenSqlTest {
  static final String TABLE_PRESENT = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON"
      + " n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text AND c.relkind IN ('r', 'p'))"
      + " THEN 'present' ELSE 'absent' END AS state";
  static final String TABLE_GONE = TABLE_PRESENT.replace("THEN 'present' ELSE 'absent'", "THEN 'absent' ELSE 'present'");
  static final String COLUMN_PRESENT = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON"
      + " c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND"
      + " c.relname = $2::text AND a.attname = $3::text AND a.attnum > 0 AND NOT a.attisdropped) THEN 'present'"
      + " ELSE 'absent' END AS state";
  static final String COLUMN_GONE = COLUMN_PRESENT.replace("THEN 'present' ELSE 'absent'", "THEN 'absent' ELSE 'present'");
  static final String INDEX_STATE = "SELECT COALESCE((SELECT CASE WHEN i.indisvalid THEN 'present' ELSE 'invalid'"
      + " END FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = $1::text AND c.relname = $2::text), 'absent') AS state";
  static final String INDEX_GONE = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON"
      + " n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text AND c.relkind IN ('i', 'I'))"
      + " THEN 'absent' ELSE 'present' END AS state";
  static final String CONSTRAINT_STATE = "SELECT COALESCE((SELECT CASE WHEN k.convalidated THEN 'present' ELSE"
      + " 'not_valid' END FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON"
      + " n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text AND k.conname = $3::text),"
      + " 'absent') AS state";
  static final String CONSTRAINT_GONE = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class c ON"
      + " c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND"
      + " c.relname = $2::text AND k.conname = $3::text) THEN 'absent' ELSE 'present' END AS state";
  static final String TRIGGER_PRESENT = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_class c ON"
      + " c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND"
      + " c.relname = $2::text AND g.tgname = $3::text) THEN 'present' ELSE 'absent' END AS state";
  static final String TRIGGER_GONE = TRIGGER_PRESENT.replace("THEN 'present' ELSE 'absent'", "THEN 'absent' ELSE 'present'");

  private static List<CompiledStep> expand(String op) {
    return steps(plan(op, "", ""));
  }

  private static List<CompiledStep> contract(String op) {
    return steps(plan("", "", op));
  }

  private static TransactionalDdl tx(String... sql) {
    return new TransactionalDdl(List.of(sql));
  }

  private static NonTransactionalDdl nonTx(String sql) {
    return new NonTransactionalDdl(sql, Optional.empty());
  }

  private static Optional<Probe> probe(String sql, Object... params) {
    return Optional.of(new Probe(sql, List.of(params)));
  }

  @Test
  void createTable() {
    List<CompiledStep> steps = expand("{ op = create_table, schema = app, table = customers, columns = ["
        + "{ name = id, type = bigint, primary-key = true }, { name = name, type = \"varchar(200)\", nullable = false },"
        + "{ name = tier, type = text, default = \"'free'\" }, { name = created_at, type = timestamptz, default = \"now()\" }] }");

    CompiledStep step = steps.get(0);
    assertThat(steps).hasSize(1);
    assertThat(step.id()).isEqualTo("expand[0]/create-table");
    assertThat(step.action()).isEqualTo(tx("CREATE TABLE IF NOT EXISTS \"app\".\"customers\" (\"id\" bigint NOT NULL,"
        + " \"name\" varchar(200) NOT NULL, \"tier\" text DEFAULT 'free', \"created_at\" timestamptz DEFAULT now(),"
        + " PRIMARY KEY (\"id\"))"));
    assertThat(step.probe()).isEqualTo(probe(TABLE_PRESENT, "app", "customers"));
    assertThat(step.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
    assertThat(step.inverse()).singleElement().satisfies(undo -> {
      assertThat(undo.id()).isEqualTo("expand[0]/create-table/undo");
      assertThat(undo.action()).isEqualTo(tx("DROP TABLE IF EXISTS \"app\".\"customers\""));
      assertThat(undo.probe()).isEqualTo(probe(TABLE_GONE, "app", "customers"));
    });
  }

  @Test
  void createTableWithCompositeKey() {
    CompiledStep step = expand("{ op = create_table, table = memberships, columns = [{ name = org_id, type = int, "
        + "nullable = false }, { name = user_id, type = int, nullable = false }], primary-key = [org_id, user_id] }")
        .get(0);

    assertThat(step.action().statements()).containsExactly("CREATE TABLE IF NOT EXISTS \"public\".\"memberships\""
        + " (\"org_id\" int NOT NULL, \"user_id\" int NOT NULL, PRIMARY KEY (\"org_id\", \"user_id\"))");
  }

  @Test
  void addColumn() {
    CompiledStep step = expand("{ op = add_column, table = users, column = status, type = text, "
        + "default = \"'active'\", nullable = false }").get(0);

    assertThat(step.id()).isEqualTo("expand[0]/add-column");
    assertThat(step.kind()).isEqualTo(StepKind.TRANSACTIONAL_DDL);
    assertThat(step.action()).isEqualTo(tx(
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"status\" text DEFAULT 'active' NOT NULL"));
    assertThat(step.probe()).isEqualTo(probe(COLUMN_PRESENT, "public", "users", "status"));
    assertThat(step.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
    assertThat(step.inverse()).singleElement().satisfies(undo -> {
      assertThat(undo.action()).isEqualTo(tx("ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"status\""));
      assertThat(undo.probe()).isEqualTo(probe(COLUMN_GONE, "public", "users", "status"));
      assertThat(undo.phase()).isEqualTo(Phase.EXPAND);
    });
  }

  @Test
  void addNullableColumnWithNumericDefault() {
    CompiledStep step = expand("{ op = add_column, table = users, column = logins, type = int, default = 0 }").get(0);

    assertThat(step.action().statements()).containsExactly(
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"logins\" int DEFAULT 0");
  }

  @Test
  void createIndex() {
    CompiledStep step = expand("{ op = create_index, table = users, name = users_a_b_idx, columns = [a, b] }").get(0);

    assertThat(step.id()).isEqualTo("expand[0]/create-index");
    assertThat(step.kind()).isEqualTo(StepKind.NON_TRANSACTIONAL_DDL);
    assertThat(step.action()).isEqualTo(new NonTransactionalDdl(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_a_b_idx\" ON \"public\".\"users\" USING btree (\"a\", \"b\")",
        Optional.of("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_a_b_idx\"")));
    assertThat(step.probe()).isEqualTo(probe(INDEX_STATE, "public", "users_a_b_idx"));
    assertThat(step.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
    assertThat(step.inverse()).singleElement().satisfies(undo -> {
      assertThat(undo.action()).isEqualTo(nonTx("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_a_b_idx\""));
      assertThat(undo.probe()).isEqualTo(probe(INDEX_GONE, "public", "users_a_b_idx"));
    });
  }

  @Test
  void createUniquePartialExpressionIndex() {
    CompiledStep step = expand("{ op = create_index, schema = app, table = users, name = users_email_idx, "
        + "expressions = [\"lower(email)\"], unique = true, where = \"deleted_at IS NULL\" }").get(0);

    assertThat(((NonTransactionalDdl) step.action()).sql()).isEqualTo("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS"
        + " \"users_email_idx\" ON \"app\".\"users\" USING btree ((lower(email))) WHERE deleted_at IS NULL");
  }

  @Test
  void createGinIndexInContract() {
    CompiledStep step = contract("{ op = create_index, table = docs, name = docs_body_idx, columns = [body], "
        + "using = gin }").get(0);

    assertThat(step.phase()).isEqualTo(Phase.CONTRACT);
    assertThat(step.id()).isEqualTo("contract[0]/create-index");
    assertThat(((NonTransactionalDdl) step.action()).sql()).isEqualTo(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"docs_body_idx\" ON \"public\".\"docs\" USING gin (\"body\")");
  }

  @Test
  void dropIndex() {
    CompiledStep step = contract("{ op = drop_index, name = users_old_idx }").get(0);

    assertThat(step.id()).isEqualTo("contract[0]/drop-index");
    assertThat(step.action()).isEqualTo(nonTx("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_old_idx\""));
    assertThat(step.probe()).isEqualTo(probe(INDEX_GONE, "public", "users_old_idx"));
    assertThat(step.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
    assertThat(step.inverse()).isEmpty();
  }

  @Test
  void addCheck() {
    List<CompiledStep> steps = expand("{ op = add_check, table = orders, name = orders_amount_positive, "
        + "expression = \"amount > 0\" }");

    assertThat(steps).extracting(CompiledStep::id)
        .containsExactly("expand[0]/add-constraint", "expand[0]/validate-constraint");
    CompiledStep add = steps.get(0);
    assertThat(add.action()).isEqualTo(tx("ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_amount_positive\""
        + " CHECK (amount > 0) NOT VALID"));
    assertThat(add.probe()).isEqualTo(probe(CONSTRAINT_STATE, "public", "orders", "orders_amount_positive"));
    assertThat(add.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
    assertThat(add.inverse()).singleElement().satisfies(undo -> {
      assertThat(undo.action()).isEqualTo(tx(
          "ALTER TABLE \"public\".\"orders\" DROP CONSTRAINT IF EXISTS \"orders_amount_positive\""));
      assertThat(undo.probe()).isEqualTo(probe(CONSTRAINT_GONE, "public", "orders", "orders_amount_positive"));
    });
    CompiledStep validate = steps.get(1);
    assertThat(validate.kind()).isEqualTo(StepKind.CONSTRAINT_VALIDATION);
    assertThat(validate.action()).isEqualTo(new ValidateConstraint(
        "ALTER TABLE \"public\".\"orders\" VALIDATE CONSTRAINT \"orders_amount_positive\"",
        "public", "orders", "orders_amount_positive",
        "SELECT count(*) AS violations FROM \"public\".\"orders\" WHERE (amount > 0) IS FALSE",
        "SELECT COALESCE((SELECT jsonb_object_agg(k.name, to_jsonb(\"orders\") -> k.name) FROM unnest(ARRAY(SELECT"
            + " a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY"
            + " (i.indkey) WHERE i.indrelid = \"orders\".tableoid AND i.indisprimary)) AS k(name)),"
            + " jsonb_build_object('ctid', \"orders\".ctid::text))::text AS key FROM \"public\".\"orders\""
            + " WHERE (amount > 0) IS FALSE LIMIT 10"));
    assertThat(validate.probe()).isEqualTo(add.probe());
    assertThat(validate.reversibility()).isEqualTo(Reversibility.NOTHING_TO_UNDO);
  }

  @Test
  void addForeignKey() {
    List<CompiledStep> steps = expand("{ op = add_foreign_key, table = orders, name = orders_customer_fk, "
        + "columns = [customer_id], references { schema = crm, table = customers, columns = [id] }, "
        + "on-delete = set-null }");

    assertThat(steps.get(0).action()).isEqualTo(tx("ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT"
        + " \"orders_customer_fk\" FOREIGN KEY (\"customer_id\") REFERENCES \"crm\".\"customers\" (\"id\")"
        + " ON DELETE SET NULL NOT VALID"));
    ValidateConstraint validate = (ValidateConstraint) steps.get(1).action();
    String orphans = "\"orders\".\"customer_id\" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \"crm\".\"customers\""
        + " AS r WHERE r.\"id\" = \"orders\".\"customer_id\")";
    assertThat(validate.sql()).isEqualTo("ALTER TABLE \"public\".\"orders\" VALIDATE CONSTRAINT \"orders_customer_fk\"");
    assertThat(validate.violationCountSql())
        .isEqualTo("SELECT count(*) AS violations FROM \"public\".\"orders\" WHERE " + orphans);
    assertThat(validate.violationSampleSql()).isEqualTo("SELECT COALESCE((SELECT jsonb_object_agg(k.name,"
        + " to_jsonb(\"orders\") -> k.name) FROM unnest(ARRAY(SELECT a.attname::text FROM pg_index i JOIN"
        + " pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid ="
        + " \"orders\".tableoid AND i.indisprimary) || ARRAY['customer_id']) AS k(name)),"
        + " jsonb_build_object('ctid', \"orders\".ctid::text))::text AS key FROM \"public\".\"orders\" WHERE "
        + orphans + " LIMIT 10");
    assertThat(steps.get(1).probe()).isEqualTo(probe(CONSTRAINT_STATE, "public", "orders", "orders_customer_fk"));
  }

  @Test
  void compositeForeignKeySkipsRowsWithANullKeyColumn() {
    ValidateConstraint validate = (ValidateConstraint) expand("{ op = add_foreign_key, table = lines, name = fk, "
        + "columns = [order_id, shop_id], references { table = orders, columns = [id, shop_id] } }").get(1).action();

    assertThat(validate.violationCountSql()).isEqualTo("SELECT count(*) AS violations FROM \"public\".\"lines\" WHERE"
        + " \"lines\".\"order_id\" IS NOT NULL AND \"lines\".\"shop_id\" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
        + " \"public\".\"orders\" AS r WHERE r.\"id\" = \"lines\".\"order_id\" AND r.\"shop_id\" = \"lines\".\"shop_id\")");
  }

  @Test
  void addUnique() {
    List<CompiledStep> steps = expand("{ op = add_unique, table = users, name = users_email_key, columns = [email] }");

    assertThat(steps).extracting(CompiledStep::id).containsExactly("expand[0]/create-index", "expand[0]/add-constraint");
    CompiledStep index = steps.get(0);
    assertThat(index.action()).isEqualTo(new NonTransactionalDdl("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS"
        + " \"users_email_key\" ON \"public\".\"users\" USING btree (\"email\")",
        Optional.of("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_email_key\"")));
    assertThat(index.probe()).isEqualTo(probe("SELECT COALESCE((SELECT 'present' FROM pg_constraint k JOIN pg_class c"
        + " ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND"
        + " c.relname = $2::text AND k.conname = $4::text), (SELECT CASE WHEN i.indisvalid THEN 'present' ELSE"
        + " 'invalid' END FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON"
        + " n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $3::text), 'absent') AS state",
        "public", "users", "users_email_key", "users_email_key"));
    assertThat(index.inverse()).singleElement().extracting(CompiledStep::action)
        .isEqualTo(nonTx("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_email_key\""));
    CompiledStep attach = steps.get(1);
    assertThat(attach.action()).isEqualTo(tx(
        "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_email_key\" UNIQUE USING INDEX \"users_email_key\""));
    assertThat(attach.probe()).isEqualTo(probe(CONSTRAINT_STATE, "public", "users", "users_email_key"));
    assertThat(attach.inverse()).singleElement().extracting(CompiledStep::action)
        .isEqualTo(tx("ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_email_key\""));
  }

  @Test
  void addUniqueWithItsOwnIndexName() {
    List<CompiledStep> steps = contract("{ op = add_unique, table = users, name = users_email_key, columns = [email], "
        + "index = users_email_idx }");

    assertThat(((NonTransactionalDdl) steps.get(0).action()).sql()).contains("\"users_email_idx\"");
    assertThat(steps.get(0).probe().get().params()).containsExactly("public", "users", "users_email_idx", "users_email_key");
    assertThat(steps.get(1).action().statements()).containsExactly(
        "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_email_key\" UNIQUE USING INDEX \"users_email_idx\"");
  }

  @Test
  void setNotNull() {
    List<CompiledStep> steps = contract("{ op = set_not_null, table = users, column = status }");

    assertThat(steps).extracting(CompiledStep::id).containsExactly("contract[0]/add-not-null-check",
        "contract[0]/validate-not-null-check", "contract[0]/set-not-null");
    String checkState = "SELECT COALESCE((SELECT 'present' FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text AND"
        + " a.attname = $3::text AND a.attnotnull), (SELECT CASE WHEN k.convalidated THEN 'present' ELSE 'not_valid'"
        + " END FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON"
        + " n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text AND k.conname = $4::text),"
        + " 'absent') AS state";
    assertThat(steps.get(0).action()).isEqualTo(tx("ALTER TABLE \"public\".\"users\" ADD CONSTRAINT"
        + " \"users_status_not_null\" CHECK (\"status\" IS NOT NULL) NOT VALID"));
    assertThat(steps.get(0).probe()).isEqualTo(probe(checkState, "public", "users", "status", "users_status_not_null"));
    ValidateConstraint validate = (ValidateConstraint) steps.get(1).action();
    assertThat(validate.sql()).isEqualTo("ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_status_not_null\"");
    assertThat(validate.violationCountSql())
        .isEqualTo("SELECT count(*) AS violations FROM \"public\".\"users\" WHERE \"status\" IS NULL");
    assertThat(validate.violationSampleSql()).endsWith(" FROM \"public\".\"users\" WHERE \"status\" IS NULL LIMIT 10");
    assertThat(steps.get(1).probe()).isEqualTo(steps.get(0).probe());
    assertThat(steps.get(2).action()).isEqualTo(tx(
        "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"status\" SET NOT NULL",
        "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_status_not_null\""));
    assertThat(steps.get(2).probe()).isEqualTo(probe("SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a JOIN"
        + " pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text"
        + " AND c.relname = $2::text AND a.attname = $3::text AND a.attnum > 0 AND NOT a.attisdropped AND"
        + " a.attnotnull) AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN"
        + " pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text AND"
        + " k.conname = $4::text) THEN 'present' ELSE 'absent' END AS state",
        "public", "users", "status", "users_status_not_null"));
    assertThat(steps.get(2).inverse()).singleElement().extracting(CompiledStep::action)
        .isEqualTo(tx("ALTER TABLE \"public\".\"users\" ALTER COLUMN \"status\" DROP NOT NULL"));
  }

  @Test
  void derivedNamesStayWithinSixtyThreeBytes() {
    String table = "a_rather_long_table_name_for_customer_subscriptions";
    CompiledStep step = contract("{ op = set_not_null, table = " + table + ", column = renewal_period_days }").get(0);

    String name = (String) step.probe().get().params().get(3);
    assertThat(name).hasSize(63).startsWith("a_rather_long_table_name_for_customer_subscriptions_re_").matches(".*_[0-9a-f]{8}");
  }

  @Test
  void renameColumn() {
    List<CompiledStep> steps = steps(plan(
        "{ op = rename_column, table = users, from = email, to = email_address, type = text }", "", ""));

    assertThat(steps).extracting(CompiledStep::phase, CompiledStep::id).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Phase.EXPAND, "expand[0]/add-column"),
        org.assertj.core.groups.Tuple.tuple(Phase.EXPAND, "expand[0]/sync-trigger"),
        org.assertj.core.groups.Tuple.tuple(Phase.EXPAND, "expand[0]/backfill"),
        org.assertj.core.groups.Tuple.tuple(Phase.CONTRACT, "expand[0]/drop-sync-trigger"),
        org.assertj.core.groups.Tuple.tuple(Phase.CONTRACT, "expand[0]/drop-old-column"));
    assertThat(steps.get(0).action()).isEqualTo(tx(
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"email_address\" text"));
    assertThat(steps.get(1).action()).isEqualTo(tx("""
        CREATE OR REPLACE FUNCTION "public"."tidemark_sync_users_email"() RETURNS trigger LANGUAGE plpgsql AS $tidemark$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NEW."email_address" IS NULL THEN
              NEW."email_address" := NEW."email";
            ELSIF NEW."email" IS NULL THEN
              NEW."email" := NEW."email_address";
            END IF;
          ELSIF NEW."email" IS DISTINCT FROM OLD."email" AND NEW."email_address" IS NOT DISTINCT FROM OLD."email_address" THEN
            NEW."email_address" := NEW."email";
          ELSIF NEW."email_address" IS DISTINCT FROM OLD."email_address" AND NEW."email" IS NOT DISTINCT FROM OLD."email" AND NEW."email_address" IS DISTINCT FROM NEW."email" THEN
            NEW."email" := NEW."email_address";
          END IF;
          RETURN NEW;
        END
        $tidemark$""",
        "CREATE TRIGGER \"tidemark_sync_users_email\" BEFORE INSERT OR UPDATE ON \"public\".\"users\" FOR EACH ROW"
            + " EXECUTE FUNCTION \"public\".\"tidemark_sync_users_email\"()"));
    assertThat(steps.get(1).probe()).isEqualTo(probe(TRIGGER_PRESENT, "public", "users", "tidemark_sync_users_email"));
    TransactionalDdl dropSync = tx("DROP TRIGGER IF EXISTS \"tidemark_sync_users_email\" ON \"public\".\"users\"",
        "DROP FUNCTION IF EXISTS \"public\".\"tidemark_sync_users_email\"()");
    assertThat(steps.get(1).inverse()).singleElement().satisfies(undo -> {
      assertThat(undo.action()).isEqualTo(dropSync);
      assertThat(undo.probe()).isEqualTo(probe(TRIGGER_GONE, "public", "users", "tidemark_sync_users_email"));
    });
    assertThat(steps.get(2).action()).isEqualTo(new Backfill(new BackfillSpec("public", "users",
        "\"email_address\" = \"email\"", Optional.of("\"email_address\" IS DISTINCT FROM \"email\""),
        OptionalLong.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty())));
    assertThat(steps.get(2).reversibility()).isEqualTo(Reversibility.NOTHING_TO_UNDO);
    assertThat(steps.get(3).action()).isEqualTo(dropSync);
    assertThat(steps.get(3).probe()).isEqualTo(probe(TRIGGER_GONE, "public", "users", "tidemark_sync_users_email"));
    assertThat(steps.get(3).reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
    assertThat(steps.get(4).action()).isEqualTo(tx("ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"email\""));
    assertThat(steps.get(4).probe()).isEqualTo(probe(COLUMN_GONE, "public", "users", "email"));
    assertThat(steps.get(4).reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
  }

  @Test
  void changeTypeWithReverseUsing() {
    List<CompiledStep> steps = expand("{ op = change_type, table = orders, column = amount, to = amount_cents, "
        + "type = bigint, using = \"round(amount * 100)::bigint\", reverse-using = \"amount_cents / 100.0\" }");

    assertThat(steps.get(0).action().statements())
        .containsExactly("ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"amount_cents\" bigint");
    String fwd = "(SELECT round(amount * 100)::bigint FROM (SELECT NEW.*) AS tidemark_row)";
    String rev = "(SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS tidemark_row)";
    assertThat(steps.get(1).action().statements().get(0)).isEqualTo("""
        CREATE OR REPLACE FUNCTION "public"."tidemark_sync_orders_amount"() RETURNS trigger LANGUAGE plpgsql AS $tidemark$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NEW."amount_cents" IS NULL THEN
              NEW."amount_cents" := FWD;
            ELSIF NEW."amount" IS NULL THEN
              NEW."amount" := REV;
            END IF;
          ELSIF NEW."amount" IS DISTINCT FROM OLD."amount" AND NEW."amount_cents" IS NOT DISTINCT FROM OLD."amount_cents" THEN
            NEW."amount_cents" := FWD;
          ELSIF NEW."amount_cents" IS DISTINCT FROM OLD."amount_cents" AND NEW."amount" IS NOT DISTINCT FROM OLD."amount" AND NEW."amount_cents" IS DISTINCT FROM FWD THEN
            NEW."amount" := REV;
          END IF;
          RETURN NEW;
        END
        $tidemark$""".replace("FWD", fwd).replace("REV", rev));
    BackfillSpec spec = ((Backfill) steps.get(2).action()).spec();
    assertThat(spec.set()).isEqualTo("\"amount_cents\" = (round(amount * 100)::bigint)");
    assertThat(spec.where()).contains("\"amount_cents\" IS DISTINCT FROM (round(amount * 100)::bigint)");
  }

  @Test
  void changeTypeWithoutReverseUsingSyncsOneWayWithADefaultCast() {
    List<CompiledStep> steps = expand("{ op = change_type, table = t, column = code, to = code_int, type = int }");

    String function = steps.get(1).action().statements().get(0);
    assertThat(function).contains("NEW.\"code_int\" := (SELECT \"code\"::int FROM (SELECT NEW.*) AS tidemark_row);")
        .doesNotContain("NEW.\"code\" :=");
    assertThat(((Backfill) steps.get(2).action()).spec().set()).isEqualTo("\"code_int\" = (\"code\"::int)");
  }

  @Test
  void addEnumValue() {
    CompiledStep step = expand("{ op = add_enum_value, schema = app, type = mood, value = \"it's fine\", "
        + "after = ok }").get(0);

    assertThat(step.id()).isEqualTo("expand[0]/add-enum-value");
    assertThat(step.action()).isEqualTo(tx("ALTER TYPE \"app\".\"mood\" ADD VALUE IF NOT EXISTS 'it''s fine' AFTER 'ok'"));
    assertThat(step.probe()).isEqualTo(probe("SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_enum e JOIN pg_type t ON"
        + " t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1::text AND"
        + " t.typname = $2::text AND e.enumlabel = $3::text) THEN 'present' ELSE 'absent' END AS state",
        "app", "mood", "it's fine"));
    assertThat(step.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
    assertThat(step.inverse()).isEmpty();
  }

  @Test
  void backfillIntoAnExistingColumnIsIrreversible() {
    CompiledStep step = steps(plan("", "{ op = backfill, table = users, set = \"status = 'x'\", where = "
        + "\"status IS NULL\", max-rows-per-second = 500, target-batch-duration = 2s, min-batch-rows = 5, "
        + "max-batch-rows = 50 }", "")).get(0);

    assertThat(step.id()).isEqualTo("migrate[0]/backfill");
    assertThat(step.kind()).isEqualTo(StepKind.BACKFILL);
    assertThat(step.action()).isEqualTo(new Backfill(new BackfillSpec("public", "users", "\"status\" = 'x'",
        Optional.of("status IS NULL"), OptionalLong.of(500), Optional.of(Duration.ofSeconds(2)), OptionalInt.of(5),
        OptionalInt.of(50))));
    assertThat(step.probe()).isEmpty();
    assertThat(step.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
  }

  @Test
  void backfillIntoAColumnThePlanAddsHasNothingToUndo() {
    List<CompiledStep> steps = steps(plan("{ op = add_column, table = users, column = status, type = text }",
        "{ op = backfill, table = users, set = \"status = 'x'\" }", ""));

    assertThat(steps.get(1).reversibility()).isEqualTo(Reversibility.NOTHING_TO_UNDO);
  }

  @Test
  void dropColumnAndDropTable() {
    List<CompiledStep> steps = contract("{ op = drop_column, table = users, column = is_active }\n"
        + "{ op = drop_table, schema = app, table = legacy }");

    assertThat(steps.get(0).id()).isEqualTo("contract[0]/drop-column");
    assertThat(steps.get(0).action()).isEqualTo(tx("ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"is_active\""));
    assertThat(steps.get(0).probe()).isEqualTo(probe(COLUMN_GONE, "public", "users", "is_active"));
    assertThat(steps.get(0).reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
    assertThat(steps.get(1).id()).isEqualTo("contract[1]/drop-table");
    assertThat(steps.get(1).action()).isEqualTo(tx("DROP TABLE IF EXISTS \"app\".\"legacy\""));
    assertThat(steps.get(1).probe()).isEqualTo(probe(TABLE_GONE, "app", "legacy"));
    assertThat(steps.get(1).reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
  }

  @Test
  void transactionalSqlIsOneStepWithItsDown() {
    CompiledStep step = expand("{ op = sql, statements = \"CREATE TYPE mood AS ENUM ('a'); "
        + "COMMENT ON TYPE mood IS 'x;y'\", down = \"DROP TYPE IF EXISTS mood\" }").get(0);

    assertThat(step.id()).isEqualTo("expand[0]/sql");
    assertThat(step.action()).isEqualTo(tx("CREATE TYPE mood AS ENUM ('a')", "COMMENT ON TYPE mood IS 'x;y'"));
    assertThat(step.probe()).isEmpty();
    assertThat(step.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
    assertThat(step.inverse()).singleElement().extracting(CompiledStep::action)
        .isEqualTo(tx("DROP TYPE IF EXISTS mood"));
    assertThat(step.unsafeReason()).isEmpty();
  }

  @Test
  void nonTransactionalSqlIsOneStepPerStatementAndCarriesItsUnsafeReason() {
    List<CompiledStep> steps = contract("{ op = sql, transactional = false, unsafe = \"tiny lookup table\", "
        + "statements = \"VACUUM FULL lookup; REINDEX TABLE CONCURRENTLY lookup\" }");

    assertThat(steps).extracting(CompiledStep::id).containsExactly("contract[0]/sql-1", "contract[0]/sql-2");
    assertThat(steps).extracting(CompiledStep::action)
        .containsExactly(nonTx("VACUUM FULL lookup"), nonTx("REINDEX TABLE CONCURRENTLY lookup"));
    assertThat(steps).allSatisfy(s -> {
      assertThat(s.unsafeReason()).contains("tiny lookup table");
      assertThat(s.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
    });
  }
}
