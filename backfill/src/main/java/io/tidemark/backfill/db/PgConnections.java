package io.tidemark.backfill.db;

import io.tidemark.config.DatabaseConfig;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
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
    return o;
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
