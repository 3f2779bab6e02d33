package io.tidemark.daemon.cli;

import picocli.CommandLine.Command;

/** {@code tidemark pause ID [--database D]}: Pause a plan (or one database) at its next batch or step boundary. */
@Command(name = "pause", mixinStandardHelpOptions = true,
    description = "Pause a plan (or one database) at its next batch or step boundary.",
    footerHeading = "%nExamples:%n", footer = {
        "  tidemark pause 2026-11-users-email-address",
        "  tidemark pause 2026-11-users-email-address --database apidb",
        "%nExit codes: 0 done, 2 unknown plan or not allowed in its state (the state is named), 1 daemon unreachable."})
public final class PauseCommand extends DatabaseActionCommand {
}
