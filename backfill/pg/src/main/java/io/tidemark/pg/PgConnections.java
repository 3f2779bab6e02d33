package io.tidemark.pg;

import io.tidemark.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.KeyStoreException;
import java.util.Locale;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one mapping from a configured database to vertx-pg-client connect options, so the executor, the
 * backfill engine and the control store all connect the same way. {@code application_name} names the part
 * of Tidemark holding the session, so a DBA reading {@code pg_stat_activity} sees {@code tidemark/backfill}.
 *
 * <p><b>Session settings.</b> Every session is started with {@code standard_conforming_strings = on} and
 * the database's {@code idle_in_transaction_session_timeout}, sent as startup parameters. A startup
 * parameter outranks {@code ALTER DATABASE/ROLE ... SET} and {@code postgresql.conf}, so a server configured
 * with {@code standard_conforming_strings = off} still gives Tidemark's sessions {@code on}. Why it matters:
 * DDL runs through the simple query protocol as SQL text, and Tidemark's SQL lexer (statement splitting,
 * the single-expression checks) reads {@code '\''} the way {@code on} does: one quote, a backslash, end of
 * string. With {@code off} the server would read the same text as an escaped quote, and
 * {@code CHECK (x <> '\'') ; DROP TABLE t; --'} would become two statements. Something between Tidemark
 * and the server (a pooler that drops startup parameters, a proxy) can still take the setting away, so
 * {@link #verify} reads it back on each session that runs SQL text and refuses the session when it is not
 * {@code on}.
 *
 * <p>{@code sslmode} follows libpq, which is not what vertx-pg-client does on its own: the client upgrades
 * {@code prefer} and {@code require} connections with default {@link ClientSSLOptions}, i.e. it verifies the
 * server certificate against the JDK trust store. Against a server with a self-signed certificate (Debian's
 * default {@code ssl = on} with the snakeoil certificate) {@code require} then fails and {@code prefer}
 * silently falls back to a plain-text second connection. libpq encrypts without verifying in both modes, so
 * here {@code prefer}/{@code require} trust any certificate (encryption against passive eavesdropping,
 * no protection against an active man in the middle — exactly libpq's promise), while {@code verify-ca}
 * checks the chain against the JDK's default trust store (the client refuses verify modes without trust
 * options) and {@code verify-full} checks the host name too. Pure: no I/O, any thread.
 */
public final class PgConnections {
  private PgConnections() {}

  /**
   * The columns the session check reads ({@code scs}, {@code db}); a statement the caller runs anyway may
   * select them too and hand its row to {@link #requireConforming}.
   */
  public static final String SESSION_CHECK_COLUMNS =
      "current_setting('standard_conforming_strings') AS scs, current_database() AS db";
  /** The check {@link #verify} runs: what the server says this session's settings are. */
  private static final String SHOW_SETTINGS = "SELECT " + SESSION_CHECK_COLUMNS;

  /**
   * Connect options for {@code db}, naming the session {@code applicationName}
   * ({@code tidemark/<purpose>}) and setting the session parameters described above.
   */
  public static PgConnectOptions options(DatabaseConfig db, String applicationName) {
    SslMode mode = sslMode(db.sslMode());
    PgConnectOptions o = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setSslMode(mode)
        .setSslOptions(sslOptions(mode))
        .setReconnectAttempts(0)
        .setPipeliningLimit(1);
    if (!db.password().isEmpty()) {
      o.setPassword(db.password().reveal());
    }
    o.getProperties().put("application_name", applicationName);
    o.getProperties().put("standard_conforming_strings", "on");
    o.getProperties().put("idle_in_transaction_session_timeout",
        Long.toString(Math.max(1, db.idleInTransactionTimeout().toMillis())));
    return o;
  }

  /**
   * Reads the session's {@code standard_conforming_strings} back from the server and fails with
   * {@link SessionRefusedException} (naming {@code server} and the database) unless it is {@code on}. On a
   * pool this checks the connection the pool hands out for the query. One round trip, as a prepared
   * statement; runs on the caller's context.
   */
  public static Future<Void> verify(SqlClient session, String server) {
    return session.preparedQuery(SHOW_SETTINGS).execute().compose(rows -> conforming(rows, server));
  }

  /** {@link #verify(SqlClient, String)} for a session opened to {@code db}. */
  public static Future<Void> verify(SqlClient session, DatabaseConfig db) {
    return verify(session, db.server());
  }

  private static Future<Void> conforming(RowSet<Row> rows, String server) {
    return requireConforming(rows.iterator().next(), server);
  }

  /**
   * The check of {@link #verify} on a row the caller read itself with {@link #SESSION_CHECK_COLUMNS}, so a
   * statement the caller runs anyway can carry it instead of a round trip of its own.
   */
  public static Future<Void> requireConforming(Row row, String server) {
    String value = row.getString("scs");
    if ("on".equals(value)) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(new SessionRefusedException("refusing to run on server " + server
        + ", database " + row.getString("db") + ": the session has standard_conforming_strings = "
        + value + " although Tidemark asked for on; something between Tidemark and the server (a pooler, a proxy) "
        + "overrides it, and Tidemark's SQL text is only read as written with on"));
  }

  static SslMode sslMode(String mode) {
    if (mode == null || mode.isEmpty()) {
      return SslMode.PREFER;
    }
    return SslMode.of(mode.toLowerCase(Locale.ROOT));
  }

  private static ClientSSLOptions sslOptions(SslMode mode) {
    ClientSSLOptions ssl = new ClientSSLOptions();
    switch (mode) {
      case VERIFY_FULL -> ssl.setTrustOptions(jdkTrustStore()).setHostnameVerificationAlgorithm("HTTPS");
      case VERIFY_CA -> ssl.setTrustOptions(jdkTrustStore()).setHostnameVerificationAlgorithm("");
      default -> ssl.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    return ssl;
  }

  /** The JDK's default trust store ({@code javax.net.ssl.trustStore} or the cacerts file). */
  private static TrustOptions jdkTrustStore() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      return TrustOptions.wrap(tmf);
    } catch (NoSuchAlgorithmException | KeyStoreException e) {
      throw new IllegalStateException("no default TLS trust store in this JVM", e);
    }
  }
}
