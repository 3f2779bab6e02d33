package io.tidemark.daemon.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's live view of {@code GET /plans/{id}}: one line for the plan, one per database (phase, state,
 * progress bar, rows, rate, ETA, throttle reason or current step) and one for the application load. On a
 * terminal the block is redrawn in place; otherwise (a pipe, a test) it is printed again only when a line
 * changed. Used from the demo's thread only.
 */
final class ProgressView {
  private static final int BAR = 24;

  private final PrintStream out;
  private final boolean terminal;
  private List<String> shown = List.of();

  ProgressView(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(JsonObject plan, AppLoad load) {
    List<String> lines = render(plan, load);
    if (terminal) {
      redraw(lines);
    } else if (!lines.equals(shown)) {
      lines.forEach(out::println);
    }
    out.flush();
    shown = lines;
  }

  /** Forgets the block on screen, so what is printed next starts below it instead of overwriting it. */
  void release() {
    shown = List.of();
  }

  static List<String> render(JsonObject plan, AppLoad load) {
    List<String> lines = new ArrayList<>();
    lines.add("plan " + plan.getString("id") + ": " + plan.getString("state") + " (phase " + plan.getString("phase") + ")");
    JsonArray databases = plan.getJsonArray("databases", new JsonArray());
    for (int i = 0; i < databases.size(); i++) {
      lines.add(database(databases.getJsonObject(i)));
    }
    if (load != null) {
      lines.add(String.format(Locale.ROOT, "  application: %d statements, %d errors, slowest %.0f ms",
          load.statements(), load.errors(), load.slowestMillis()));
    }
    return lines;
  }

  private static String database(JsonObject d) {
    String head = String.format(Locale.ROOT, "  %-8s %-9s %-8s", d.getString("database"), d.getString("phase"),
        d.getString("state"));
    JsonArray backfills = d.getJsonArray("backfills", new JsonArray());
    JsonObject b = backfills.isEmpty() ? null : backfills.getJsonObject(backfills.size() - 1);
    if (b == null) {
      String step = d.getString("current-step");
      return head + " " + (step == null ? "" : step);
    }
    String throttle = b.getString("throttle-reason");
    return head + String.format(Locale.ROOT, " %s %d/%d rows, %.0f rows/s, ETA %s%s", bar(b.getDouble("ratio", 0.0)),
        b.getLong("rows-done", 0L), b.getLong("rows-estimated", 0L), b.getDouble("rows-per-second", 0.0),
        eta(b.getValue("eta-seconds")), throttle == null ? "" : ", throttled: " + throttle);
  }

  /** {@code [##########--------------]  42%}. */
  static String bar(double ratio) {
    double r = Math.max(0, Math.min(1, ratio));
    int filled = (int) Math.round(r * BAR);
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + String.format(Locale.ROOT, "%3d%%", Math.round(r * 100));
  }

  private static String eta(Object seconds) {
    if (!(seconds instanceof Number n)) {
      return "?";
    }
    long s = Math.round(n.doubleValue());
    return s >= 3600 ? s / 3600 + "h" + (s % 3600) / 60 + "m" : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
  }

  private void redraw(List<String> lines) {
    if (!shown.isEmpty()) {
      out.print("\u001b[" + shown.size() + "F");
    }
    for (String l : lines) {
      out.print("\u001b[2K" + l + "\n");
    }
    for (int i = lines.size(); i < shown.size(); i++) {
      out.print("\u001b[2K\n");
    }
  }
}
