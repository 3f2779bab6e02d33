package io.tidemark.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One value of the resolved config tree together with its full HOCON path ({@code tidemark.groups.tenants[1]}).
 * The typed readers report a problem at that path and return {@code null} instead of throwing, so a load
 * goes on and finds every problem. Messages never quote the value itself (it might be a secret typed into
 * the wrong key); the path and line say where it is.
 */
final class Node {
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private final String path;
  private final ConfigValue value;
  private final Problems problems;
  private final List<String> sourceLines;

  private Node(String path, ConfigValue value, Problems problems, List<String> sourceLines) {
    this.path = path;
    this.value = value;
    this.problems = problems;
    this.sourceLines = sourceLines;
  }

  /** The root of a resolved tree; {@code sourceLines} (the file's text) only order map entries. */
  static Node root(ConfigObject root, Problems problems, List<String> sourceLines) {
    return new Node("", root, problems, sourceLines);
  }

  String path() {
    return path;
  }

  ConfigValue value() {
    return value;
  }

  Problems problems() {
    return problems;
  }

  /** Appends a key to a path, quoting it the HOCON way when it is not a plain word. */
  static String childPath(String parent, String key) {
    String segment = SIMPLE_KEY.matcher(key).matches() ? key : ConfigUtil.quoteString(key);
    return parent.isEmpty() ? segment : parent + "." + segment;
  }

  /**
   * The value at {@code key}, absent when there is none. Asking a value that is present but is not an
   * object for a key reports it as {@code wrong-type} (once), e.g. {@code http = 5} or {@code http = null}.
   */
  Node get(String key) {
    ConfigValue child = null;
    if (isSet() && type() == ConfigValueType.OBJECT) {
      child = ((ConfigObject) value).get(key);
    } else if (value != null && !isUnresolved()) {
      wrongType("an object { ... }");
    }
    return new Node(childPath(path, key), child, problems, sourceLines);
  }

  /** Absent, {@code null}, or {@code ${?X}} with X unset (which HOCON turns into absent). */
  boolean isSet() {
    return value != null && type() != ConfigValueType.NULL;
  }

  /** The value's type, or {@code null} for a substitution left unresolved (reported once, elsewhere). */
  ConfigValueType type() {
    if (value == null) {
      return null;
    }
    try {
      return value.valueType();
    } catch (ConfigException.NotResolved e) {
      return null;
    }
  }

  boolean isUnresolved() {
    return value != null && type() == null;
  }

  void error(String code, String message) {
    problems.error(path, code, message + line());
  }

  void warn(String code, String message) {
    problems.warn(path, code, message + line());
  }

  /** A required value: absent → {@code missing-required}; present → whether it is usable. */
  boolean require(String what) {
    if (isUnresolved()) {
      return false;
    }
    if (!isSet()) {
      error("missing-required", "required: " + what);
      return false;
    }
    return true;
  }

  /** Entries of an object in the order of the file (the first database is the default state database). */
  Map<String, Node> entries(String what) {
    if (!expect(ConfigValueType.OBJECT, what)) {
      return Map.of();
    }
    ConfigObject object = (ConfigObject) value;
    List<String> keys = new ArrayList<>(object.keySet());
    keys.sort(Comparator.comparingInt((String k) -> lineOf(object.get(k)))
        .thenComparingInt(k -> columnOf(k, lineOf(object.get(k))))
        .thenComparing(Comparator.naturalOrder()));
    Map<String, Node> entries = new LinkedHashMap<>();
    keys.forEach(k -> entries.put(k, get(k)));
    return entries;
  }

  List<Node> elements(String what) {
    if (!expect(ConfigValueType.LIST, what)) {
      return List.of();
    }
    List<Node> elements = new ArrayList<>();
    List<?> list = (List<?>) value;
    for (int i = 0; i < list.size(); i++) {
      elements.add(new Node(path + "[" + i + "]", (ConfigValue) list.get(i), problems, sourceLines));
    }
    return elements;
  }

  /** Whether this is an object; reports {@code wrong-type} when it is set and is not. */
  boolean isObject(String what) {
    return expect(ConfigValueType.OBJECT, what);
  }

  String string() {
    if (!require("a string")) {
      return null;
    }
    if (type() == ConfigValueType.OBJECT || type() == ConfigValueType.LIST) {
      wrongType("a string");
      return null;
    }
    return String.valueOf(value.unwrapped());
  }

  /** A string where absent (e.g. {@code ${?X}} unset) and empty both mean "not given": returns "". */
  String optionalString() {
    return isSet() ? nullToEmpty(string()) : "";
  }

