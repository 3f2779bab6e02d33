package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Parameters;

/**
 * An operator action on a plan ({@code POST /plans/{id}/<action>}), optionally on one database. Prints the
 * plan's state after it; a plan in a state that does not allow the action exits 2 naming the state.
 */
abstract class PlanActionCommand extends RemoteCommand {
  @Parameters(paramLabel = "ID", description = "The plan id.")
  String id;

  /** The action is the command's own name: {@code tidemark pause} posts {@code /pause}. */
  private String action() {
    return spec.name();
  }

  /** The database the action is limited to, or null for the whole plan. */
  String database() {
    return null;
  }

  @Override
  final int run(ApiClient api, PrintWriter out) {
    String query = database() == null ? "" : "?database=" + ApiClient.encode(database());
    JsonNode answer = api.post("/plans/" + ApiClient.encode(id) + "/" + action() + query, "", "application/json");
    out.println("plan " + id + (database() == null ? "" : " database " + database()) + ": " + action() + " done, plan is "
        + answer.path("state").asText());
    return ExitCodes.OK;
  }
}
