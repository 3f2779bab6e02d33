package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tidemark plans}: every plan the daemon knows, oldest first. */
@Command(name = "plans", mixinStandardHelpOptions = true, description = "List plans with their state and phase.",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark plans", "  tidemark plans --output json | jq '.plans[] | select(.state == \"failed\")'"})
public final class PlansCommand extends RemoteCommand {
  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  int run(ApiClient api, PrintWriter out) {
    JsonNode answer = api.get("/plans");
    if (output == OutputFormat.json) {
      out.println(answer.toPrettyString());
      return ExitCodes.OK;
    }
    Table table = new Table("ID", "STATE", "PHASE", "DATABASES", "SUBMITTED-BY", "UPDATED");
    for (JsonNode p : answer.path("plans")) {
      table.row(p.path("id").asText(), p.path("state").asText(), p.path("phase").asText(),
          p.path("databases").asText(), p.path("submitted-by").asText(), p.path("updated-at").asText());
    }
    out.print(table.render());
    return ExitCodes.OK;
  }
}
