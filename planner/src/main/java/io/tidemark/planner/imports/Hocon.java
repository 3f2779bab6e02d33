package io.tidemark.planner.imports;

import io.tidemark.planner.compile.JsonWriter;
import java.util.List;
import java.util.Map;

/**
 * Writes plan values as HOCON: strings always quoted (a HOCON quoted string is a JSON string, escaped by
 * {@link JsonWriter}), so no value is read as a substitution.
 */
final class Hocon {
  private Hocon() {}

  static String value(Object v) {
    if (v instanceof String s) {
      return string(s);
    }
    if (v instanceof Boolean || v instanceof Number) {
      return v.toString();
    }
    if (v instanceof List<?> list) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(value(list.get(i)));
      }
      return b.append(']').toString();
    }
    if (v instanceof Map<?, ?> map) {
      StringBuilder b = new StringBuilder("{ ");
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        b.append(first ? "" : ", ").append(e.getKey()).append(" = ").append(value(e.getValue()));
        first = false;
      }
      return b.append(" }").toString();
    }
    throw new IllegalArgumentException("no HOCON form for " + v.getClass());
  }

  /** A quoted string; multi-line text in triple quotes when it allows them (kept readable), else escaped. */
  static String string(String s) {
    if (s.indexOf('\n') >= 0 && !s.contains("\"\"\"") && !s.endsWith("\"") && !s.startsWith("\"")) {
      return "\"\"\"" + s + "\"\"\"";
    }
    return JsonWriter.string(s);
  }

  /** A comment line: line breaks in the text become spaces, so a comment never ends early. */
  static String comment(String indent, String text) {
    return indent + "# " + text.replace('\r', ' ').replace('\n', ' ') + "\n";
  }
}
