package io.tidemark.daemon.cli;

import picocli.CommandLine.Command;

/** {@code tidemark resume ID [--database D]}: Resume a paused plan (or one paused database). */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Resume a paused plan (or one paused database).",
    footerHeading = "%nExamples:%n", footer = {
        "  tidemark resume 2026-11-users-email-address",
        "  tidemark resume 2026-11-users-email-address --database apidb",
        "%nExit codes: 0 done, 2 unknown plan or not allowed in its state (the state is named), 1 daemon unreachable."})
public final class ResumeCommand extends DatabaseActionCommand {
}
