package io.tidemark.daemon.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tidemark_} series and the label names one PromQL expression (or Grafana variable query) refers
 * to, found by pattern rather than by a PromQL parser: enough to check deploy/ against
 * {@link io.tidemark.daemon.metrics.MetricNames}, not to validate syntax.
 *
 * <p>Labels are those of selector matchers ({@code {plan=~"$plan"}}), of grouping and matching clauses
 * ({@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}) and
 * of Grafana's {@code label_values(query, label)}. Quoted strings are blanked first, so a label value such
 * as {@code state="tidemark_x"} or a Grafana variable in a value is never taken for a name.
 */
record PromQlReferences(Set<String> series, Set<String> labels) {
  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern SERIES = Pattern.compile("\\btidemark_[a-zA-Z0-9_]+");
  private static final Pattern SELECTOR = Pattern.compile("\\{([^{}]*)}");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^()]*)\\)");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("\\blabel_values\\s*\\(.*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

  static PromQlReferences of(String expression) {
    String unquoted = QUOTED.matcher(expression).replaceAll("\"\"");
    Set<String> series = new TreeSet<>();
    Set<String> labels = new TreeSet<>();
    SERIES.matcher(unquoted).results().forEach(match -> series.add(match.group()));
    Matcher selector = SELECTOR.matcher(unquoted);
    while (selector.find()) {
      MATCHER.matcher(selector.group(1)).results().forEach(match -> labels.add(match.group(1)));
    }
    GROUPING.matcher(unquoted).results().forEach(match -> labels.addAll(labelList(match.group(1))));
    LABEL_VALUES.matcher(unquoted).results().forEach(match -> labels.add(match.group(1)));
    return new PromQlReferences(Set.copyOf(series), Set.copyOf(labels));
  }

  private static Set<String> labelList(String commaSeparated) {
    Set<String> names = new TreeSet<>();
    for (String name : commaSeparated.split(",")) {
      if (!name.isBlank()) {
        names.add(name.strip());
      }
    }
    return names;
  }
}
