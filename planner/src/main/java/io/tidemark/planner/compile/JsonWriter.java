package io.tidemark.planner.compile;

/**
 * The one JSON string escape of the planner (which has no JSON library): RFC 8259, control characters as
 * {@code \\uXXXX}. Also what the importer writes plan strings with, since a HOCON quoted string is a JSON
 * string. Pure; any thread.
 */
public final class JsonWriter {
  private JsonWriter() {}

  static void string(String value, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** {@code value} as a quoted JSON string: {@code say "hi"} → {@code "say \\"hi\\""}. */
  public static String string(String value) {
    StringBuilder out = new StringBuilder();
    string(value, out);
    return out.toString();
  }
}
