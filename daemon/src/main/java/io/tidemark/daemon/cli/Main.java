package io.tidemark.daemon.cli;

import picocli.CommandLine;

/** Entry point of {@code tidemark.jar}: the CLI, whose {@code run} subcommand is the daemon. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (0 ok, 2 bad input, 1 failure of the daemon or a database). */
  public static int run(String... args) {
    return TidemarkCommand.commandLine().execute(args);
  }
}
