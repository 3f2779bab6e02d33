package io.tidemark.daemon.cli;

import picocli.CommandLine.Command;

/** {@code tidemark rollback ID}: undoes the plan's expand steps in reverse order on every database. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Roll a plan back before contract: undo its expand steps in reverse order on every database.",
    footerHeading = "%nExamples:%n", footer = {
        "  tidemark rollback 2026-11-users-email-address",
        "%nExit codes: 0 done, 2 unknown plan or not allowed in its state (the state is named), 1 daemon unreachable."})
public final class RollbackCommand extends PlanActionCommand {
}
