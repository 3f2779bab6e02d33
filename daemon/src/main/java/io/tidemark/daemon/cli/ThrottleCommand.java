package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tidemark throttle ID --max-rows-per-second N}: changes a running plan's throttle. */
@Command(name = "throttle", mixinStandardHelpOptions = true,
    description = "Change a plan's backfill throttle at runtime: a rows-per-second cap for all its backfills,"
        + " and/or hold them entirely (operator throttle).",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark throttle 2026-11-users-email-address --max-rows-per-second 500",
        "  tidemark throttle 2026-11-users-email-address --max-rows-per-second 0     # no cap",
        "  tidemark throttle 2026-11-users-email-address --hold                      # hold every batch",
        "  tidemark throttle 2026-11-users-email-address --release",
        "%nExit codes: 0 done, 2 bad value, unknown plan or plan already ended, 1 daemon unreachable."})
public final class ThrottleCommand extends RemoteCommand {
  @Parameters(paramLabel = "ID", description = "The plan id.")
  String id;

  @ArgGroup(exclusive = false, multiplicity = "1")
  Change change;

  static final class Change {
    @Option(names = "--max-rows-per-second", paramLabel = "N", description = "Rows per second cap (0 = no cap).")
    Long maxRowsPerSecond;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Hold hold;
  }

  static final class Hold {
    @Option(names = "--hold", description = "Hold every batch of the plan until --release (operator throttle).")
    boolean hold;

    @Option(names = "--release", description = "Lift the operator throttle.")
    boolean release;
  }

  @Override
  int run(ApiClient api, PrintWriter out) {
    if (change.maxRowsPerSecond == null && change.hold == null) {
      throw new RemoteException(ExitCodes.BAD_INPUT, "give --max-rows-per-second N, --hold or --release");
    }
    ObjectNode body = ApiClient.json().createObjectNode();
    if (change.maxRowsPerSecond != null) {
      if (change.maxRowsPerSecond < 0) {
        throw new RemoteException(ExitCodes.BAD_INPUT, "--max-rows-per-second must be >= 0");
      }
      body.put("max-rows-per-second", change.maxRowsPerSecond);
    }
    if (change.hold != null) {
      body.put("operator-throttle", change.hold.hold);
    }
    JsonNode answer = api.put("/plans/" + ApiClient.encode(id) + "/throttle", body);
    out.println("plan " + id + ": throttle changed, plan is " + answer.path("state").asText());
    return ExitCodes.OK;
  }
}
