package io.tidemark.daemon.exec;

import io.tidemark.pg.Connector;
import io.tidemark.pg.Failures;
import io.tidemark.pg.PgConnections;
import io.tidemark.pg.SessionRefusedException;
import io.tidemark.planner.CompiledPlan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before anything runs, that every step of a plan can run on one database: the server answers and
 * is PostgreSQL 12 or later; the current user owns (or is a member of the owner of) every existing table a
 * step alters, or is a superuser, and may create in the schemas of new tables; tables and columns a step
 * uses exist, or an earlier step of the plan creates them; a column to add does not already exist with
 * another type; an index name is not taken by another relation or by an index on another table; a
 * constraint name is not taken by another kind of constraint; foreign key columns have the referenced
 * columns' types and reference a unique key; a backfilled table has a primary key or a unique key on NOT
 * NULL columns.
 *
 * <p>Reads the catalog only, on one connection, and changes nothing. What each step touches comes typed
 * from the planner ({@code CompiledStep.targets()}); a column's declared type is parsed whole by PostgreSQL.
 * Every problem is reported (a connection that cannot be made or is lost on the way is {@code unreachable},
 * never a missing object; another failed catalog query is {@code check-failed}); the future fails only on a
 * bug. Runs on the event loop of its connection; nothing blocks.
 */
public final class Preflight {
  private final Connector connector;

  public Preflight(Vertx vertx) {
    this(Connector.direct(vertx));
  }

  /** Preflight connections come from {@code connector} (the daemon's counts them per server). */
  public Preflight(Connector connector) {
    this.connector = connector;
  }

  /** Checks the steps of every phase of {@code plan} on {@code database}, connecting with {@code options}. */
  public Future<PreflightReport> check(CompiledPlan plan, String database, PgConnectOptions options) {
    PgConnectOptions named = new PgConnectOptions(options);
    named.setProperties(new java.util.HashMap<>(options.getProperties()));
    named.addProperty("application_name", "tidemark/" + plan.id() + "/preflight");
    String server = options.getHost() + ":" + options.getPort();
    return connector.connect(named).transform(connected -> connected.succeeded()
        ? checked(connected.result(), plan, database, server).eventually(connected.result()::close)
        : Future.succeededFuture(unreachable(database, connected.cause())));
  }

  /** Only on a session with the settings every Tidemark session must have ({@link PgConnections#verify}). */
  private static Future<PreflightReport> checked(PgConnection conn, CompiledPlan plan, String database, String server) {
    return PgConnections.verify(conn, server).transform(verified -> verified.succeeded()
        ? new PreflightRun(conn, plan, database).run()
        : Future.succeededFuture(refused(database, verified.cause())));
  }

  private static PreflightReport refused(String database, Throwable error) {
    String code = error instanceof SessionRefusedException ? "session-refused" : "check-failed";
    return new PreflightReport(database, 0, "", List.of(new PreflightProblem(Optional.empty(), code,
        Failures.message(error).orElse(""))));
  }

  private static PreflightReport unreachable(String database, Throwable error) {
    String message = "cannot connect to " + database + ": " + Failures.message(error).orElse("");
    return new PreflightReport(database, 0, "", List.of(new PreflightProblem(Optional.empty(), "unreachable", message)));
  }
}
