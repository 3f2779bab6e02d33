package io.tidemark.planner.imports;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A versioned Flyway script name, {@code V<version>__<description>.sql}, read as Flyway reads it: the version's
 * parts separated by {@code .} or {@code _} ({@code V1_2} is version {@code 1.2}), the description's
 * underscores shown as spaces ({@code add_users} → {@code add users}). Ordered by version, as Flyway applies
 * scripts: {@code V1_9} before {@code V1_10}. Public for the CLI, which picks and orders a directory's scripts
 * by it; pure.
 */
public record FlywayName(String script, String version, String description, List<BigInteger> parts)
    implements Comparable<FlywayName> {

  /** The script's name read, or empty when {@code fileName} is not a versioned script ({@code R__}, {@code U1__}). */
  public static Optional<FlywayName> parse(String fileName) {
    if (!fileName.startsWith("V") || !fileName.endsWith(".sql")) {
      return Optional.empty();
    }
    int sep = fileName.indexOf("__");
    if (sep < 2) {
      return Optional.empty();
    }
    String version = fileName.substring(1, sep).replace('_', '.');
    List<BigInteger> parts = new ArrayList<>();
    for (String p : version.split("\\.", -1)) {
      if (p.isEmpty() || !p.chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      parts.add(new BigInteger(p));
    }
    String description = fileName.substring(sep + 2, fileName.length() - ".sql".length()).replace('_', ' ');
    return Optional.of(new FlywayName(fileName, version, description, List.copyOf(parts)));
  }

  @Override
  public int compareTo(FlywayName o) {
    for (int i = 0; i < Math.max(parts.size(), o.parts.size()); i++) {
      BigInteger a = i < parts.size() ? parts.get(i) : BigInteger.ZERO;
      BigInteger b = i < o.parts.size() ? o.parts.get(i) : BigInteger.ZERO;
      int c = a.compareTo(b);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
