package io.tidemark.daemon.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command run against the daemon's API: output on the command line's out stream, the error (one line, then
 * one line per detail) on its err stream, and the exit code of README.md (0, 2 bad input, 1 failure).
 */
abstract class RemoteCommand implements Callable<Integer> {
  @Mixin
  RemoteOptions remote;

  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() {
    try {
      return run(remote.client(), spec.commandLine().getOut());
    } catch (RemoteException e) {
      spec.commandLine().getErr().println("tidemark " + spec.name() + ": " + e.getMessage());
      spec.commandLine().getErr().flush();
      return e.exitCode();
    } finally {
      spec.commandLine().getOut().flush();
    }
  }

  abstract int run(ApiClient api, PrintWriter out);
}
