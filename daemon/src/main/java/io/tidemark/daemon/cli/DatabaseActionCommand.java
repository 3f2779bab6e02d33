package io.tidemark.daemon.cli;

import picocli.CommandLine.Option;

/** A plan action that can be limited to one database of the plan ({@code --database D}). */
abstract class DatabaseActionCommand extends PlanActionCommand {
  @Option(names = "--database", paramLabel = "D", description = "Only this database of the plan.")
  String database;

  @Override
  final String database() {
    return database;
  }
}
