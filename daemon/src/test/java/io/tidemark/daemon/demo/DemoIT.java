package io.tidemark.daemon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testkit.PgServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The demo end to end with a small row count: databases created and filled, the daemon started, the example
 * plan run under application load to completion (contract approved automatically), then everything dropped.
 */
class DemoIT {
  private static final String PREFIX = "tidemark_demoit_";

  @Test
  void completesTheExamplePlanUnderLoadThenDropsEveryDatabaseItCreated() throws Exception {
    PgServer server = PgServer.get();
    DemoSettings settings = new DemoSettings(serverUrl(server), PREFIX, 3_000, 2,
        DemoCommand.example("plans/02-users-status-not-null.conf"), DemoCommand.example("schema.sql"), 0, true, true,
        Optional.of(Duration.ofSeconds(120)));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Demo.Outcome outcome;
    List<String> notNullStatus = new ArrayList<>();
    try (Demo demo = new Demo(settings, new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      outcome = demo.run();
      for (String name : List.of("authdb", "apidb", "admindb")) {
        notNullStatus.add(name + ": " + columns(server, demo.databaseName(name)));
      }
    }

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(outcome).as(output).isEqualTo(Demo.Outcome.COMPLETED);
    assertThat(notNullStatus).containsExactly("authdb: status NOT NULL, no is_active",
        "apidb: status NOT NULL, no is_active", "admindb: status NOT NULL, no is_active");
    assertThat(output).contains("status page:", "application:").doesNotContain("demo: could not");
    assertThat(output).as("the application load never failed while the plan ran").contains("meanwhile: 0 errors");
    assertThat(demoDatabases(server)).isEmpty();
  }

  private static String serverUrl(PgServer server) {
    String password = server.password() == null ? "" : ":" + URLEncoder.encode(server.password(), StandardCharsets.UTF_8);
    return "postgresql://" + server.user() + password + "@" + server.host() + ":" + server.port() + "/"
        + server.adminDatabase() + "?sslmode=disable";
  }

  /** Whether users.status is NOT NULL and users.is_active gone, as contract leaves them. */
  private static String columns(PgServer server, String database) throws Exception {
    try (Connection c = server.connect(database); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT (SELECT is_nullable FROM information_schema.columns WHERE table_name ="
            + " 'users' AND column_name = 'status'), (SELECT count(*) FROM information_schema.columns WHERE"
            + " table_name = 'users' AND column_name = 'is_active')")) {
      r.next();
      return ("NO".equals(r.getString(1)) ? "status NOT NULL" : "status nullable: " + r.getString(1))
          + (r.getLong(2) == 0 ? ", no is_active" : ", is_active still there");
    }
  }

  private static List<String> demoDatabases(PgServer server) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = server.connect(server.adminDatabase()); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }
}
