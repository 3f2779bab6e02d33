package io.tidemark.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A freshly created database on {@link PgServer}, dropped on {@link #close()} (after terminating any
 * session still connected, so a test that leaks a connection cannot leave a database behind).
 * Names look like {@code tm_backfillit_3f9a1c}: the prefix says which test made it.
 */
public final class TestDatabase implements AutoCloseable {
  private final PgServer server;
  private final String name;

  private TestDatabase(PgServer server, String name) {
    this.server = server;
    this.name = name;
  }

  /** Creates a new empty database whose name starts with {@code tm_<prefix>_}. */
  public static TestDatabase create(String prefix) {
    TestDatabase db = named(PgServer.get(), prefix);
    PgServer server = db.server;
    String name = db.name;
    try (Connection c = server.connect(server.adminDatabase()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
    }
    return db;
  }

  private static TestDatabase named(PgServer server, String prefix) {
    String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (clean.length() > 30) {
      clean = clean.substring(0, 30);
    }
    return new TestDatabase(server,
        "tm_" + clean + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL));
  }

  /**
   * A new database copied from this one ({@code CREATE DATABASE ... TEMPLATE}): fast for many small
   * databases of one shape. Nobody may be connected to this one while it is copied.
   */
  public TestDatabase copy(String prefix) {
    TestDatabase copy = named(server, prefix);
    try (Connection c = server.connect(server.adminDatabase()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + copy.name + "\" TEMPLATE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot copy " + name + " to " + copy.name + ": " + e.getMessage(), e);
    }
    return copy;
  }

  public PgServer server() {
    return server;
  }

  public String name() {
    return name;
  }

  public String jdbcUrl() {
    return server.jdbcUrl(name);
  }

  /** {@code postgresql://user@host:port/name}, as Tidemark's config takes it. */
  public String url() {
    return server.url(name);
  }

  /** A new autocommit JDBC connection to this database; the caller closes it. */
  public Connection connect() throws SQLException {
    return server.connect(name);
  }

  /** Runs statements in one autocommit session, each on its own. */
  public void execute(String... sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " [" + e.getSQLState() + "]", e);
    }
  }

  /** First column of the first row, or null. */
  public Object queryValue(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getObject(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " [" + e.getSQLState() + "]", e);
    }
  }

  public long queryLong(String sql) {
    Object v = queryValue(sql);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** All rows, each as a list of column values. */
  public List<List<Object>> queryRows(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " [" + e.getSQLState() + "]", e);
    }
  }

  @Override
  public void close() {
    try (Connection c = server.connect(server.adminDatabase()); Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
          + "' AND pid <> pg_backend_pid()");
      s.execute("DROP DATABASE IF EXISTS \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
