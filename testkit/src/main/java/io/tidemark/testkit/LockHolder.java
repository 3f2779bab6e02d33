package io.tidemark.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A session holding locks in an open transaction, as an application's long transaction would: begin, run
 * {@code sql} (e.g. {@code SELECT * FROM users LIMIT 1}, which takes ACCESS SHARE on {@code users}), and keep
 * the transaction open until {@link #commit()} or {@link #close()} (which rolls back).
 */
public final class LockHolder implements AutoCloseable {
  private final Connection connection;

  private LockHolder(Connection connection) {
    this.connection = connection;
  }

  public static LockHolder hold(TestDatabase db, String sql) throws SQLException {
    Connection c = db.connect();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET application_name = 'tidemark-test-lock-holder'");
      s.execute(sql);
    }
    return new LockHolder(c);
  }

  /** The backend pid of the holding session. */
  public int pid() throws SQLException {
    try (Statement s = connection.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  public void commit() throws SQLException {
    connection.commit();
    connection.close();
  }

  @Override
  public void close() throws SQLException {
    if (!connection.isClosed()) {
      connection.rollback();
      connection.close();
    }
  }
}
