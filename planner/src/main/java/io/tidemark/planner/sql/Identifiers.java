package io.tidemark.planner.sql;

import java.util.regex.Pattern;

/**
 * The one place identifiers become SQL text. Plan identifiers are validated against {@link #VALID} when a
 * plan is parsed, and always quoted here, so {@code users} becomes {@code "users"} and a name can never
 * carry SQL. Values never come through here: they go in as bind parameters.
 */
public final class Identifiers {
  /** Letters, digits, underscore and dollar, not starting with a digit or dollar; at most 63 bytes. */
  public static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  private Identifiers() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** {@code users} → {@code "users"}; embedded double quotes are doubled. */
  public static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code public}, {@code users} → {@code "public"."users"}. */
  public static String qualified(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }
}
