package io.tidemark.daemon.exec;

import io.tidemark.pg.FailureKind;
import io.tidemark.pg.Failures;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.StepTargets;
import io.tidemark.planner.StepTargets.ColumnRef;
import io.tidemark.planner.StepTargets.ForeignKey;
import io.tidemark.planner.StepTargets.Name;
import io.tidemark.planner.StepTargets.NewColumn;
import io.tidemark.planner.StepTargets.NewConstraint;
import io.tidemark.planner.StepTargets.NewIndex;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One call of {@link Preflight#check}: walks the steps in execution order, remembering what earlier steps
 * create (schemas, tables, columns with their types, unique indexes) so later steps may use them, and
 * collects problems. What a step touches comes typed from the planner ({@link CompiledStep#targets()}),
 * never from its SQL text. Every catalog query is by bind parameters. A lost connection ends the run with
 * one {@code unreachable} problem: it is never taken for a missing object. The catalog's answer about a
 * relation or a column is asked once per run: the steps of one plan name the same tables again and again
 * (a plan of five steps on two tables asked about them nine times, and at a thousand databases every
 * query is a thousand). Runs on the event loop of its connection, one query at a time.
 */
final class PreflightRun {
  private static final int MIN_VERSION_NUM = 120000;

  private static final String SERVER_SQL = """
      SELECT current_setting('server_version_num')::int AS version, current_user::text AS usr,
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser""";
  private static final String RELATION_SQL = """
      SELECT c.relkind::text AS kind, pg_get_userbyid(c.relowner)::text AS owner,
             pg_has_role(current_user, c.relowner, 'USAGE') AS owned,
             it.relname::text AS index_table, itn.nspname::text AS index_schema
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_index i ON i.indexrelid = c.oid
        LEFT JOIN pg_class it ON it.oid = i.indrelid
        LEFT JOIN pg_namespace itn ON itn.oid = it.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2""";
  private static final String SCHEMA_SQL =
      "SELECT has_schema_privilege(n.oid, 'CREATE') AS can_create FROM pg_namespace n WHERE n.nspname = $1";
  private static final String COLUMN_SQL = """
      SELECT a.atttypid::int8 AS type_oid, format_type(a.atttypid, a.atttypmod) AS type_name
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped""";
  /**
   * PostgreSQL parses the whole declared type, modifiers included ({@code numeric(12, 2)},
   * {@code timestamp(3) with time zone}, {@code "Mood"[]}); {@code to_regtype} answers NULL for an unknown type
   * and fails (SQLSTATE class 42) for a name that does not parse.
   */
  private static final String TYPE_SQL =
      "SELECT to_regtype($1)::oid::int8 AS type_oid, format_type(to_regtype($1), NULL) AS type_name";
  /** Not types but column shorthands (a sequence default on an integer column): checked as their integer type. */
  private static final Map<String, String> SERIALS = Map.of("serial", "integer", "serial4", "integer",
      "bigserial", "bigint", "serial8", "bigint", "smallserial", "smallint", "serial2", "smallint");
  /** Syntax error or access rule violation: the type name itself is wrong. */
  private static final String NAME_ERROR_CLASS = "42";
  private static final String CONSTRAINT_SQL = """
      SELECT c.contype::text AS kind
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND t.relname = $2 AND c.conname = $3""";
  /** A valid, non-partial unique index on exactly these columns (in any order), as a foreign key needs. */
  private static final String UNIQUE_ON_SQL = """
      SELECT EXISTS (
        SELECT 1 FROM pg_index i
          JOIN pg_class t ON t.oid = i.indrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = $1 AND t.relname = $2 AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
           AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                 WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey))
               = (SELECT array_agg(x ORDER BY x) FROM unnest($3::text[]) x)) AS found""";
  /** A key the backfill engine can walk: the primary key, or a unique index over NOT NULL columns only. */
  private static final String WALKABLE_KEY_SQL = """
      SELECT EXISTS (
        SELECT 1 FROM pg_index i
          JOIN pg_class t ON t.oid = i.indrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = $1 AND t.relname = $2 AND i.indisunique AND i.indisvalid
           AND i.indpred IS NULL AND i.indexprs IS NULL
           AND (i.indisprimary OR NOT EXISTS (
                 SELECT 1 FROM pg_attribute a
                  WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull))) AS found""";
  private static final String TYPE_OWNER_SQL = """
      SELECT pg_has_role(current_user, t.typowner, 'USAGE') AS owned, pg_get_userbyid(t.typowner)::text AS owner
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = $1 AND t.typname = $2""";

  private final PgConnection conn;
  private final CompiledPlan plan;
  private final String database;
  private final List<PreflightProblem> problems = new ArrayList<>();
  private final Set<String> plannedSchemas = new HashSet<>();
  private final Set<Name> plannedTables = new HashSet<>();
  private final Map<ColumnRef, String> plannedColumns = new HashMap<>();
  private final Set<Name> plannedUniqueTables = new HashSet<>();
  /** Tables already reported missing: their columns and keys are not reported again. */
  private final Set<Name> missingTables = new HashSet<>();
  private final Map<Name, Future<Optional<Row>>> relations = new HashMap<>();
  private final Map<ColumnRef, Future<Optional<TypeRef>>> columns = new HashMap<>();
  private int versionNum;
  private String user = "";
  private boolean superuser;

  PreflightRun(PgConnection conn, CompiledPlan plan, String database) {
    this.conn = conn;
    this.plan = plan;
    this.database = database;
  }

  Future<PreflightReport> run() {
    return query(SERVER_SQL, Tuple.tuple())
        .compose(this::server)
        .compose(v -> sequence(steps(), this::checkStep))
        .compose(v -> FunctionPolicyCheck.check(conn, steps()).map(problems::addAll).<Void>mapEmpty())
        .recover(this::queryFailed)
        .map(v -> new PreflightReport(database, versionNum, user, problems));
  }

  /** A connection lost mid-way is {@code unreachable}, like one never made; any other failure {@code check-failed}. */
  private Future<Void> queryFailed(Throwable error) {
    String message = Failures.message(error).orElse("");
    return Failures.kind(error) == FailureKind.CONNECTION
        ? problem(Optional.empty(), "unreachable", "lost the connection to " + database + " during preflight: "
            + message)
        : problem(Optional.empty(), "check-failed", "preflight query failed: " + message);
  }

  private List<CompiledStep> steps() {
    List<CompiledStep> steps = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      steps.addAll(plan.steps(database, phase));
    }
    return steps;
  }

  private Future<Void> server(RowSet<Row> rows) {
    Row row = rows.iterator().next();
    versionNum = row.getInteger("version");
    user = row.getString("usr");
    superuser = Boolean.TRUE.equals(row.getBoolean("superuser"));
    if (versionNum < MIN_VERSION_NUM) {
      return problem(Optional.empty(), "server-version", "PostgreSQL " + versionNum / 10000
          + " is too old: Tidemark needs 12 or later (server_version_num " + versionNum + ")");
    }
    return Future.succeededFuture();
  }

  private Future<Void> checkStep(CompiledStep step) {
    StepTargets t = step.targets();
    Step s = new Step(step.id());
    plannedSchemas.addAll(t.createdSchemas());
    return sequence(t.createdTables(), s::createdTable)
        .compose(v -> sequence(t.alteredTables(), s::alteredTable))
        .compose(v -> sequence(t.addedColumns(), s::addedColumn))
        .compose(v -> sequence(t.alteredColumns(), s::existingColumn))
        .compose(v -> sequence(t.createdIndexes(), s::createdIndex))
        .compose(v -> sequence(t.addedConstraints(), s::addedConstraint))
        .compose(v -> sequence(t.foreignKeys(), s::foreignKey))
        .compose(v -> sequence(t.alteredTypes(), s::alteredType))
        .compose(v -> t.backfillTable().map(s::backfillKey).orElse(Future.succeededFuture()));
  }

  /** The checks of one step; every problem it adds names the step. */
  private final class Step {
    private final Optional<String> id;

    Step(String id) {
      this.id = Optional.of(id);
    }

    Future<Void> createdTable(Name table) {
      plannedTables.add(table);
      if (plannedSchemas.contains(table.schema())) {
        return Future.succeededFuture();
      }
      return query(SCHEMA_SQL, Tuple.of(table.schema())).compose(rows -> rows.size() == 0
          ? fail("schema-missing", "schema " + table.schema() + " of new table " + table + " does not exist")
          : rows.iterator().next().getBoolean("can_create") || superuser
              ? Future.succeededFuture()
              : fail("no-create-privilege", user + " may not create tables in schema " + table.schema()));
    }

    Future<Void> alteredTable(Name table) {
      if (plannedTables.contains(table)) {
        return Future.succeededFuture();
      }
      return relation(table).compose(row -> row.isEmpty()
          ? missing(table)
          : ownedTable(table, row.get()));
    }

    private Future<Void> missing(Name table) {
      missingTables.add(table);
      return fail("table-missing", "table " + table + " does not exist");
    }

    private Future<Void> ownedTable(Name table, Row row) {
      String kind = row.getString("kind");
      if (!kind.equals("r") && !kind.equals("p")) {
        return fail("not-a-table", table + " is not a table (relkind " + kind + ")");
      }
      if (superuser || row.getBoolean("owned")) {
        return Future.succeededFuture();
      }
      return fail("not-owner", user + " does not own " + table + " (owner: " + row.getString("owner")
          + "); ALTER TABLE needs the owner or a superuser");
    }

    Future<Void> addedColumn(NewColumn c) {
      ColumnRef ref = new ColumnRef(c.table(), c.column());
      if (missingTables.contains(c.table())) {
        return Future.succeededFuture();
      }
      return typeOf(c.type()).compose(declared -> declared.isEmpty()
          ? fail("unknown-type", "type " + c.type() + " of new column " + c.table() + "." + c.column()
              + " does not exist (or does not parse as a type name)")
          : column(ref).compose(existing -> sameType(c, declared.get(), existing)));
    }

    /** A column that exists keeps its type for later steps (ADD COLUMN IF NOT EXISTS will not change it). */
    private Future<Void> sameType(NewColumn c, TypeRef declared, Optional<TypeRef> existing) {
      if (plannedTables.contains(c.table())) {
        plannedColumns.put(new ColumnRef(c.table(), c.column()), c.type());
        return Future.succeededFuture();
      }
      if (existing.isEmpty()) {
        plannedColumns.put(new ColumnRef(c.table(), c.column()), c.type());
        return Future.succeededFuture();
      }
      if (existing.get().oid() == declared.oid()) {
        return Future.succeededFuture();
      }
      return fail("column-type-conflict", "column " + c.table() + "." + c.column() + " already exists as "
          + existing.get().name() + ", not " + declared.name());
    }

    Future<Void> existingColumn(ColumnRef ref) {
      if (plannedColumns.containsKey(ref) || plannedTables.contains(ref.table()) || missingTables.contains(ref.table())) {
        return Future.succeededFuture();
      }
      return column(ref).compose(found -> found.isPresent()
          ? Future.succeededFuture()
          : fail("column-missing", "column " + ref.table() + "." + ref.column() + " does not exist"));
    }

    Future<Void> createdIndex(NewIndex index) {
      if (index.unique()) {
        plannedUniqueTables.add(index.table());
      }
      return relation(index.index())
          .compose(row -> row.map(r -> indexConflict(index, r)).orElse(Future.succeededFuture()))
          .compose(v -> alteredTable(index.table()))
          .compose(v -> sequence(index.columns(), col -> existingColumn(new ColumnRef(index.table(), col))));
    }

    private Future<Void> indexConflict(NewIndex index, Row row) {
      if (!row.getString("kind").equals("i")) {
        return fail("name-taken", "the name " + index.index() + " is taken by a relation of kind "
            + row.getString("kind") + ", not an index");
      }
      Name on = new Name(row.getString("index_schema"), row.getString("index_table"));
      return on.equals(index.table()) ? Future.succeededFuture()
          : fail("index-conflict", "index " + index.index() + " already exists on " + on + ", not on " + index.table());
    }

    Future<Void> addedConstraint(NewConstraint c) {
      if (c.kind().equals("u")) {
        plannedUniqueTables.add(c.table());
      }
      return query(CONSTRAINT_SQL, Tuple.of(c.table().schema(), c.table().name(), c.name()))
          .compose(rows -> rows.size() == 0 || rows.iterator().next().getString("kind").equals(c.kind())
              ? Future.succeededFuture()
              : fail("constraint-conflict", "constraint " + c.name() + " on " + c.table() + " already exists as "
                  + kindName(rows.iterator().next().getString("kind")) + ", not " + kindName(c.kind())));
    }

    Future<Void> foreignKey(ForeignKey fk) {
      if (fk.columns().size() != fk.referencedColumns().size()) {
        return fail("foreign-key-type-mismatch", "foreign key on " + fk.table() + " has " + fk.columns().size()
            + " column(s) but references " + fk.referencedColumns().size());
      }
      if (missingTables.contains(fk.table())) {
        return Future.succeededFuture();
      }
      return referencedTable(fk.referenced())
          .compose(v -> missingTables.contains(fk.referenced()) ? Future.succeededFuture()
              : sequence(indexes(fk.columns()), i -> columnPair(fk, i)))
          .compose(v -> referencedUnique(fk));
    }

    private Future<Void> referencedTable(Name table) {
      if (plannedTables.contains(table)) {
        return Future.succeededFuture();
      }
      return relation(table).compose(row -> row.isPresent() ? Future.succeededFuture() : missing(table));
    }

    private Future<Void> columnPair(ForeignKey fk, int i) {
      ColumnRef local = new ColumnRef(fk.table(), fk.columns().get(i));
      ColumnRef remote = new ColumnRef(fk.referenced(), fk.referencedColumns().get(i));
      return resolve(local).compose(l -> resolve(remote).compose(r -> compareKeyTypes(local, l, remote, r)));
    }

    private Future<Void> compareKeyTypes(ColumnRef local, Optional<TypeRef> l, ColumnRef remote, Optional<TypeRef> r) {
      // A column of a table this plan creates with a raw CREATE TABLE (Django's new model and its foreign key) does
      // not exist yet and its type is not known here: nothing to compare, but the other side is still checked.
      boolean localPlanned = l.isEmpty() && plannedTables.contains(local.table());
      boolean remotePlanned = r.isEmpty() && plannedTables.contains(remote.table());
      if (l.isEmpty() && !localPlanned) {
        return fail("column-missing", "column " + local.table() + "." + local.column() + " does not exist");
      }
      if (r.isEmpty() && !remotePlanned) {
        return fail("column-missing", "referenced column " + remote.table() + "." + remote.column() + " does not exist");
      }
      if (localPlanned || remotePlanned) {
        return Future.succeededFuture();
      }
      return l.get().oid() == r.get().oid() ? Future.succeededFuture()
          : fail("foreign-key-type-mismatch", local.table() + "." + local.column() + " is " + l.get().name() + " but "
              + remote.table() + "." + remote.column() + " is " + r.get().name());
    }

    private Future<Void> referencedUnique(ForeignKey fk) {
      if (plannedTables.contains(fk.referenced()) || plannedUniqueTables.contains(fk.referenced())
          || missingTables.contains(fk.referenced())) {
        return Future.succeededFuture();
      }
      Tuple args = Tuple.of(fk.referenced().schema(), fk.referenced().name(), fk.referencedColumns().toArray(new String[0]));
      return query(UNIQUE_ON_SQL, args).compose(rows -> rows.iterator().next().getBoolean("found")
          ? Future.succeededFuture()
          : fail("referenced-key-not-unique", "no primary key or unique index on " + fk.referenced()
              + " " + fk.referencedColumns() + ": a foreign key must reference a unique key"));
    }

    Future<Void> alteredType(Name type) {
      return query(TYPE_OWNER_SQL, Tuple.of(type.schema(), type.name())).compose(rows -> rows.size() == 0
          ? fail("type-missing", "type " + type + " does not exist")
          : superuser || rows.iterator().next().getBoolean("owned") ? Future.succeededFuture()
              : fail("not-owner", user + " does not own type " + type + " (owner: "
                  + rows.iterator().next().getString("owner") + ")"));
    }

    Future<Void> backfillKey(Name table) {
      if (plannedTables.contains(table) || missingTables.contains(table)) {
        return Future.succeededFuture();
      }
      return query(WALKABLE_KEY_SQL, Tuple.of(table.schema(), table.name())).compose(rows ->
          rows.iterator().next().getBoolean("found") ? Future.succeededFuture()
              : fail("no-unique-key", "backfill of " + table + " needs a primary key or a unique index on NOT NULL "
                  + "columns to walk the table in key order"));
    }

    /** The type of a column, from the catalog or, when an earlier step adds it, from its declaration. */
    private Future<Optional<TypeRef>> resolve(ColumnRef ref) {
      String planned = plannedColumns.get(ref);
      return planned != null ? typeOf(planned) : column(ref);
    }

    private Future<Void> fail(String code, String message) {
      return problem(id, code, message);
    }
  }

  private record TypeRef(long oid, String name) {}

  private Future<Optional<Row>> relation(Name name) {
    return relations.computeIfAbsent(name, n -> query(RELATION_SQL, Tuple.of(n.schema(), n.name()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())));
  }

  private Future<Optional<TypeRef>> column(ColumnRef ref) {
    return columns.computeIfAbsent(ref, r -> query(COLUMN_SQL, Tuple.of(r.table().schema(), r.table().name(), r.column()))
        .map(PreflightRun::typeRef));
  }

  /**
   * The type {@code declared} names, or empty when PostgreSQL knows no such type or cannot parse the name.
   * Any other failure (a lost connection above all) fails the future: it says nothing about the type.
   */
  private Future<Optional<TypeRef>> typeOf(String declared) {
    String type = SERIALS.getOrDefault(declared.strip().toLowerCase(java.util.Locale.ROOT), declared);
    return query(TYPE_SQL, Tuple.of(type)).map(PreflightRun::typeRef)
        .recover(error -> Failures.sqlState(error).filter(s -> s.startsWith(NAME_ERROR_CLASS)).isPresent()
            ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(error));
  }

  private static Optional<TypeRef> typeRef(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    Long oid = row.getLong("type_oid");
    return oid == null ? Optional.empty() : Optional.of(new TypeRef(oid, row.getString("type_name")));
  }

  private Future<RowSet<Row>> query(String sql, Tuple args) {
    return conn.preparedQuery(sql).execute(args);
  }

  private Future<Void> problem(Optional<String> stepId, String code, String message) {
    problems.add(new PreflightProblem(stepId, code, message));
    return Future.succeededFuture();
  }

  private static String kindName(String contype) {
    return switch (contype) {
      case "c" -> "a check";
      case "f" -> "a foreign key";
      case "u" -> "a unique constraint";
      case "p" -> "a primary key";
      default -> "constraint kind " + contype;
    };
  }

  private static List<Integer> indexes(List<?> list) {
    return java.util.stream.IntStream.range(0, list.size()).boxed().toList();
  }

  private static <T> Future<Void> sequence(List<T> items, Function<T, Future<Void>> check) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> check.apply(item));
    }
    return chain;
  }
}
