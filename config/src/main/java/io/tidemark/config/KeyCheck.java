package io.tidemark.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Unknown keys are errors, not silently ignored: {@code lock-timout = 5s} would otherwise leave the default
 * in force while the operator believes otherwise. Fixed sections are checked against the structure of
 * {@code reference.conf}; the entries of user-named sections ({@code databases.<name>},
 * {@code auth.tokens[i]}, ...) against the key set their reader allows.
 */
final class KeyCheck {
  /** Sections whose keys are names the user chooses; their readers check each entry. */
  private static final Set<String> NAMED_ENTRIES =
      Set.of("tidemark.databases", "tidemark.groups", "tidemark.servers");

  private KeyCheck() {}

  /** Walks {@code actual} against {@code reference}, reporting keys the reference does not have. */
  static void fixedSections(Node actual, ConfigObject reference) {
    if (actual.type() != ConfigValueType.OBJECT || NAMED_ENTRIES.contains(actual.path())) {
      return;
    }
    ConfigObject object = (ConfigObject) actual.value();
    for (String key : object.keySet()) {
      Node child = actual.get(key);
      ConfigValue known = reference.get(key);
      if (known == null) {
        child.error("unknown-key", unknownKeyMessage(key, reference.keySet()));
      } else if (known.valueType() == ConfigValueType.OBJECT) {
        fixedSections(child, (ConfigObject) known);
      }
    }
  }

  /** Reports the keys of one user-named entry that are not in {@code allowed}. */
  static void entry(Node entry, Set<String> allowed) {
    if (entry.type() != ConfigValueType.OBJECT) {
      return;
    }
    for (String key : ((ConfigObject) entry.value()).keySet()) {
      if (!allowed.contains(key)) {
        entry.get(key).error("unknown-key", unknownKeyMessage(key, allowed));
      }
    }
  }

  private static String unknownKeyMessage(String key, Set<String> known) {
    String nearest = known.stream()
        .min(Comparator.comparingInt(k -> distance(k, key)))
        .filter(k -> distance(k, key) <= Math.max(2, key.length() / 4))
        .orElse(null);
    if (nearest != null) {
      return "unknown key; did you mean '" + nearest + "'?";
    }
    return "unknown key; known keys here: " + String.join(", ", new TreeSet<>(known));
  }

  /** Edit distance (insert, delete, replace), enough to catch a typo in a key. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
