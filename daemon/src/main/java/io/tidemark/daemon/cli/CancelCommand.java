package io.tidemark.daemon.cli;

import picocli.CommandLine.Command;

/** {@code tidemark cancel ID}: Cancel a plan: nothing more runs; what ran stays. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = "Cancel a plan: nothing more runs; what ran stays.",
    footerHeading = "%nExamples:%n", footer = {
        "  tidemark cancel 2026-11-users-email-address",
        "%nExit codes: 0 done, 2 unknown plan or not allowed in its state (the state is named), 1 daemon unreachable."})
public final class CancelCommand extends PlanActionCommand {
}
