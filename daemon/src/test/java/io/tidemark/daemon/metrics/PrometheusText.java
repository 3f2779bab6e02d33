package io.tidemark.daemon.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, stricter than Prometheus itself where the
 * format leaves room: every family is announced by {@code # TYPE} before its samples, at most one HELP and
 * TYPE per family, a family's samples contiguous, metric and label names by the format's grammar, only the
 * three label-value escapes, Go float syntax for values, no duplicate series, histograms with cumulative
 * non-decreasing buckets, a {@code +Inf} bucket equal to {@code _count}, and {@code _sum}/{@code _count}
 * per label set. Throws {@link IllegalArgumentException} naming the line of the first violation.
 */
public final class PrometheusText {
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT = Pattern.compile(
      "[+-]?(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|Inf|NaN)");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample: series name, labels in name order, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A metric family: its type and samples in file order. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private final Map<String, Family> families = new LinkedHashMap<>();

  private PrometheusText() {}

  public static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    p.read(text);
    return p;
  }

  public Map<String, Family> families() {
    return families;
  }

  /** Every sample of series {@code name} (e.g. {@code tidemark_backfill_rows_total}). */
  public List<Sample> samples(String name) {
    List<Sample> out = new ArrayList<>();
    families.values().forEach(f -> f.samples().stream().filter(s -> s.name().equals(name)).forEach(out::add));
    return out;
  }

  /** The value of the one sample of {@code name} whose labels include {@code labels}; fails when not exactly one. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> found = samples(name).stream()
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " samples of " + name + " with " + labels + ": " + found);
    }
    return found.get(0).value();
  }

  private void read(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("exposition must end with a newline");
    }
    Set<String> series = new HashSet<>();
    Set<String> closed = new HashSet<>();
    Map<String, String> helps = new HashMap<>();
    Family current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      int n = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        String name = parts[0];
        require(METRIC.matcher(name).matches(), n, "bad metric name '" + name + "'");
        require(!closed.contains(name), n, "family " + name + " appears twice");
        if (line.startsWith("# HELP ")) {
          require(!helps.containsKey(name), n, "second HELP for " + name);
          helps.put(name, unescapeHelp(parts.length > 1 ? parts[1] : "", n));
        } else {
          require(parts.length == 2 && TYPES.contains(parts[1]), n, "bad TYPE line");
          require(!families.containsKey(name), n, "second TYPE for " + name);
          if (current != null) {
            closed.add(current.name());
          }
          current = new Family(name, parts[1], helps.get(name), new ArrayList<>());
          families.put(name, current);
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Sample s = sample(line, n);
      require(current != null && belongs(s.name(), current), n, "sample " + s.name() + " outside its TYPE'd family");
      require(series.add(s.name() + s.labels()), n, "duplicate series " + s.name() + s.labels());
      current.samples().add(s);
    }
    families.values().stream().filter(f -> f.type().equals("histogram")).forEach(PrometheusText::checkHistogram);
  }

  private static boolean belongs(String sample, Family f) {
    return switch (f.type()) {
      case "histogram" -> sample.equals(f.name() + "_bucket") || sample.equals(f.name() + "_sum")
          || sample.equals(f.name() + "_count");
      case "summary" -> sample.equals(f.name()) || sample.equals(f.name() + "_sum") || sample.equals(f.name() + "_count");
      default -> sample.equals(f.name());
    };
  }

  private static Sample sample(String line, int n) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    require(METRIC.matcher(name).matches(), n, "bad metric name '" + name + "'");
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels, n);
    }
    require(i < line.length() && line.charAt(i) == ' ', n, "expected one space before the value");
    String[] rest = line.substring(i + 1).split(" ", -1);
    require(rest.length == 1 || rest.length == 2, n, "expected value [timestamp]");
    require(FLOAT.matcher(rest[0]).matches(), n, "bad value '" + rest[0] + "'");
    if (rest.length == 2) {
      require(rest[1].matches("-?[0-9]+"), n, "bad timestamp");
    }
    return new Sample(name, labels, parseFloat(rest[0]));
  }

  /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
  private static int labels(String line, int i, Map<String, String> labels, int n) {
    while (true) {
      require(i < line.length(), n, "unterminated labels");
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf('=', i);
      require(eq > i, n, "expected label=\"value\"");
      String label = line.substring(i, eq);
      require(LABEL.matcher(label).matches() && !label.startsWith("__"), n, "bad label name '" + label + "'");
      require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', n, "label value must be quoted");
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      while (true) {
        require(j < line.length(), n, "unterminated label value");
        char c = line.charAt(j);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          require(j + 1 < line.length(), n, "dangling escape");
          char e = line.charAt(j + 1);
          require(e == '\\' || e == '"' || e == 'n', n, "bad escape \\" + e);
          value.append(e == 'n' ? '\n' : e);
          j += 2;
        } else {
          value.append(c);
          j++;
        }
      }
      require(labels.put(label, value.toString()) == null, n, "label " + label + " twice");
      i = j + 1;
      require(i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == '}'), n, "expected , or }");
      if (line.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static void checkHistogram(Family f) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new HashMap<>();
    Set<Map<String, String>> sums = new HashSet<>();
    for (Sample s : f.samples()) {
      if (s.name().endsWith("_bucket")) {
        require(s.labels().containsKey("le"), 0, f.name() + ": bucket without le");
        Map<String, String> key = new TreeMap<>(s.labels());
        key.remove("le");
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      } else if (s.name().endsWith("_count")) {
        counts.put(s.labels(), s.value());
      } else {
        sums.add(s.labels());
      }
    }
    buckets.forEach((key, list) -> {
      double previousLe = Double.NEGATIVE_INFINITY;
      double previousCount = 0;
      for (Sample b : list) {
        double le = parseFloat(b.labels().get("le"));
        require(le > previousLe, 0, f.name() + key + ": le not increasing at " + b.labels().get("le"));
        require(b.value() >= previousCount, 0, f.name() + key + ": bucket counts decrease at le=" + b.labels().get("le"));
        previousLe = le;
        previousCount = b.value();
      }
      require(previousLe == Double.POSITIVE_INFINITY, 0, f.name() + key + ": no +Inf bucket");
      require(counts.containsKey(key) && counts.get(key) == previousCount, 0, f.name() + key + ": _count != +Inf bucket");
      require(sums.contains(key), 0, f.name() + key + ": no _sum");
    });
  }

  private static String unescapeHelp(String help, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      if (c == '\\') {
        require(i + 1 < help.length() && (help.charAt(i + 1) == '\\' || help.charAt(i + 1) == 'n'), n, "bad HELP escape");
        out.append(help.charAt(++i) == 'n' ? '\n' : '\\');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static double parseFloat(String v) {
    return switch (v) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN", "+NaN", "-NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }

  private static void require(boolean ok, int line, String problem) {
    if (!ok) {
      throw new IllegalArgumentException((line > 0 ? "line " + line + ": " : "") + problem);
    }
  }
}
