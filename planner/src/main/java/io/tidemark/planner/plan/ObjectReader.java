package io.tidemark.planner.plan;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.tidemark.planner.Problem;
import io.tidemark.planner.sql.Identifiers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads one object of a plan file, adding a {@link Problem} for every wrong value instead of stopping at
 * the first, and remembering which keys were read so {@link #finish()} can name the unknown ones. A getter
 * that finds a problem returns an empty or placeholder value; the parser never builds a {@link Plan} from
 * a reader that reported anything, so placeholders never escape.
 */
final class ObjectReader {
  private final ConfigObject object;
  private final String path;
  private final List<Problem> problems;
  private final Set<String> read = new LinkedHashSet<>();

  ObjectReader(ConfigObject object, String path, List<Problem> problems) {
    this.object = object;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  void problem(String key, String code, String message) {
    problems.add(new Problem(key == null ? path : path(key), code, message));
  }

  /** Whether a problem was already reported at {@code key} of this object (to avoid follow-up noise). */
  boolean hasProblemsAt(String key) {
    String at = path(key);
    return problems.stream().anyMatch(p -> p.path().equals(at));
  }

  boolean has(String key) {
    ConfigValue value = object.get(key);
    return value != null && value.valueType() != ConfigValueType.NULL;
  }

  /** The raw value without marking the key as read; empty when absent or null. */
  Optional<ConfigValue> peek(String key) {
    ConfigValue value = object.get(key);
    return value == null || value.valueType() == ConfigValueType.NULL ? Optional.empty() : Optional.of(value);
  }

  /** The raw value, marking the key as read; empty when absent or null. */
  Optional<ConfigValue> value(String key) {
    read.add(key);
    ConfigValue value = object.get(key);
    return value == null || value.valueType() == ConfigValueType.NULL ? Optional.empty() : Optional.of(value);
  }

  /** The string at {@code key}, at most {@link PlanLimits#MAX_STRING_CHARS} long. */
  Optional<String> optionalString(String key) {
    return optionalString(key, PlanLimits.MAX_STRING_CHARS);
  }

  /** The string at {@code key}; longer than {@code maxChars} is reported ({@code too-long}) and read as empty. */
  Optional<String> optionalString(String key, int maxChars) {
    Optional<ConfigValue> value = value(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    ConfigValueType type = value.get().valueType();
    if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST) {
      problem(key, "wrong-type", "must be a string, not " + describe(type));
      return Optional.empty();
    }
    String text = String.valueOf(value.get().unwrapped());
    if (text.length() > maxChars) {
      problems.add(PlanIntake.tooLong(path(key), text.length(), maxChars));
      return Optional.empty();
    }
    return Optional.of(text);
  }

  String requiredString(String key) {
    return requiredString(key, PlanLimits.MAX_STRING_CHARS);
  }

  String requiredString(String key, int maxChars) {
    Optional<String> value = optionalString(key, maxChars);
    if (value.isEmpty() && !has(key)) {
      problem(key, "required", "is required");
    } else if (value.isPresent() && value.get().isBlank()) {
      problem(key, "must-not-be-empty", "must not be empty");
      return "";
    }
    return value.orElse("");
  }

  String identifier(String key) {
    String value = requiredString(key);
    checkIdentifier(key, value);
    return value;
  }

  Optional<String> optionalIdentifier(String key) {
    Optional<String> value = optionalString(key);
    value.ifPresent(v -> checkIdentifier(key, v));
    return value;
  }

  private void checkIdentifier(String key, String value) {
    if (!value.isBlank() && !Identifiers.isValid(value)) {
      problem(key, "invalid-identifier",
          "'" + value + "' is not a valid identifier (letters, digits, _ and $, not starting with a digit, at most 63)");
    }
  }

  /** A schema name, {@code public} when absent. */
  String schema() {
    return optionalIdentifier("schema").orElse("public");
  }

  /** A non-empty list of identifiers, each checked; duplicates are refused. */
  List<String> identifierList(String key, boolean required) {
    Optional<ConfigList> found = list(key, required, "a list of names");
    if (found.isEmpty()) {
      return List.of();
    }
    ConfigList list = found.get();
    if (list.isEmpty()) {
      problem(key, "must-not-be-empty", "must not be empty");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String itemPath = key + "[" + i + "]";
      ConfigValue item = list.get(i);
      if (item.valueType() != ConfigValueType.STRING) {
        problem(itemPath, "wrong-type", "must be a name, not " + describe(item.valueType()));
        continue;
      }
      String name = (String) item.unwrapped();
      if (!Identifiers.isValid(name)) {
        problem(itemPath, "invalid-identifier", "'" + name + "' is not a valid identifier");
      } else if (names.contains(name)) {
        problem(itemPath, "duplicate-name", "'" + name + "' is listed twice");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  /**
   * The strings of the list at {@code key}, or empty when absent. An item that is not a string is reported at
   * {@code key[i]} and comes back as null, so the indexes of the others stay those of the plan.
   */
  List<String> stringList(String key) {
    Optional<ConfigList> found = list(key, false, "a list of strings");
    List<String> strings = new ArrayList<>();
    if (found.isEmpty()) {
      return strings;
    }
    for (int i = 0; i < found.get().size(); i++) {
      ConfigValue item = found.get().get(i);
      if (item.valueType() != ConfigValueType.STRING) {
        problem(key + "[" + i + "]", "wrong-type", "must be a string, not " + describe(item.valueType()));
        strings.add(null);
        continue;
      }
      strings.add((String) item.unwrapped());
    }
    return strings;
  }

  boolean bool(String key, boolean defaultValue) {
    Optional<ConfigValue> value = value(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    Object raw = value.get().unwrapped();
    if (raw instanceof Boolean b) {
      return b;
    }
    if ("true".equals(raw) || "false".equals(raw)) {
      return Boolean.parseBoolean((String) raw);
    }
    problem(key, "wrong-type", "must be true or false");
    return defaultValue;
  }

  OptionalLong nonNegativeLong(String key) {
    Optional<ConfigValue> value = value(key);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    Object raw = value.get().unwrapped();
    try {
      long number = raw instanceof Number n && (n instanceof Integer || n instanceof Long)
          ? n.longValue() : Long.parseLong(String.valueOf(raw).trim());
      if (number < 0) {
        problem(key, "out-of-range", "must not be negative");
        return OptionalLong.empty();
      }
      return OptionalLong.of(number);
    } catch (NumberFormatException e) {
      problem(key, "wrong-type", "must be a whole number");
      return OptionalLong.empty();
    }
  }

  OptionalInt positiveInt(String key) {
    OptionalLong value = nonNegativeLong(key);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    if (value.getAsLong() < 1 || value.getAsLong() > Integer.MAX_VALUE) {
      problem(key, "out-of-range", "must be between 1 and " + Integer.MAX_VALUE);
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) value.getAsLong());
  }

  Optional<Duration> positiveDuration(String key) {
    Optional<String> text = optionalString(key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Duration duration = object.toConfig().getDuration(key);
      if (duration.isZero() || duration.isNegative()) {
        problem(key, "out-of-range", "must be a positive duration");
        return Optional.empty();
      }
      return Optional.of(duration);
    } catch (com.typesafe.config.ConfigException e) {
      problem(key, "invalid-duration", "'" + text.get() + "' is not a duration (e.g. 250ms, 2s)");
      return Optional.empty();
    }
  }

  /**
   * The list at {@code key}, or empty after reporting {@code required} (when it must be there) or
   * {@code wrong-type} ("must be {@code expected}, not ...").
   */
  private Optional<ConfigList> list(String key, boolean required, String expected) {
    Optional<ConfigValue> value = value(key);
    if (value.isEmpty()) {
      if (required) {
        problem(key, "required", "is required");
      }
      return Optional.empty();
    }
    if (value.get().valueType() != ConfigValueType.LIST) {
      problem(key, "wrong-type", "must be " + expected + ", not " + describe(value.get().valueType()));
      return Optional.empty();
    }
    return Optional.of((ConfigList) value.get());
  }

  /** The list of objects at {@code key}; a non-object item is reported and skipped. */
  List<ObjectReader> objectList(String key, boolean required) {
    Optional<ConfigList> found = list(key, required, "a list");
    if (found.isEmpty()) {
      return List.of();
    }
    ConfigList list = found.get();
    List<ObjectReader> readers = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String itemPath = path(key) + "[" + i + "]";
      ConfigValue item = list.get(i);
      if (item.valueType() != ConfigValueType.OBJECT) {
        problems.add(new Problem(itemPath, "wrong-type", "must be an object, not " + describe(item.valueType())));
        readers.add(null);
        continue;
      }
      readers.add(new ObjectReader((ConfigObject) item, itemPath, problems));
    }
    return readers;
  }

  Optional<ObjectReader> object(String key) {
    Optional<ConfigValue> value = value(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get().valueType() != ConfigValueType.OBJECT) {
      problem(key, "wrong-type", "must be an object, not " + describe(value.get().valueType()));
      return Optional.empty();
    }
    return Optional.of(new ObjectReader((ConfigObject) value.get(), path(key), problems));
  }

  /** Reports every key that no getter asked for. Call after reading everything the object may hold. */
  void finish() {
    for (String key : object.keySet()) {
      if (!read.contains(key)) {
        problem(key, "unknown-key", "unknown key '" + key + "'");
      }
    }
  }

  static String describe(ConfigValueType type) {
    return switch (type) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case STRING -> "a string";
    };
  }
}
