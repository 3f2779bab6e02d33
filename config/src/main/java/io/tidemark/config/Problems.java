package io.tidemark.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects every error and warning of one load, so the caller sees all of them at once, and the secrets the
 * file holds, so that no problem text can carry one out: {@link #errors()} and {@link #warnings()} replace
 * every secret value with {@code ****} wherever it appears (a password pasted into a duration, a token
 * used as a database name). Single-threaded: one instance per load.
 */
final class Problems {
  static final String WRONG_TYPE = "wrong-type";

  private final List<ConfigProblem> errors = new ArrayList<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();
  private final Set<String> secrets = new HashSet<>();

  /**
   * Records an error unless it repeats one already recorded or lies under a value already reported as the
   * wrong type: with {@code http = 5}, {@code tidemark.http} is the problem, not each of its missing keys.
   */
  void error(String path, String code, String message) {
    if (underWrongType(path) || errors.stream().anyMatch(p -> p.path().equals(path) && p.code().equals(code))) {
      return;
    }
    errors.add(new ConfigProblem(path, code, message));
  }

  void warn(String path, String code, String message) {
    warnings.add(new ConfigProblem(path, code, message));
  }

  /** Marks a value as secret: it is cut out of every problem handed out. */
  void secret(String value) {
    if (value != null && !value.isEmpty()) {
      secrets.add(value);
    }
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  List<ConfigProblem> errors() {
    return redacted(errors);
  }

  List<ConfigProblem> warnings() {
    return redacted(warnings);
  }

  private boolean underWrongType(String path) {
    return errors.stream().anyMatch(p -> p.code().equals(WRONG_TYPE)
        && (path.startsWith(p.path() + ".") || path.startsWith(p.path() + "[")));
  }

  private List<ConfigProblem> redacted(List<ConfigProblem> problems) {
    // Longest first, so a secret containing a shorter one is cut out whole.
    List<String> ordered = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    return problems.stream()
        .map(p -> new ConfigProblem(redact(p.path(), ordered), p.code(), redact(p.message(), ordered)))
        .toList();
  }

  private static String redact(String text, List<String> secrets) {
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, "****");
    }
    return result;
  }
}
