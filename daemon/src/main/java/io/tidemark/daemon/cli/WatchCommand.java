package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tidemark watch ID}: polls the plan and shows one progress line per database (phase, state, bar,
 * rows, rate, ETA, throttle reason). On a terminal ({@code System.console() != null}) the block is redrawn
 * in place; otherwise (a pipe, a CI log) it is printed again, as plain lines, whenever a line changed. Ends
 * when the plan completes, waits for approval, is cancelled or rolled back
 * (exit 0) or fails (exit 1).
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Follow a plan live: a progress bar per database until it completes, fails or awaits approval.",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark watch 2026-11-users-email-address",
        "  tidemark watch 2026-11-users-email-address --interval 5s > watch.log   # plain lines when not a terminal",
        "%nExit codes: 0 completed, awaiting approval, cancelled or rolled back; 1 failed or daemon unreachable;",
        "2 unknown plan."})
public final class WatchCommand extends RemoteCommand {
  private static final Set<String> DONE = Set.of("completed", "awaiting-approval", "cancelled", "rolled-back");
  private static final int BAR = 24;

  @Parameters(paramLabel = "ID", description = "The plan id.")
  String id;

  @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION",
      description = "How often to poll, e.g. 500ms, 2s (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration interval;

  @Override
  int run(ApiClient api, PrintWriter out) {
    boolean terminal = System.console() != null;
    List<String> shown = List.of();
    while (true) {
      JsonNode plan = api.get("/plans/" + ApiClient.encode(id) + "?limit=" + PlanSummaryText.SMALL_PLAN);
      boolean small = plan.path("summary").path("databases").asLong() <= PlanSummaryText.SMALL_PLAN;
      List<String> lines = small ? render(plan) : renderLarge(plan, api.get("/plans/" + ApiClient.encode(id)
          + "?state=running&limit=" + PlanSummaryText.SMALL_PLAN));
      if (terminal) {
        redraw(out, shown.size(), lines);
      } else if (!lines.equals(shown)) {
        lines.forEach(out::println);
      }
      out.flush();
      shown = lines;
      String state = plan.path("state").asText();
      if (DONE.contains(state)) {
        return ExitCodes.OK;
      }
      if (state.equals("failed")) {
        return ExitCodes.FAILURE;
      }
      sleep();
    }
  }

  static List<String> render(JsonNode plan) {
    List<String> lines = new ArrayList<>();
    lines.add("plan " + plan.path("id").asText() + ": " + plan.path("state").asText()
        + " (phase " + plan.path("phase").asText() + ")");
    lines.addAll(table(plan.path("databases")));
    return lines;
  }

  /**
   * A plan with more databases than fit a screen: the summary's counts and ETA, then the first running
   * databases (read as one page, {@code ?state=running}) with their progress.
   */
  static List<String> renderLarge(JsonNode plan, JsonNode running) {
    List<String> lines = new ArrayList<>();
    lines.add("plan " + plan.path("id").asText() + ": " + plan.path("state").asText()
        + " (phase " + plan.path("phase").asText() + ")");
    lines.addAll(PlanSummaryText.counts(plan.path("summary")));
    lines.addAll(table(running.path("databases")));
    long shown = running.path("databases").size();
    long total = plan.path("summary").path("by-state").path("running").asLong();
    if (total > shown) {
      lines.add("... " + (total - shown) + " more running");
    }
    return lines;
  }

  private static List<String> table(JsonNode databases) {
    List<String> lines = new ArrayList<>();
    Table table = new Table("DATABASE", "PHASE", "STATE", "PROGRESS", "ROWS", "RATE", "ETA", "THROTTLE");
    for (JsonNode d : databases) {
      JsonNode b = d.path("backfills").path(0);
      if (b.isMissingNode() || !d.path("waiting").isNull() && !d.path("waiting").isMissingNode()) {
        table.row(d.path("database").asText(), d.path("phase").asText(), PlanSummaryText.state(d),
            d.path("current-step").isNull() ? "" : d.path("current-step").asText(), "", "", "", "");
      } else {
        table.row(d.path("database").asText(), d.path("phase").asText(), PlanSummaryText.state(d),
            bar(b.path("ratio").asDouble()),
            b.path("rows-done").asLong() + "/" + b.path("rows-estimated").asLong(),
            Math.round(b.path("rows-per-second").asDouble()) + "/s", PlanSummaryText.duration(b.path("eta-seconds")),
            b.path("throttle-reason").isNull() ? "" : b.path("throttle-reason").asText());
      }
    }
    lines.addAll(List.of(table.render().split("\n")));
    return lines;
  }

  /** {@code [##########--------------]  42%}. */
  static String bar(double ratio) {
    double r = Math.max(0, Math.min(1, ratio));
    int filled = (int) Math.round(r * BAR);
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + String.format("%3d%%", Math.round(r * 100));
  }

  /** Moves the cursor back over the previous block, then rewrites every line, clearing leftovers. */
  private static void redraw(PrintWriter out, int previous, List<String> lines) {
    if (previous > 0) {
      out.print("\u001b[" + previous + "F");
    }
    for (String l : lines) {
      out.print("\u001b[2K" + l + "\n");
    }
    for (int i = lines.size(); i < previous; i++) {
      out.print("\u001b[2K\n");
    }
  }

  private void sleep() {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(ExitCodes.FAILURE, "interrupted");
    }
  }
}
