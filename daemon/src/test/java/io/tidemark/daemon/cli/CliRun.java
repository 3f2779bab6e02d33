package io.tidemark.daemon.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the real {@code tidemark} command line in-process with its output captured. */
public final class CliRun {
  /** Exit code and what the command printed on stdout and stderr. */
  public record Result(int code, String out, String err) {}

  private CliRun() {}

  public static Result run(String... args) {
    picocli.CommandLine cli = TidemarkCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
