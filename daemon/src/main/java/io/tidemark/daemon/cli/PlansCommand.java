package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tidemark plans}: every plan the daemon knows, oldest first, read page after page. */
@Command(name = "plans", mixinStandardHelpOptions = true, description = "List plans with their state and phase.",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark plans", "  tidemark plans --output json | jq '.plans[] | select(.state == \"failed\")'"})
public final class PlansCommand extends RemoteCommand {
  private static final int PAGE = 500;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  int run(ApiClient api, PrintWriter out) {
    List<JsonNode> plans = new ArrayList<>();
    JsonNode page = api.get("/plans?limit=" + PAGE);
    while (true) {
      page.path("plans").forEach(plans::add);
      JsonNode next = page.path("next");
      if (next.isNull() || next.isMissingNode()) {
        break;
      }
      page = api.get("/plans?limit=" + PAGE + "&after=" + ApiClient.encode(next.asText()));
    }
    if (output == OutputFormat.json) {
      ObjectNode answer = ApiClient.json().createObjectNode();
      plans.forEach(answer.putArray("plans")::add);
      out.println(answer.toPrettyString());
      return ExitCodes.OK;
    }
    Table table = new Table("ID", "STATE", "PHASE", "DATABASES", "SUBMITTED-BY", "UPDATED");
    for (JsonNode p : plans) {
      table.row(p.path("id").asText(), p.path("state").asText(), p.path("phase").asText(),
          p.path("databases").asText(), p.path("submitted-by").asText(), p.path("updated-at").asText());
    }
    out.print(table.render());
    return ExitCodes.OK;
  }
}
