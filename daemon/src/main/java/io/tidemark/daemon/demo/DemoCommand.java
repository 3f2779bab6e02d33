package io.tidemark.daemon.demo;

import ch.qos.logback.classic.Level;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidemark demo}: see {@link Demo}. Registers a shutdown hook so Ctrl-C (or SIGTERM) stops the load and
 * the daemon and drops the demo databases; without {@code --exit-when-done} it keeps the daemon up after the
 * plan ends, for the status page, until then. Quiets the daemon's INFO logging, which would scroll the live
 * view away. Exit codes: 0 completed, 1 failed or could not run, 2 bad options.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Try Tidemark on a local PostgreSQL: creates demo databases, starts a daemon, runs an example"
        + " plan under application load, shows its progress; Ctrl-C stops everything and drops the databases.",
    footerHeading = "%nExamples:%n",
    footer = {"  ./tidemark demo",
        "  TIDEMARK_DEMO_PG_URL=postgresql://me@db.local:5432/postgres PGPASSWORD=... ./tidemark demo --rows 200000",
        "  ./tidemark demo --auto-approve --exit-when-done",
        "%nThe databases are tidemark_demo_authdb, tidemark_demo_apidb and tidemark_demo_admindb; existing databases"
            + " of these names are dropped first."})
public final class DemoCommand implements Callable<Integer> {
  private static final String DEFAULT_PLAN = "plans/02-users-status-not-null.conf";
  /** The shell's code for a process ended by SIGINT. */
  private static final int INTERRUPTED = 130;

  @Option(names = "--pg-url", paramLabel = "URL",
      defaultValue = "${env:TIDEMARK_DEMO_PG_URL:-" + DemoSettings.DEFAULT_SERVER_URL + "}",
      description = "PostgreSQL server, as a role that may create databases (env TIDEMARK_DEMO_PG_URL;"
          + " default: ${DEFAULT-VALUE}; the password from PGPASSWORD).")
  String serverUrl;

  @Option(names = "--rows", defaultValue = "1000000", paramLabel = "N",
      description = "Rows over the three databases together (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--sessions", defaultValue = "4", paramLabel = "N",
      description = "Application sessions running a light load (default: ${DEFAULT-VALUE}).")
  int sessions;

  @Option(names = "--plan", paramLabel = "FILE",
      description = "The plan to run (default: examples/" + DEFAULT_PLAN + ").")
  Path plan;

  @Option(names = "--port", defaultValue = "7654", paramLabel = "PORT",
      description = "HTTP port of the daemon; a free one when it is taken (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--auto-approve", description = "Approve the contract phase without asking.")
  boolean autoApprove;

  @Option(names = "--exit-when-done", description = "Stop and clean up as soon as the plan ends.")
  boolean exitWhenDone;

  @Override
  public Integer call() throws Exception {
    quietLogging();
    DemoSettings settings;
    try {
      settings = new DemoSettings(serverUrl, DemoSettings.DEFAULT_PREFIX, rows, sessions,
          plan != null ? plan : example(DEFAULT_PLAN), example("schema.sql"), port, autoApprove, exitWhenDone,
          Optional.empty());
    } catch (IllegalArgumentException e) {
      System.err.println("tidemark demo: " + e.getMessage());
      return 2;
    }
    Demo demo = new Demo(settings, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "tidemark-demo-cleanup"));
    Demo.Outcome outcome;
    try {
      outcome = demo.run();
    } catch (Exception e) {
      if (demo.closing()) {
        return INTERRUPTED; // Ctrl-C: the shutdown hook is cleaning up; the failed call was the daemon stopping
      }
      System.err.println("tidemark demo: " + e);
      demo.close();
      return 1;
    }
    if (exitWhenDone) {
      demo.close();
    } else {
      System.out.println("The daemon keeps running for the status page (" + demo.statusUrl() + ");"
          + " Ctrl-C stops it and drops the demo databases.");
      Thread.sleep(Long.MAX_VALUE);
    }
    return outcome == Demo.Outcome.COMPLETED ? 0 : 1;
  }

  private static void quietLogging() {
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(Level.WARN);
    }
  }

  /**
   * An example file, found from the working directory (the repository root, or a module under it) or from
   * where the jar is ({@code daemon/target/tidemark.jar} of a checkout).
   */
  static Path example(String relative) {
    List<Path> candidates = new ArrayList<>(List.of(Path.of("examples", relative), Path.of("..", "examples", relative)));
    try {
      Path code = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      candidates.add(code.getParent().resolve("../../examples").resolve(relative).normalize());
    } catch (URISyntaxException | RuntimeException e) {
      // no code location (unusual class loader): the working directory candidates remain
    }
    return candidates.stream().filter(Files::isRegularFile).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("cannot find examples/" + relative
            + " (run from the repository root, or give --plan)"));
  }
}
