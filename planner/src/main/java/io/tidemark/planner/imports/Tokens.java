package io.tidemark.planner.imports;

import io.tidemark.planner.lint.SqlToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cursor over the significant tokens of one statement, with the few grammar steps the rewrite needs: keyword
 * sequences, (schema-)qualified names, parenthesised groups and top-level comma lists. Text is always cut from
 * the source between token offsets, so expressions keep their spelling, quoting and inner comments.
 */
final class Tokens {
  private final String source;
  private final List<SqlToken> tokens;
  private int pos;

  Tokens(String source, List<SqlToken> tokens) {
    this.source = source;
    this.tokens = List.copyOf(tokens);
  }

  /** A cursor over {@code [from, to)} of this one's tokens, at its start. */
  Tokens slice(int from, int to) {
    return new Tokens(source, tokens.subList(from, to));
  }

  int pos() {
    return pos;
  }

  void seek(int p) {
    pos = p;
  }

  int size() {
    return tokens.size();
  }

  boolean atEnd() {
    return pos >= tokens.size();
  }

  SqlToken get(int i) {
    return tokens.get(i);
  }

  Optional<SqlToken> peek() {
    return atEnd() ? Optional.empty() : Optional.of(tokens.get(pos));
  }

  /** Whether the words follow at the cursor (any case), without moving. */
  boolean at(String... words) {
    for (int k = 0; k < words.length; k++) {
      int i = pos + k;
      if (i >= tokens.size() || !matches(tokens.get(i), words[k])) {
        return false;
      }
    }
    return true;
  }

  /** Moves past the words if they follow at the cursor. */
  boolean accept(String... words) {
    if (!at(words)) {
      return false;
    }
    pos += words.length;
    return true;
  }

  private static boolean matches(SqlToken token, String word) {
    return Character.isLetter(word.charAt(0)) ? token.isWord(word) : token.text().equals(word);
  }

  /** A name, optionally schema-qualified, at the cursor; empty (cursor unmoved) when there is none. */
  Optional<QName> name() {
    if (atEnd() || !tokens.get(pos).isName()) {
      return Optional.empty();
    }
    int start = pos;
    SqlToken first = tokens.get(pos++);
    if (pos + 1 < tokens.size() && tokens.get(pos).isPunctuation(".") && tokens.get(pos + 1).isName()) {
      SqlToken second = tokens.get(pos + 1);
      pos += 2;
      return Optional.of(new QName(Optional.of(first.name()), second.name(), text(start, pos)));
    }
    return Optional.of(new QName(Optional.empty(), first.name(), text(start, pos)));
  }

  /** The index of the token closing the parenthesis at {@code open}, or -1. */
  int closing(int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      depth += tokens.get(i).depthChange();
      if (depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The first index in {@code [from, to)} at parenthesis depth 0 holding one of the words, or {@code to}. */
  int findTopLevel(int from, int to, java.util.Set<String> words) {
    int depth = 0;
    for (int i = from; i < to; i++) {
      SqlToken t = tokens.get(i);
      if (depth == 0 && t.kind() == SqlToken.Kind.WORD && words.contains(t.upper())) {
        return i;
      }
      depth += t.depthChange();
    }
    return to;
  }

  /** {@code [from, to)} cut at depth-0 commas into {@code [start, end)} ranges. */
  List<int[]> splitCommas(int from, int to) {
    List<int[]> parts = new ArrayList<>();
    int depth = 0;
    int start = from;
    for (int i = from; i < to; i++) {
      SqlToken t = tokens.get(i);
      if (depth == 0 && t.isPunctuation(",")) {
        parts.add(new int[] {start, i});
        start = i + 1;
      }
      depth += t.depthChange();
    }
    if (start < to) {
      parts.add(new int[] {start, to});
    }
    return parts;
  }

  /** The source text of tokens {@code [from, to)}, everything between them included; empty when from >= to. */
  String text(int from, int to) {
    if (from >= to) {
      return "";
    }
    return source.substring(tokens.get(from).start(), tokens.get(to - 1).end());
  }

  /** Source text from token {@code from} to the end. */
  String rest(int from) {
    return text(from, tokens.size());
  }

  /** Whether {@code [from, to)} is exactly one name token. */
  boolean isSingleName(int from, int to) {
    return to == from + 1 && tokens.get(from).isName();
  }

  /** Offset in the source where token {@code i} starts. */
  int offset(int i) {
    return tokens.get(i).start();
  }
}
