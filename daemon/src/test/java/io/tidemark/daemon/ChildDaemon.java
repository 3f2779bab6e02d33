package io.tidemark.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A daemon in its own JVM ({@link DaemonMain} on this test's class path) so tests can kill it for real:
 * {@link #kill()} is SIGKILL, {@link #terminate()} SIGTERM. Its output goes to a file next to its config.
 */
public final class ChildDaemon implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final String instance;

  private ChildDaemon(Process process, Path log, String instance) {
    this.process = process;
    this.log = log;
    this.instance = instance;
  }

  /** Starts {@code instance} against the fleet and waits for it to poll for work. */
  public static ChildDaemon start(Fleet fleet, String instance) {
    return start(hocon(fleet, instance), instance);
  }

  /** Starts {@code instance} with the configuration file {@code hocon} and waits for it to poll for work. */
  public static ChildDaemon start(String hocon, String instance) {
    try {
      Path dir = Files.createTempDirectory("tidemark-" + instance);
      Path conf = dir.resolve("tidemark.conf");
      Files.writeString(conf, hocon);
      Path log = dir.resolve("daemon.log");
      Process p = new ProcessBuilder(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"),
          DaemonMain.class.getName(), "--config", conf.toString()))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      ChildDaemon child = new ChildDaemon(p, log, instance);
      Fleet.await(instance + " ready", Duration.ofSeconds(60), child::ready);
      return child;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hocon(Fleet fleet, String instance) {
    StringBuilder dbs = new StringBuilder();
    dbs.append("    state { url = \"").append(fleet.state.url()).append("?sslmode=disable\" }\n");
    fleet.targets.forEach((n, d) -> dbs.append("    ").append(n).append(" { url = \"").append(d.url())
        .append("?sslmode=disable\", server = local }\n"));
    return """
        tidemark {
          state-database = state
          http.port = 0
          databases {
        %s  }
          servers { local { max-concurrent-backfills = 3 } }
          defaults.ddl { backoff = [50ms, 500ms], lock-timeout = 200ms, max-attempts = 100000 }
          daemon { instance-id = "%s", lease-duration = 2s, heartbeat-interval = 300ms, poll-interval = 200ms,
                   shutdown-timeout = 5s }
        }
        """.formatted(dbs, instance);
  }

  private boolean ready() {
    if (!process.isAlive()) {
      throw new IllegalStateException(instance + " exited with " + process.exitValue() + ":\n" + output());
    }
    return output().contains("tidemark daemon " + instance + " ready");
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  public String instance() {
    return instance;
  }

  /** SIGKILL, and wait until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM; returns the exit code. */
  public int terminate() {
    process.destroy();
    return waitFor();
  }

  private int waitFor() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(instance + " did not exit");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
