package io.tidemark.daemon.cli;

import java.util.List;

/** The commands that talk to a running daemon's API (README.md), for {@code TidemarkCommand}'s subcommands. */
public final class RemoteCommands {
  public static final List<Class<?>> ALL = List.of(SubmitCommand.class, PlansCommand.class, StatusCommand.class,
      WatchCommand.class, PauseCommand.class, ResumeCommand.class, CancelCommand.class, ApproveCommand.class,
      RollbackCommand.class, RetryCommand.class, ThrottleCommand.class, VersionsCommand.class);

  private RemoteCommands() {}
}
