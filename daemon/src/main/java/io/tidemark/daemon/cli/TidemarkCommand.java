package io.tidemark.daemon.cli;

import io.tidemark.daemon.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code tidemark} command. */
@Command(
    name = "tidemark",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Online expand -> migrate -> contract schema and data changes across many PostgreSQL databases.",
    subcommands = {RunCommand.class, PlanCommand.class, ImportCommand.class, CommandLine.HelpCommand.class},
    footer = {
        "",
        "Examples:",
        "  tidemark run --config examples/tidemark.conf",
        "  tidemark demo",
        "  tidemark plan check examples/plans/02-users-status-not-null.conf --config examples/tidemark.conf",
        "  tidemark plan show examples/plans/01-users-email-address.conf --config examples/tidemark.conf",
        "",
        "Exit codes: 0 success, 2 bad input (nothing changed), 1 failure of the daemon or a database."})
public final class TidemarkCommand {

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TidemarkCommand());
    RemoteCommands.ALL.forEach(cl::addSubcommand);
    cl.addSubcommand(DemoCommand.class);
    // picocli's own usage errors (unknown option, missing file argument) are bad input too.
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println(ex.getMessage());
      ex.getCommandLine().usage(ex.getCommandLine().getErr());
      return ExitCodes.BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("tidemark: " + ex.getMessage());
      return ExitCodes.FAILURE;
    });
    return cl;
  }
}
