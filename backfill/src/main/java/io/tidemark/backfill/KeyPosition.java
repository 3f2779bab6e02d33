package io.tidemark.backfill;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Maps a single-column key value to a number so the walked fraction of the key range can refine the row
 * estimate: integers and numerics by value, uuids by their leading 48 bits (random uuids are uniform, so
 * the position is a fair fraction). Other types have no position and keep the plain {@code reltuples}
 * estimate. Pure; any thread.
 */
final class KeyPosition {
  private static final Set<String> NUMERIC = Set.of("smallint", "integer", "bigint", "numeric");

  private KeyPosition() {}

  static boolean supports(String type) {
    return NUMERIC.contains(type) || type.startsWith("numeric(") || type.equals("uuid");
  }

  /** The key's position, or NaN when its text does not parse for {@code type}. */
  static double of(String type, String text) {
    try {
      if (type.equals("uuid")) {
        String hex = text.replace("-", "");
        return Long.parseLong(hex.substring(0, 12), 16);
      }
      return new BigDecimal(text).doubleValue();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * Fraction of {@code [min, upper]} lying at or below {@code last}, in [0, 1]; NaN when unknown.
   * Example: min 1, upper 1,000,001, last 250,001 → 0.25.
   */
  static double fraction(String type, String min, String last, String upper) {
    double lo = of(type, min);
    double at = of(type, last);
    double hi = of(type, upper);
    if (Double.isNaN(lo) || Double.isNaN(at) || Double.isNaN(hi) || hi <= lo) {
      return Double.NaN;
    }
    return Math.max(0, Math.min(1, (at - lo) / (hi - lo)));
  }
}
