package io.tidemark.daemon.cli;

import picocli.CommandLine.Command;

/** {@code tidemark approve ID}: Approve the contract phase of a plan awaiting approval (after the application deploy). */
@Command(name = "approve", mixinStandardHelpOptions = true,
    description = "Approve the contract phase of a plan awaiting approval (after the application deploy).",
    footerHeading = "%nExamples:%n", footer = {
        "  tidemark approve 2026-11-users-email-address",
        "%nExit codes: 0 done, 2 unknown plan or not allowed in its state (the state is named), 1 daemon unreachable."})
public final class ApproveCommand extends PlanActionCommand {
}
