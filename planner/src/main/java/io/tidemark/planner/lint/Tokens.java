package io.tidemark.planner.lint;

import java.util.ArrayList;
import java.util.List;

/**
 * Reading helpers over a statement's significant tokens, shared by the linter and {@link SqlTargets}. Every
 * index is into the token list; brackets ({@code ( )} and {@code [ ]}) nest. Pure.
 */
final class Tokens {
  private Tokens() {}

  static boolean word(List<SqlToken> t, int i, String w) {
    return i >= 0 && i < t.size() && t.get(i).isWord(w);
  }

  /** The index after {@code words} when {@code t} has them, in order, at {@code i}; otherwise {@code i}. */
  static int skip(List<SqlToken> t, int i, String... words) {
    for (int k = 0; k < words.length; k++) {
      if (!word(t, i + k, words[k])) {
        return i;
      }
    }
    return i + words.length;
  }

  static int depthChange(SqlToken token) {
    return token.depthChange();
  }

  /** The index of the bracket closing the one at {@code open}, or the last index if it is never closed. */
  static int closing(List<SqlToken> t, int open) {
    int depth = 0;
    for (int k = open; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0) {
        return k;
      }
    }
    return t.size() - 1;
  }

  /** The index of {@code word} outside brackets at or after {@code from}, or -1. */
  static int indexOfTopLevel(List<SqlToken> t, int from, String word) {
    int depth = 0;
    for (int k = from; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0 && t.get(k).isWord(word)) {
        return k;
      }
    }
    return -1;
  }

  /** Whether {@code words} appear in sequence outside brackets at or after {@code from}. */
  static boolean containsTopLevel(List<SqlToken> t, int from, String... words) {
    int depth = 0;
    for (int k = from; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0 && skip(t, k, words) != k) {
        return true;
      }
    }
    return false;
  }

  /** {@code t[from..]} cut at commas outside brackets: the sub-commands of one ALTER TABLE. */
  static List<List<SqlToken>> splitTopLevel(List<SqlToken> t, int from) {
    List<List<SqlToken>> parts = new ArrayList<>();
    int depth = 0;
    int partStart = from;
    for (int k = from; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0 && t.get(k).isPunctuation(",")) {
        parts.add(t.subList(partStart, k));
        partStart = k + 1;
      }
    }
    parts.add(t.subList(Math.min(partStart, t.size()), t.size()));
    return parts;
  }

  /** The names in the parenthesised list opening at {@code open}, or empty when an element is not a bare name. */
  static List<String> nameList(List<SqlToken> t, int open) {
    if (open >= t.size() || !t.get(open).isPunctuation("(")) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (List<SqlToken> element : splitTopLevel(t.subList(open + 1, closing(t, open)), 0)) {
      if (element.size() != 1 || !element.get(0).isName()) {
        return List.of();
      }
      names.add(element.get(0).name());
    }
    return names;
  }

  static QualifiedName qualifiedName(List<SqlToken> t, int i) {
    if (i >= t.size() || !t.get(i).isName()) {
      return new QualifiedName(null, "", "?", i);
    }
    List<SqlToken> parts = new ArrayList<>(List.of(t.get(i)));
    int next = i + 1;
    while (next + 1 < t.size() && t.get(next).isPunctuation(".") && t.get(next + 1).isName()) {
      parts.add(t.get(next + 1));
      next += 2;
    }
    String name = parts.get(parts.size() - 1).name();
    String schema = parts.size() > 1 ? parts.get(parts.size() - 2).name() : null;
    String text = String.join(".", parts.stream().map(SqlToken::text).toList());
    return new QualifiedName(schema, name, text, next);
  }

  /**
   * A (maybe schema-qualified) name as PostgreSQL resolves it, its text as written, and the token index
   * after it. {@code name} is empty when there was no name at the index.
   */
  record QualifiedName(String schema, String name, String text, int next) {
    static final QualifiedName UNKNOWN = new QualifiedName(null, "", "?", -1);

    boolean isKnown() {
      return !name.isEmpty();
    }

    /** Schema and name, {@code public} when unqualified. */
    String schemaOr(String fallback) {
      return schema == null ? fallback : schema;
    }
  }
}
