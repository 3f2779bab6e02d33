package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tidemark status ID}: one plan, each database's state and backfill progress, failed steps. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show a plan: its state, each database's phase, state, current step and backfill progress.",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark status 2026-11-users-email-address", "  tidemark status 2026-11-users-email-address -o json"})
public final class StatusCommand extends RemoteCommand {
  @Parameters(paramLabel = "ID", description = "The plan id.")
  String id;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  int run(ApiClient api, PrintWriter out) {
    JsonNode plan = api.get("/plans/" + ApiClient.encode(id));
    if (output == OutputFormat.json) {
      out.println(plan.toPrettyString());
      return ExitCodes.OK;
    }
    out.println("plan:    " + plan.path("id").asText() + "  " + plan.path("description").asText(""));
    out.println("state:   " + plan.path("state").asText() + " (phase " + plan.path("phase").asText() + ")");
    JsonNode throttle = plan.path("throttle");
    if (!throttle.path("max-rows-per-second").isNull() || throttle.path("operator-throttle").asBoolean()) {
      out.println("throttle: max-rows-per-second " + text(throttle.path("max-rows-per-second"))
          + (throttle.path("operator-throttle").asBoolean() ? ", held by operator" : ""));
    }
    if (plan.hasNonNull("awaiting")) {
      out.println("awaiting approval: " + plan.path("awaiting").asText());
    }
    if (!plan.path("last-error").isNull()) {
      out.println("error:   " + plan.path("last-error").asText());
    }
    out.println();
    Table table = new Table("DATABASE", "PHASE", "STATE", "STEP", "PROGRESS", "ERROR");
    for (JsonNode d : plan.path("databases")) {
      table.row(d.path("database").asText(), d.path("phase").asText(), d.path("state").asText(),
          text(d.path("current-step")), progress(d.path("backfills")), text(d.path("last-error")));
    }
    out.print(table.render());
    return ExitCodes.OK;
  }

  /** {@code users 1200/3000 (40%)} per backfill this daemon knows of. */
  static String progress(JsonNode backfills) {
    StringBuilder s = new StringBuilder();
    for (JsonNode b : backfills) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(b.path("table").asText()).append(' ').append(b.path("rows-done").asLong()).append('/')
          .append(b.path("rows-estimated").asLong()).append(" (")
          .append(Math.round(b.path("ratio").asDouble() * 100)).append("%)");
    }
    return s.length() == 0 ? "-" : s.toString();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asText();
  }
}
