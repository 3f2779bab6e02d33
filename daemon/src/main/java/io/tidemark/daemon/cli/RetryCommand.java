package io.tidemark.daemon.cli;

import picocli.CommandLine.Command;

/** {@code tidemark retry ID [--database D]}: Run the failed step again on the failed databases (or one of them). */
@Command(name = "retry", mixinStandardHelpOptions = true,
    description = "Run the failed step again on the failed databases (or one of them).",
    footerHeading = "%nExamples:%n", footer = {
        "  tidemark retry 2026-11-users-email-address",
        "  tidemark retry 2026-11-users-email-address --database admindb",
        "%nExit codes: 0 done, 2 unknown plan or not allowed in its state (the state is named), 1 daemon unreachable."})
public final class RetryCommand extends DatabaseActionCommand {
}