  Integer integer() {
    Long n = wholeNumber("a whole number");
    if (n != null && (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE)) {
      wrongType("a whole number up to " + Integer.MAX_VALUE);
      return null;
    }
    return n == null ? null : n.intValue();
  }

  Long longValue() {
    return wholeNumber("a whole number");
  }

  Boolean bool() {
    if (!require("true or false")) {
      return null;
    }
    try {
      return value.atKey("v").getBoolean("v");
    } catch (ConfigException e) {
      wrongType("true or false");
      return null;
    }
  }

  Duration duration() {
    if (!require("a duration such as 500ms or 10s")) {
      return null;
    }
    try {
      return value.atKey("v").getDuration("v");
    } catch (ConfigException.BadValue e) {
      error("bad-duration", "not a duration: write a number and a unit, e.g. 500ms, 10s, 5m");
    } catch (ConfigException e) {
      wrongType("a duration such as 500ms or 10s");
    }
    return null;
  }

  Long bytes() {
    if (!require("a size such as 1MiB")) {
      return null;
    }
    try {
      return value.atKey("v").getBytes("v");
    } catch (ConfigException.BadValue e) {
      error("bad-size", "not a size: write a number and a unit, e.g. 512KiB, 1MiB, 10MB");
    } catch (ConfigException e) {
      wrongType("a size such as 1MiB");
    }
    return null;
  }

  /** A count where zero is meaningless (pool size, attempts, batch rows): {@code not-positive} below 1. */
  Integer positiveInt() {
    Integer n = integer();
    if (n != null && n < 1) {
      error("not-positive", "must be 1 or more");
    }
    return n;
  }

  /** A limit where zero turns the limit off: {@code negative} below 0. */
  Integer nonNegativeInt() {
    Integer n = integer();
    if (n != null && n < 0) {
      error("negative", "must be 0 or more (0 turns it off)");
    }
    return n;
  }

  Long nonNegativeLong() {
    Long n = longValue();
    if (n != null && n < 0) {
      error("negative", "must be 0 or more (0 turns it off)");
    }
    return n;
  }

  /** A timeout or interval where zero is meaningless: {@code not-positive} unless longer than 0. */
  Duration positiveDuration() {
    Duration d = duration();
    if (d != null && (d.isZero() || d.isNegative())) {
      error("not-positive", "must be longer than 0");
    }
    return d;
  }

  /** A duration where zero means "none" or "off": {@code negative} below 0. */
  Duration nonNegativeDuration() {
    Duration d = duration();
    if (d != null && d.isNegative()) {
      error("negative", "must not be negative (0 turns it off)");
    }
    return d;
  }

  /** Reports {@code wrong-type}; descendants of this path then report nothing more. */
  void wrongType(String expected) {
    error(Problems.WRONG_TYPE, "expected " + expected + ", found " + describe(type()));
  }

  private Long wholeNumber(String what) {
    if (!require(what)) {
      return null;
    }
    try {
      Number n = value.atKey("v").getNumber("v");
      if (n instanceof Double d && (d != Math.rint(d) || d.isInfinite())) {
        wrongType(what);
        return null;
      }
      return n.longValue();
    } catch (ConfigException e) {
      wrongType(what);
      return null;
    }
  }

  private boolean expect(ConfigValueType expected, String what) {
    if (!isSet() || isUnresolved()) {
      return false;
    }
    if (type() != expected) {
      wrongType(what);
      return false;
    }
    return true;
  }

  private String line() {
    int line = value == null ? -1 : value.origin().lineNumber();
    return line > 0 && !value.origin().description().contains("reference.conf") ? " (line " + line + ")" : "";
  }

  private static int lineOf(ConfigValue v) {
    int line = v.origin().lineNumber();
    return line > 0 ? line : Integer.MAX_VALUE;
  }

  /**
   * Where a key first stands as a whole word on its line, to order {@code a { ... }, b { ... }} written on
   * one line (HOCON origins carry the line, not the column).
   */
  private int columnOf(String key, int line) {
    if (line < 1 || line > sourceLines.size()) {
      return 0;
    }
    String text = sourceLines.get(line - 1);
    for (int at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
      int end = at + key.length();
      if ((at == 0 || !isWordChar(text.charAt(at - 1))) && (end == text.length() || !isWordChar(text.charAt(end)))) {
        return at;
      }
    }
    return 0;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  private static String describe(ConfigValueType type) {
    if (type == null) {
      return "nothing";
    }
    return switch (type) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number";
      case BOOLEAN -> "true/false";
      case NULL -> "null";
      case STRING -> "a string";
    };
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
