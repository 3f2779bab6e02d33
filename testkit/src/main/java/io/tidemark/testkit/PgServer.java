package io.tidemark.testkit;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The PostgreSQL server the integration tests run against, found once per JVM:
 * <ol>
 *   <li>{@code TIDEMARK_TEST_PG_URL} (e.g. {@code postgresql://postgres@127.0.0.1:5432/postgres}), when set;
 *   <li>{@code 127.0.0.1:5432} as user {@code postgres} (trust auth, as on the CI machine);
 *   <li>a Testcontainers PostgreSQL 15 when a Docker engine answers;
 *   <li>otherwise a failure that says how to provide one.
 * </ol>
 * The URL's database is only used to connect for {@code CREATE DATABASE}; every test class gets its own
 * database ({@link TestDatabase}).
 */
public final class PgServer {
  public static final String ENV_URL = "TIDEMARK_TEST_PG_URL";
  private static final String DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
  private static volatile PgServer instance;

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String adminDatabase;

  private PgServer(String host, int port, String user, String password, String adminDatabase) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.adminDatabase = adminDatabase;
  }

  /** The server for this JVM; fails with instructions when none can be reached. */
  public static PgServer get() {
    PgServer s = instance;
    if (s == null) {
      synchronized (PgServer.class) {
        if (instance == null) {
          instance = locate();
        }
        s = instance;
      }
    }
    return s;
  }

  private static PgServer locate() {
    String configured = System.getenv(ENV_URL);
    if (configured != null && !configured.isBlank()) {
      PgServer s = fromUrl(configured.trim());
      String problem = s.probe();
      if (problem != null) {
        throw new IllegalStateException(ENV_URL + "=" + redact(configured) + " is not reachable: " + problem);
      }
      return s;
    }
    PgServer local = fromUrl(DEFAULT_URL);
    String localProblem = local.probe();
    if (localProblem == null) {
      return local;
    }
    PgServer container = ContainerServer.tryStart();
    if (container != null) {
      return container;
    }
    throw new IllegalStateException("""
        No PostgreSQL for the integration tests.
          Tried 127.0.0.1:5432 as postgres: %s
          No Docker engine answered for Testcontainers either.
        Provide one of:
          - a local PostgreSQL >= 12 on 127.0.0.1:5432 with trust auth for user postgres, or
          - TIDEMARK_TEST_PG_URL=postgresql://USER:PASSWORD@HOST:PORT/postgres (a superuser or CREATEDB role), or
          - a running Docker engine (Testcontainers starts postgres:15).
        """.formatted(localProblem));
  }

  static PgServer fromUrl(String url) {
    URI uri = URI.create(url.replaceFirst("^jdbc:", "").replaceFirst("^postgres://", "postgresql://"));
    String userInfo = uri.getUserInfo();
    String user = "postgres";
    String password = null;
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      password = colon < 0 ? null : userInfo.substring(colon + 1);
    }
    String path = uri.getPath();
    String db = path == null || path.length() <= 1 ? "postgres" : path.substring(1);
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    return new PgServer(uri.getHost(), port, user, password, db);
  }

  static PgServer of(String host, int port, String user, String password, String adminDatabase) {
    return new PgServer(host, port, user, password, adminDatabase);
  }

  private static String redact(String url) {
    return url.replaceAll("://([^:@/]+):[^@/]*@", "://$1:****@");
  }

  private String probe() {
    try (Connection c = connect(adminDatabase)) {
      c.createStatement().execute("SELECT 1");
      return null;
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  /** The password, or null with trust auth. */
  public String password() {
    return password;
  }

  public String adminDatabase() {
    return adminDatabase;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** A {@code postgresql://} URL as Tidemark's config takes it (without the password). */
  public String url(String database) {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  /** A new JDBC connection (autocommit on) to {@code database}; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "tidemark-test");
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  /** Server major version, e.g. 15. */
  public int majorVersion() {
    try (Connection c = connect(adminDatabase)) {
      return c.getMetaData().getDatabaseMajorVersion();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
