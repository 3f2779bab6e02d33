package io.tidemark.backfill.db;

import io.tidemark.config.DatabaseConfig;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.util.Locale;

/**
 * The one mapping from a configured database to vertx-pg-client connect options, so the executor, the
 * backfill engine and the control store all connect the same way. {@code application_name} names the part
 * of Tidemark holding the session, so a DBA reading {@code pg_stat_activity} sees {@code tidemark/backfill}.
 */
public final class PgConnections {
  private PgConnections() {}

  public static PgConnectOptions options(DatabaseConfig db, String applicationName) {
    PgConnectOptions o = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setSslMode(sslMode(db.sslMode()))
        .setReconnectAttempts(0)
        .setPipeliningLimit(1);
    if (!db.password().isEmpty()) {
      o.setPassword(db.password().reveal());
    }
    o.getProperties().put("application_name", applicationName);
    return o;
  }

  private static SslMode sslMode(String mode) {
    if (mode == null || mode.isEmpty()) {
      return SslMode.PREFER;
    }
    return SslMode.of(mode.toLowerCase(Locale.ROOT));
  }
}
