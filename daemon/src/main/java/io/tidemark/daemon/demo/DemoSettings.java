package io.tidemark.daemon.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One demo run.
 *
 * @param serverUrl    a PostgreSQL server the demo may create databases on, as a {@code postgresql://} URL of
 *                     a role with {@code CREATEDB} (the password may be in the URL or in {@code PGPASSWORD})
 * @param prefix       the demo databases are {@code <prefix>authdb}, {@code <prefix>apidb} and
 *                     {@code <prefix>admindb}; anything with these names is dropped first, so the prefix keeps
 *                     real databases out of reach
 * @param rows         rows in all three databases together (users and orders)
 * @param appSessions  application sessions running the light load, spread over the three databases
 * @param plan         the example plan to submit
 * @param schema       the starting schema ({@code examples/schema.sql})
 * @param httpPort     where the daemon listens; 0 picks a free port
 * @param autoApprove  approve the contract phase when the plan waits for it, instead of telling the user how
 * @param exitWhenDone end the run when the plan completes or fails, instead of waiting for Ctrl-C
 * @param maxDuration  give up after this long (tests)
 */
public record DemoSettings(String serverUrl, String prefix, long rows, int appSessions, Path plan, Path schema,
    int httpPort, boolean autoApprove, boolean exitWhenDone, Optional<Duration> maxDuration) {

  public static final String DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
  public static final String DEFAULT_PREFIX = "tidemark_demo_";

  public DemoSettings {
    if (!prefix.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("prefix must be lower-case letters, digits and _: " + prefix);
    }
    if (rows < 300) {
      throw new IllegalArgumentException("rows must be at least 300");
    }
    if (appSessions < 0) {
      throw new IllegalArgumentException("app sessions must be >= 0");
    }
  }
}
