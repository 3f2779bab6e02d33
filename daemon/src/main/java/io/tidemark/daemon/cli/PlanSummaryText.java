package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The summary block of {@code GET /plans/{id}} as lines for people, shared by {@code status} and
 * {@code watch}: counts by state and by phase, the ETA, the failed databases with their errors and the
 * databases longest at their current step. Example:
 *
 * <pre>
 * databases: 1000   pending 880   running 40 (6 waiting for the server budget)   paused 0   done 70   failed 10
 * by phase:  expand: done 70, failed 10, running 40, pending 880
 * eta:       12m30s
 * </pre>
 */
final class PlanSummaryText {
  /** Plans with at most this many databases are shown database by database, like before summaries. */
  static final int SMALL_PLAN = 20;

  private PlanSummaryText() {}

  static List<String> counts(JsonNode summary) {
    List<String> lines = new ArrayList<>();
    StringBuilder states = new StringBuilder("databases: " + summary.path("databases").asLong());
    for (Map.Entry<String, JsonNode> e : iterable(summary.path("by-state"))) {
      states.append("   ").append(e.getKey()).append(' ').append(e.getValue().asLong());
      if (e.getKey().equals("running") && summary.path("waiting").asLong() > 0) {
        states.append(" (").append(summary.path("waiting").asLong()).append(" waiting for the server budget)");
      }
    }
    lines.add(states.toString());
    List<String> phases = new ArrayList<>();
    for (Map.Entry<String, JsonNode> phase : iterable(summary.path("by-phase"))) {
      List<String> parts = new ArrayList<>();
      iterable(phase.getValue()).forEach(st -> parts.add(st.getKey() + " " + st.getValue().asLong()));
      phases.add(phase.getKey() + ": " + String.join(", ", parts));
    }
    lines.add("by phase:  " + (phases.isEmpty() ? "-" : String.join("; ", phases)));
    lines.add("eta:       " + duration(summary.path("eta-seconds")));
    return lines;
  }

  /** The failed databases with their errors, then the slowest: empty when there are none. */
  static List<String> names(JsonNode summary, String planId) {
    List<String> lines = new ArrayList<>();
    JsonNode failed = summary.path("failed");
    if (failed.size() > 0) {
      long total = summary.path("by-state").path("failed").asLong();
      lines.add("");
      lines.add("failed (" + total + "):");
      Table t = new Table("DATABASE", "PHASE", "STEP", "ERROR");
      failed.forEach(d -> t.row(d.path("database").asText(), d.path("phase").asText(), text(d.path("current-step")),
          text(d.path("last-error"))));
      lines.addAll(List.of(t.render().split("\n")));
      if (total > failed.size()) {
        lines.add("... " + (total - failed.size()) + " more: tidemark status " + planId + " --state failed");
      }
    }
    JsonNode slowest = summary.path("slowest");
    if (slowest.size() > 0) {
      lines.add("");
      lines.add("slowest (longest at their current step):");
      Table t = new Table("DATABASE", "PHASE", "STEP", "FOR", "PROGRESS");
      slowest.forEach(d -> t.row(d.path("database").asText(), d.path("phase").asText(), text(d.path("current-step")),
          duration(d.path("seconds")), d.path("waiting").isNull() || d.path("waiting").isMissingNode()
              ? StatusCommand.progress(d.path("backfills")) : "waiting for " + d.path("waiting").asText()));
      lines.addAll(List.of(t.render().split("\n")));
    }
    return lines;
  }

  /** A database's state as shown: {@code running} becomes {@code waiting (server-budget)} while it waits. */
  static String state(JsonNode database) {
    JsonNode waiting = database.path("waiting");
    return waiting.isNull() || waiting.isMissingNode()
        ? database.path("state").asText() : "waiting (" + waiting.asText() + ")";
  }

  /** {@code 45s}, {@code 12m30s}, {@code 3h5m}; {@code ?} when unknown. */
  static String duration(JsonNode seconds) {
    if (seconds == null || seconds.isNull() || seconds.isMissingNode()) {
      return "?";
    }
    long s = Math.round(seconds.asDouble());
    return s >= 3600 ? s / 3600 + "h" + (s % 3600) / 60 + "m" : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
  }

  static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asText();
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }
}
