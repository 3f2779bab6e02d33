package io.tidemark.planner.lint;

import java.util.Locale;

/**
 * One lexical token of PostgreSQL text, as {@link SqlTokenizer} cut it: its kind, its exact source text
 * (quotes, comment markers and dollar tags included) and the offset of its first character in the input.
 * Concatenating the texts of all tokens of an input gives the input back.
 */
public record SqlToken(Kind kind, String text, int start) {

  /** What a token is. Keywords and unquoted identifiers are both {@link #WORD}: PostgreSQL tells them apart only in the grammar. */
  public enum Kind {
    WHITESPACE,
    /** {@code -- to end of line} (the line break is not part of it). */
    LINE_COMMENT,
    /** {@code /* ... *}{@code /}, nested comments included. */
    BLOCK_COMMENT,
    /** A keyword or an unquoted identifier: {@code select}, {@code users}, {@code a$b}. */
    WORD,
    /** {@code "a""b"} or {@code U&"d\0061t"}. */
    QUOTED_IDENTIFIER,
    /** {@code 'it''s'} or the national form {@code N'...'}. */
    STRING,
    /** {@code E'it\'s'}: backslash escapes. */
    ESCAPE_STRING,
    /** {@code U&'d\0061t'}. */
    UNICODE_STRING,
    /** {@code B'1010'} or {@code X'1F'}. */
    BIT_STRING,
    /** {@code $$...$$} or {@code $tag$...$tag$}. */
    DOLLAR_STRING,
    NUMBER,
    /** {@code $1}. */
    PARAMETER,
    /** {@code =}, {@code <>}, {@code ||}, {@code ->>}, {@code :=} and every other operator. */
    OPERATOR,
    /** {@code ( ) , ; . .. [ ] : ::}. */
    PUNCTUATION,
    /** A character PostgreSQL's lexer passes through on its own, like a backslash. */
    OTHER
  }

  /** Offset just past the token's last character. */
  public int end() {
    return start + text.length();
  }

  /** The text upper-cased for a {@link Kind#WORD} (so keywords compare case-insensitively); other kinds unchanged. */
  public String upper() {
    return kind == Kind.WORD ? text.toUpperCase(Locale.ROOT) : text;
  }

  /** Whether this is the keyword (or unquoted identifier) {@code word}, in any case. */
  public boolean isWord(String word) {
    return kind == Kind.WORD && text.equalsIgnoreCase(word);
  }

  /** Whether this is the punctuation {@code p}, e.g. {@code "("} or {@code "::"}. */
  public boolean isPunctuation(String p) {
    return kind == Kind.PUNCTUATION && text.equals(p);
  }

  /** How this token changes the bracket depth: +1 for {@code (} and {@code [}, -1 for {@code )} and {@code ]}. */
  public int depthChange() {
    if (isPunctuation("(") || isPunctuation("[")) {
      return 1;
    }
    return isPunctuation(")") || isPunctuation("]") ? -1 : 0;
  }

  /** Whitespace and comments: the tokens PostgreSQL skips. */
  public boolean isTrivia() {
    return kind == Kind.WHITESPACE || isComment();
  }

  public boolean isComment() {
    return kind == Kind.LINE_COMMENT || kind == Kind.BLOCK_COMMENT;
  }

  /** Any string constant, dollar-quoted ones included. */
  public boolean isStringLiteral() {
    return switch (kind) {
      case STRING, ESCAPE_STRING, UNICODE_STRING, BIT_STRING, DOLLAR_STRING -> true;
      default -> false;
    };
  }

  /** A word or quoted identifier: something that may name a table, column or function. */
  public boolean isName() {
    return kind == Kind.WORD || kind == Kind.QUOTED_IDENTIFIER;
  }

  /**
   * The name as PostgreSQL resolves it: an unquoted word folded to lower case ({@code Users} → {@code users}),
   * a quoted identifier unquoted with doubled quotes undone ({@code "My""T"} → {@code My"T}). Only ASCII letters
   * are folded, as PostgreSQL does in UTF-8 databases.
   */
  public String name() {
    if (kind == Kind.QUOTED_IDENTIFIER && text.startsWith("\"")) {
      return text.substring(1, text.length() - 1).replace("\"\"", "\"");
    }
    if (kind != Kind.WORD) {
      return text;
    }
    StringBuilder folded = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return folded.toString();
  }
}
