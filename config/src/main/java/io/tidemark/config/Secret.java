package io.tidemark.config;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A password or token. {@link #toString()} never shows the value, so a secret can sit in a record that
 * is logged, printed or put in an error message without leaking; only {@link #reveal()} gives it out,
 * and the only callers are the connection factory and the token check.
 */
public final class Secret {
  private static final Secret EMPTY = new Secret("");
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return value == null || value.isEmpty() ? EMPTY : new Secret(value);
  }

  public static Secret empty() {
    return EMPTY;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  public String reveal() {
    return value;
  }

  /** Compares in time independent of where the first difference is (for bearer tokens). */
  public boolean matches(String candidate) {
    if (candidate == null || isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // never derive anything observable from the value
  }

  @Override
  public String toString() {
    return isEmpty() ? "<empty>" : "****";
  }
}
