package io.tidemark.daemon.exec;

import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.lint.Expressions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The preflight check of the functions a plan's expressions call ({@link CompiledStep#calledFunctions()}),
 * against the target database's {@code pg_proc}, so user-defined functions are judged too:
 * <ul>
 *   <li>{@code forbidden-function}: on the planner's deny list ({@link Expressions#isForbidden}); the parser
 *       refuses these at submit, and this catches plans stored before the list grew;</li>
 *   <li>{@code volatile-function}: the database reports a function of that name as volatile
 *       ({@code provolatile = 'v'}) and it is not on {@link #ALLOWED_VOLATILE}. A volatile function may act
 *       outside the row (write tables, call out, wait), once per row. An unqualified name is judged by every
 *       overload visible on the search path, a qualified one by every overload in its schema: one volatile
 *       overload is enough to refuse. An allow-listed name counts only when the function is built in
 *       ({@code pg_catalog}) or belongs to an extension, so a user's {@code app.random()} is still refused.</li>
 * </ul>
 * A name the catalog does not know ({@code coalesce}, {@code extract} are syntax, not functions) passes: the
 * step itself would fail on an unknown function.
 *
 * <p>One catalog query by bind parameters; changes nothing. Runs on the event loop of its connection.
 */
final class FunctionPolicyCheck {
  /**
   * Volatile built-in or extension functions an expression may still call: they make values (ids, random
   * numbers, clock readings, sequence numbers) and touch nothing else. docs/plan-reference.md lists them.
   */
  static final Set<String> ALLOWED_VOLATILE = Set.of(
      "gen_random_uuid", "random", "random_normal", "clock_timestamp", "timeofday", "nextval", "currval",
      "lastval", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
      "txid_current", "pg_current_xact_id");

  private static final String FUNCTIONS_SQL = """
      SELECT n.nspname::text AS schema, p.proname::text AS name, p.provolatile::text AS volatility,
             pg_function_is_visible(p.oid) AS visible,
             (n.nspname = 'pg_catalog' OR EXISTS (
               SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')) AS builtin
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE p.proname = ANY ($1::text[])""";

  private FunctionPolicyCheck() {}

  /** The problems of {@code steps}; empty when every called function may be called. */
  static Future<List<PreflightProblem>> check(SqlConnection conn, List<CompiledStep> steps) {
    Set<String> names = new LinkedHashSet<>();
    steps.forEach(s -> s.calledFunctions().forEach(f -> names.add(Called.of(f).name())));
    if (names.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return conn.preparedQuery(FUNCTIONS_SQL).execute(Tuple.of(names.toArray(new String[0])))
        .map(rows -> judge(steps, rows));
  }

  private static List<PreflightProblem> judge(List<CompiledStep> steps, Iterable<Row> rows) {
    List<Proc> procs = new ArrayList<>();
    rows.forEach(r -> procs.add(new Proc(r.getString("schema"), r.getString("name"),
        "v".equals(r.getString("volatility")), Boolean.TRUE.equals(r.getBoolean("visible")),
        Boolean.TRUE.equals(r.getBoolean("builtin")))));
    List<PreflightProblem> problems = new ArrayList<>();
    for (CompiledStep step : steps) {
      for (String function : step.calledFunctions()) {
        problem(step, function, procs).ifPresent(problems::add);
      }
    }
    return problems;
  }

  private static Optional<PreflightProblem> problem(CompiledStep step, String function, List<Proc> procs) {
    Optional<String> stepId = Optional.of(step.id());
    if (Expressions.isForbidden(function)) {
      return Optional.of(new PreflightProblem(stepId, "forbidden-function", "calls " + function
          + "(), which acts outside the row and is never allowed in a plan expression"));
    }
    Called called = Called.of(function);
    Optional<Proc> volatileOne = procs.stream().filter(called::matches).filter(Proc::isVolatile)
        .filter(p -> !(p.builtin() && ALLOWED_VOLATILE.contains(p.name()))).findFirst();
    return volatileOne.map(p -> new PreflightProblem(stepId, "volatile-function", "calls " + function
        + "(), and the database reports " + p.schema() + "." + p.name() + " as VOLATILE: an expression may only "
        + "call immutable or stable functions, or one of " + String.join(", ", new java.util.TreeSet<>(ALLOWED_VOLATILE))));
  }

  /** A called name as the planner recorded it: {@code lower} or {@code app.make_code}. */
  private record Called(Optional<String> schema, String name) {
    static Called of(String function) {
      int dot = function.lastIndexOf('.');
      return dot < 0 ? new Called(Optional.empty(), function)
          : new Called(Optional.of(function.substring(0, dot)), function.substring(dot + 1));
    }

    boolean matches(Proc p) {
      return p.name().equals(name) && schema.map(s -> s.equals(p.schema())).orElse(p.visible());
    }
  }

  private record Proc(String schema, String name, boolean isVolatile, boolean visible, boolean builtin) {}
}
