package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tidemark versions}: which plan each configured database is at, read from the databases themselves. */
@Command(name = "versions", mixinStandardHelpOptions = true,
    description = "Show which plan each database is at (its tidemark.applied_plans), and how far it got.",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark versions", "  tidemark versions -o json",
        "%nExit codes: 0 every database answered, 1 a database could not be read or the daemon is unreachable."})
public final class VersionsCommand extends RemoteCommand {
  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  int run(ApiClient api, PrintWriter out) {
    JsonNode answer = api.get("/versions");
    boolean allRead = true;
    Table table = new Table("DATABASE", "PLAN", "PHASE-REACHED", "UPDATED", "PLANS-APPLIED", "ERROR");
    for (JsonNode d : answer.path("databases")) {
      JsonNode latest = d.path("plans").path(0);
      boolean unreadable = !d.path("error").isNull() && !d.path("error").isMissingNode();
      allRead &= !unreadable;
      table.row(d.path("database").asText(), latest.isMissingNode() ? "-" : latest.path("plan").asText(),
          latest.isMissingNode() ? "-" : latest.path("phase-reached").asText(),
          latest.isMissingNode() ? "-" : latest.path("updated-at").asText(), String.valueOf(d.path("plans").size()),
          unreadable ? d.path("error").asText() : "-");
    }
    out.print(output == OutputFormat.json ? answer.toPrettyString() + "\n" : table.render());
    return allRead ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
