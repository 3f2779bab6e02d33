package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tidemark status ID}: one plan. A plan of at most {@value PlanSummaryText#SMALL_PLAN} databases is
 * shown database by database; a larger one as a summary (counts by state and phase, ETA, failed databases
 * with their errors, the slowest ones), reading one page, not every database. {@code --state} and
 * {@code --database} show the matching databases in detail, following the pages; {@code --output json}
 * gives everything the API has (every database, or every matching one).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show a plan: its state, a summary of its databases (or each database of a small plan),"
        + " failed and slowest databases, and an ETA.",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark status 2026-11-users-email-address",
        "  tidemark status 2026-11-users-email-address --state failed",
        "  tidemark status 2026-11-users-email-address --database tenant_04",
        "  tidemark status 2026-11-users-email-address -o json"})
public final class StatusCommand extends RemoteCommand {
  private static final int PAGE = 500;

  @Parameters(paramLabel = "ID", description = "The plan id.")
  String id;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only databases in this state: pending, running, paused, done or failed.")
  String state;

  @Option(names = "--database", paramLabel = "TEXT", description = "Only databases whose name contains TEXT.")
  String database;

  @Override
  int run(ApiClient api, PrintWriter out) {
    boolean filtered = state != null || database != null;
    if (output == OutputFormat.json) {
      out.println((filtered ? everyPage(api) : api.get(path(""))).toPrettyString());
      return ExitCodes.OK;
    }
    JsonNode plan = filtered ? everyPage(api) : api.get(path("?limit=" + PlanSummaryText.SMALL_PLAN));
    header(plan, out);
    out.println();
    JsonNode summary = plan.path("summary");
    boolean small = summary.path("databases").asLong() <= PlanSummaryText.SMALL_PLAN;
    if (!filtered) {
      PlanSummaryText.counts(summary).forEach(out::println);
    }
    if (filtered || small) {
      if (!filtered) {
        out.println();
      }
      out.print(table(plan.path("databases")).render());
    } else {
      PlanSummaryText.names(summary, id).forEach(out::println);
    }
    return ExitCodes.OK;
  }

  private void header(JsonNode plan, PrintWriter out) {
    out.println("plan:    " + plan.path("id").asText() + "  " + plan.path("description").asText(""));
    out.println("state:   " + plan.path("state").asText() + " (phase " + plan.path("phase").asText() + ")");
    JsonNode throttle = plan.path("throttle");
    if (!throttle.path("max-rows-per-second").isNull() || throttle.path("operator-throttle").asBoolean()) {
      out.println("throttle: max-rows-per-second " + PlanSummaryText.text(throttle.path("max-rows-per-second"))
          + (throttle.path("operator-throttle").asBoolean() ? ", held by operator" : ""));
    }
    if (plan.hasNonNull("awaiting")) {
      out.println("awaiting approval: " + plan.path("awaiting").asText());
    }
    if (!plan.path("last-error").isNull()) {
      out.println("error:   " + plan.path("last-error").asText());
    }
  }

  private static Table table(JsonNode databases) {
    Table table = new Table("DATABASE", "PHASE", "STATE", "STEP", "PROGRESS", "ERROR");
    for (JsonNode d : databases) {
      table.row(d.path("database").asText(), d.path("phase").asText(), PlanSummaryText.state(d),
          PlanSummaryText.text(d.path("current-step")), progress(d.path("backfills")),
          PlanSummaryText.text(d.path("last-error")));
    }
    return table;
  }

  /** The plan with every database matching the filters, page after page, in one answer. */
  private JsonNode everyPage(ApiClient api) {
    StringBuilder query = new StringBuilder("?limit=" + PAGE);
    if (state != null) {
      query.append("&state=").append(ApiClient.encode(state));
    }
    if (database != null) {
      query.append("&database=").append(ApiClient.encode(database));
    }
    ObjectNode first = (ObjectNode) api.get(path(query.toString()));
    List<JsonNode> databases = new ArrayList<>();
    List<JsonNode> steps = new ArrayList<>();
    JsonNode page = first;
    while (true) {
      page.path("databases").forEach(databases::add);
      page.path("steps").forEach(steps::add);
      JsonNode next = page.path("next");
      if (next.isNull() || next.isMissingNode()) {
        break;
      }
      page = api.get(path(query + "&after=" + ApiClient.encode(next.asText())));
    }
    ArrayNode all = first.putArray("databases");
    databases.forEach(all::add);
    ArrayNode allSteps = first.putArray("steps");
    steps.forEach(allSteps::add);
    first.putNull("next");
    return first;
  }

  private String path(String query) {
    return "/plans/" + ApiClient.encode(id) + query;
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
}
