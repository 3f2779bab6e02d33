package io.tidemark.planner.plan;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.tidemark.planner.Problem;
import java.io.File;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The checks that keep a hostile plan text from costing more than a bad plan: a plan is data, not
 * configuration, so it may not include anything or substitute anything, and it is held to
 * {@link PlanLimits}. Two passes:
 * <ol>
 *   <li>{@link #scan} reads the raw text before any HOCON parser sees it: too large, {@code include} in
 *       any form ({@code include "x"}, {@code include file(...)}, {@code url(...)}, {@code classpath(...)},
 *       {@code required(...)}), any {@code ${...}} or {@code ${?...}} outside a quoted string, and nesting
 *       deeper than {@link PlanLimits#MAX_DEPTH} (the HOCON parser recurses, and
 *       {@code [[[[...} 100,000 deep would overflow its stack). Nothing is parsed, fetched or read.</li>
 *   <li>{@link #checkTree} walks the parsed (never resolved) tree: too many values, too deep, too many
 *       characters, a NUL character (PostgreSQL text cannot hold
 *       one, so it is refused here by path rather than failing later), and any value left unresolved.</li>
 * </ol>
 * The {@link RefusingIncluder} is a second guard behind the scan: it implements every includer interface,
 * so Typesafe Config never falls back to its own file, URL or classpath loaders.
 *
 * <p>Pure and thread-safe; no I/O.
 */
final class PlanIntake {
  private PlanIntake() {}

  /** Problems found in the raw text; empty when it may be parsed. */
  static List<Problem> scan(String text) {
    if (text.length() > PlanLimits.MAX_TEXT_CHARS) {
      return List.of(new Problem("", "too-large", "the plan is " + text.length() + " characters; at most "
          + PlanLimits.MAX_TEXT_CHARS + " are accepted"));
    }
    return new Scanner(text).run();
  }

  /** Whether the raw text holds a NUL character (named by line when the text does not parse). */
  static List<Problem> rawNul(String text) {
    int at = text.indexOf('\u0000');
    if (at < 0) {
      return List.of();
    }
    return List.of(new Problem("", "nul-byte", "line " + line(text, at) + " holds a NUL character (\\u0000)"));
  }

  /** Problems found in the parsed tree; empty when it is within every limit. */
  static List<Problem> checkTree(ConfigObject root) {
    List<Problem> problems = new ArrayList<>();
    Deque<Node> pending = new ArrayDeque<>();
    pending.push(new Node(root, "", 0));
    int values = 0;
    long chars = 0;
    while (!pending.isEmpty()) {
      Node node = pending.pop();
      if (++values > PlanLimits.MAX_VALUES) {
        problems.add(new Problem("", "too-many-values", "the plan holds more than " + PlanLimits.MAX_VALUES
            + " values"));
        return problems;
      }
      if (node.depth > PlanLimits.MAX_DEPTH) {
        problems.add(new Problem(node.path, "too-deep", "nests deeper than " + PlanLimits.MAX_DEPTH + " levels"));
        return problems;
      }
      ConfigValueType type;
      try {
        type = node.value.valueType();
      } catch (ConfigException.NotResolved e) {
        problems.add(substitution(node.path));
        continue;
      }
      switch (type) {
        case OBJECT -> {
          for (Map.Entry<String, ConfigValue> e : ((ConfigObject) node.value).entrySet()) {
            String path = node.path.isEmpty() ? e.getKey() : node.path + "." + e.getKey();
            chars += e.getKey().length();
            if (e.getKey().indexOf('\u0000') >= 0) {
              problems.add(nul(path));
            }
            pending.push(new Node(e.getValue(), path, node.depth + 1));
          }
        }
        case LIST -> {
          ConfigList list = (ConfigList) node.value;
          for (int i = list.size() - 1; i >= 0; i--) {
            pending.push(new Node(list.get(i), node.path + "[" + i + "]", node.depth + 1));
          }
        }
        case STRING -> {
          String s = (String) node.value.unwrapped();
          chars += s.length();
          if (s.indexOf('\u0000') >= 0) {
            problems.add(nul(node.path));
          }
        }
        default -> { }
      }
      if (chars > PlanLimits.MAX_PARSED_CHARS) {
        problems.add(new Problem("", "too-large", "the parsed plan holds more than " + PlanLimits.MAX_PARSED_CHARS
            + " characters"));
        return problems;
      }
    }
    return problems;
  }

  static Problem tooLong(String path, int length, int max) {
    return new Problem(path, "too-long", "is " + length + " characters; at most " + max + " are accepted");
  }

  static Problem nul(String path) {
    return new Problem(path, "nul-byte", "holds a NUL character (\\u0000), which PostgreSQL text cannot hold");
  }

  private static Problem substitution(String path) {
    return new Problem(path, "substitution-not-allowed", "uses a ${...} substitution; a plan is data: write the "
        + "value itself");
  }

  /**
   * At most {@link PlanLimits#MAX_PROBLEMS} of {@code problems}, the last one counting the rest:
   * {@code 1,234 more problems}.
   */
  static List<Problem> bounded(List<Problem> problems) {
    if (problems.size() <= PlanLimits.MAX_PROBLEMS) {
      return problems;
    }
    List<Problem> kept = new ArrayList<>(problems.subList(0, PlanLimits.MAX_PROBLEMS - 1));
    int rest = problems.size() - kept.size();
    kept.add(new Problem("", "too-many-problems", rest + " more problems"));
    return kept;
  }

  private static int line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private record Node(ConfigValue value, String path, int depth) {}

  /**
   * A single pass over HOCON (or JSON) text that skips quoted strings and comments and looks at what is
   * left: brackets, {@code ${} and the word {@code include} where a key may start. In HOCON a substitution
   * inside a quoted string is plain text ({@code "${x}"} stays {@code ${x}}), so only unquoted ones count.
   */
  private static final class Scanner {
    private final String text;
    private final List<Problem> problems = new ArrayList<>();
    private int i;
    private int line = 1;
    private int depth;
    /** Whether only whitespace was seen since the start, a '{', a ',' or a line break: a key may start. */
    private boolean keyStart = true;

    Scanner(String text) {
      this.text = text;
    }

    List<Problem> run() {
      while (i < text.length() && problems.size() < PlanLimits.MAX_PROBLEMS) {
        char c = text.charAt(i);
        if (text.startsWith("\"\"\"", i)) {
          skipTripleQuoted();
        } else if (c == '"') {
          skipQuoted();
        } else if (c == '#' || text.startsWith("//", i)) {
          skipToLineEnd();
        } else if (c == '$' && text.startsWith("${", i)) {
          problems.add(new Problem("", "substitution-not-allowed", "line " + line + ": a plan may not use ${...} "
              + "substitutions; write the value itself"));
          i += 2;
          keyStart = false;
        } else if (keyStart && text.startsWith("include", i) && isIncludeDirective(i + "include".length())) {
          problems.add(new Problem("", "include-not-allowed", "line " + line + ": a plan may not include anything;"
              + " it must be one self-contained text"));
          i += "include".length();
          keyStart = false;
        } else {
          punctuation(c);
          if (depth > PlanLimits.MAX_DEPTH) {
            problems.add(new Problem("", "too-deep", "line " + line + ": nests deeper than " + PlanLimits.MAX_DEPTH
                + " levels"));
            return problems;
          }
        }
      }
      return problems;
    }

    private void punctuation(char c) {
      switch (c) {
        case '{', '[' -> {
          depth++;
          keyStart = c == '{';
        }
        case '}', ']' -> {
          depth--;
          keyStart = false;
        }
        case ',' -> keyStart = true;
        case '\n' -> {
          line++;
          keyStart = true;
        }
        default -> keyStart = keyStart && Character.isWhitespace(c);
      }
      i++;
    }

    /** {@code include "x"}, {@code include file(...)}, {@code include required(...)}: a quote or a word next. */
    private boolean isIncludeDirective(int after) {
      int j = after;
      if (j >= text.length() || !Character.isWhitespace(text.charAt(j)) && text.charAt(j) != '"') {
        return false; // "included = 1" or "include.x = 1" name a key
      }
      while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
        j++;
      }
      return j < text.length() && (text.charAt(j) == '"' || Character.isLetter(text.charAt(j)));
    }

    private void skipQuoted() {
      i++;
      while (i < text.length() && text.charAt(i) != '"' && text.charAt(i) != '\n') {
        i += text.charAt(i) == '\\' ? 2 : 1;
      }
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
      }
      keyStart = false;
    }

    private void skipTripleQuoted() {
      int end = text.indexOf("\"\"\"", i + 3);
      int stop = end < 0 ? text.length() : end + 3;
      while (stop < text.length() && text.charAt(stop) == '"') {
        stop++; // """a"""" ends at the last quote of the run
      }
      for (int k = i; k < stop; k++) {
        if (text.charAt(k) == '\n') {
          line++;
        }
      }
      i = stop;
      keyStart = false;
    }

    private void skipToLineEnd() {
      while (i < text.length() && text.charAt(i) != '\n') {
        i++;
      }
    }
  }

  /**
   * Refuses every include form, including the {@code file()}, {@code url()} and {@code classpath()} ones: an
   * includer that implements only {@link ConfigIncluder} is wrapped in a proxy that loads those itself.
   */
  record RefusingIncluder(List<Problem> problems)
      implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      return refuse("include \"" + what + "\"");
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
      return refuse("include file(...)");
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
      return refuse("include url(...)");
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
      return refuse("include classpath(...)");
    }

    private ConfigObject refuse(String form) {
      problems.add(new Problem("", "include-not-allowed", form + " is not allowed in a plan"));
      return ConfigValueFactory.fromMap(Map.of());
    }
  }
}
