package io.tidemark.planner.lint;

import io.tidemark.planner.lint.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts PostgreSQL text into {@link SqlToken}s the way the server's own lexer ({@code scan.l}) does, with
 * {@code standard_conforming_strings = on} (the default since 9.1): a backslash is an escape only in
 * {@code E'...'}. What a text means depends on this: in {@code SELECT 'a;b' -- ;} only the last {@code ;}
 * is real, and it is inside a comment. Tidemark makes that assumption true on its own sessions: each one
 * starts with {@code standard_conforming_strings = on} and refuses to run SQL text when the server reports
 * otherwise ({@code io.tidemark.pg.PgConnections}; docs/architecture.md, "Tidemark's own sessions").
 *
 * <p>Rules worth knowing, each as PostgreSQL has them:
 * <ul>
 *   <li>block comments nest: {@code /* a /* b *}{@code / still a comment *}{@code /};
 *   <li>{@code $1} is a parameter; {@code $$} and {@code $tag$} open a dollar quote closed by the same
 *       delimiter; a tag is letters, digits and underscores, not starting with a digit; inside a word a
 *       {@code $} is just part of the word ({@code a$b$c});
 *   <li>{@code E'}, {@code B'}, {@code X'}, {@code N'}, {@code U&'} and {@code U&"} are prefixes only when the
 *       quote follows at once: {@code e 'x'} is the word {@code e} and a string;
 *   <li>an operator ends before {@code --} or {@code /*}, and loses a trailing {@code +}/{@code -} unless it
 *       holds one of {@code ~ ! @ # % ^ & | ` ?}, so {@code a=-1} is {@code a}, {@code =}, {@code -}, {@code 1}.
 * </ul>
 *
 * <p>Pure and thread-safe; never throws anything but {@link SqlLexException}.
 */
public final class SqlTokenizer {

  private static final String OPERATOR_CHARS = "~!@#^&|`?+-*/%<>=";
  /** An operator holding one of these keeps a trailing + or -. */
  private static final String NON_MATH_OPERATOR_CHARS = "~!@#^&|`?%";
  private static final String SINGLE_PUNCTUATION = "(),;[].";

  private final String sql;
  private final List<SqlToken> tokens = new ArrayList<>();
  private int pos;

  private SqlTokenizer(String sql) {
    this.sql = sql;
  }

  /**
   * All tokens of {@code sql}, trivia (whitespace, comments) included.
   *
   * @throws SqlLexException for unterminated strings, quoted identifiers, comments or dollar quotes, and for
   *     {@code ""}; the exception's offset is where the construct starts
   */
  public static List<SqlToken> tokenize(String sql) {
    Lexed lexed = lex(sql);
    if (lexed.error().isPresent()) {
      throw lexed.error().get();
    }
    return lexed.tokens();
  }

  /** The tokens up to the first error, and that error if there is one. */
  static Lexed lex(String sql) {
    SqlTokenizer tokenizer = new SqlTokenizer(sql);
    try {
      tokenizer.run();
      return new Lexed(List.copyOf(tokenizer.tokens), Optional.empty());
    } catch (SqlLexException e) {
      return new Lexed(List.copyOf(tokenizer.tokens), Optional.of(e));
    }
  }

  /** Tokens of a text, and the first lexical error if the text has one (the tokens then stop before it). */
  record Lexed(List<SqlToken> tokens, Optional<SqlLexException> error) {}

  private void run() {
    while (pos < sql.length()) {
      int start = pos;
      Kind kind = next();
      tokens.add(new SqlToken(kind, sql.substring(start, pos), start));
    }
  }

  /** Consumes one token starting at {@code pos} and says what it was. */
  private Kind next() {
    char c = sql.charAt(pos);
    if (isWhitespace(c)) {
      while (pos < sql.length() && isWhitespace(sql.charAt(pos))) {
        pos++;
      }
      return Kind.WHITESPACE;
    }
    if (startsWith("--")) {
      return lineComment();
    }
    if (startsWith("/*")) {
      return blockComment();
    }
    if (c == '\'') {
      return quoted(pos, 0, Kind.STRING, "unterminated quoted string");
    }
    if (c == '"') {
      return quotedIdentifier(pos, 0);
    }
    if (c == '$') {
      return dollar();
    }
    if (startsWith("..")) {
      pos += 2;
      return Kind.PUNCTUATION;
    }
    if (isDigit(c) || (c == '.' && isDigit(charAt(pos + 1)))) {
      return number();
    }
    if (isIdentStart(c)) {
      return wordOrPrefixedLiteral(c);
    }
    if (c == ':') {
      return colon();
    }
    if (SINGLE_PUNCTUATION.indexOf(c) >= 0) {
      pos++;
      return Kind.PUNCTUATION;
    }
    if (OPERATOR_CHARS.indexOf(c) >= 0) {
      return operator();
    }
    pos++;
    return Kind.OTHER;
  }

  private Kind lineComment() {
    while (pos < sql.length() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
      pos++;
    }
    return Kind.LINE_COMMENT;
  }

  private Kind blockComment() {
    int start = pos;
    int depth = 0;
    while (pos < sql.length()) {
      if (startsWith("/*")) {
        depth++;
        pos += 2;
      } else if (startsWith("*/")) {
        depth--;
        pos += 2;
        if (depth == 0) {
          return Kind.BLOCK_COMMENT;
        }
      } else {
        pos++;
      }
    }
    throw new SqlLexException("unterminated /* comment", start);
  }

  /**
   * A quoted string whose opening quote is at {@code quoteAt}; {@code start} is where its prefix began.
   * {@code ''} is a quote inside the string; in an {@link Kind#ESCAPE_STRING} so is {@code \'}. A bit string
   * ends at its first quote, as in PostgreSQL.
   */
  private Kind quoted(int start, int prefixLength, Kind kind, String unterminated) {
    pos = start + prefixLength + 1;
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (c == '\\' && kind == Kind.ESCAPE_STRING) {
        pos += 2;
      } else if (c == '\'' && kind != Kind.BIT_STRING && charAt(pos + 1) == '\'') {
        pos += 2;
      } else if (c == '\'') {
        pos++;
        return kind;
      } else {
        pos++;
      }
    }
    throw new SqlLexException(unterminated, start);
  }

  private Kind quotedIdentifier(int start, int prefixLength) {
    pos = start + prefixLength + 1;
    while (pos < sql.length()) {
      if (sql.charAt(pos) == '"' && charAt(pos + 1) == '"') {
        pos += 2;
      } else if (sql.charAt(pos) == '"') {
        pos++;
        if (pos - start - prefixLength == 2) {
          throw new SqlLexException("zero-length delimited identifier", start);
        }
        return Kind.QUOTED_IDENTIFIER;
      } else {
        pos++;
      }
    }
    throw new SqlLexException("unterminated quoted identifier", start);
  }

  /**
   * {@code $1} (parameter), {@code $tag$...$tag$} (dollar quote) or a lone {@code $}. The closing delimiter
   * must match exactly, tag case included: {@code $a$ x $A$} is unterminated.
   */
  private Kind dollar() {
    int start = pos;
    if (isDigit(charAt(pos + 1))) {
      pos++;
      while (isDigit(charAt(pos))) {
        pos++;
      }
      return Kind.PARAMETER;
    }
    int tagEnd = pos + 1;
    if (isIdentStart(charAt(tagEnd))) {
      while (isDollarTagChar(charAt(tagEnd))) {
        tagEnd++;
      }
    }
    if (charAt(tagEnd) != '$') {
      pos++;
      return Kind.OTHER;
    }
    String delimiter = sql.substring(start, tagEnd + 1);
    int close = sql.indexOf(delimiter, tagEnd + 1);
    if (close < 0) {
      throw new SqlLexException("unterminated dollar-quoted string", start);
    }
    pos = close + delimiter.length();
    return Kind.DOLLAR_STRING;
  }

  /**
   * Decimal ({@code 42}, {@code 4.2}, {@code .5}, {@code 1e-3}, {@code 1_000}) and, as in PostgreSQL 16,
   * {@code 0x1F}, {@code 0o17}, {@code 0b101}. {@code 1..2} is {@code 1} then {@code ..}: the dots of an array
   * slice are not a decimal point.
   */
  private Kind number() {
    char prefix = Character.toLowerCase(charAt(pos + 1));
    if (sql.charAt(pos) == '0' && (prefix == 'x' || prefix == 'o' || prefix == 'b')
        && isIdentCont(charAt(pos + 2))) {
      pos += 2;
      while (isDigit(charAt(pos)) || Character.isLetter(charAt(pos)) || charAt(pos) == '_') {
        pos++;
      }
      return Kind.NUMBER;
    }
    digits();
    if (charAt(pos) == '.' && charAt(pos + 1) != '.') {
      pos++;
      digits();
    }
    char e = charAt(pos);
    if (e == 'e' || e == 'E') {
      int exponent = pos + 1;
      if (charAt(exponent) == '+' || charAt(exponent) == '-') {
        exponent++;
      }
      if (isDigit(charAt(exponent))) {
        pos = exponent;
        digits();
      }
    }
    return Kind.NUMBER;
  }

  private void digits() {
    while (isDigit(charAt(pos)) || (charAt(pos) == '_' && isDigit(charAt(pos + 1)))) {
      pos++;
    }
  }

  private Kind wordOrPrefixedLiteral(char c) {
    char lower = Character.toLowerCase(c);
    char following = charAt(pos + 1);
    if (following == '\'') {
      switch (lower) {
        case 'e':
          return quoted(pos, 1, Kind.ESCAPE_STRING, "unterminated quoted string");
        case 'b':
        case 'x':
          return quoted(pos, 1, Kind.BIT_STRING, "unterminated bit-string literal");
        case 'n':
          return quoted(pos, 1, Kind.STRING, "unterminated quoted string");
        default:
          break;
      }
    }
    if (lower == 'u' && following == '&' && charAt(pos + 2) == '\'') {
      return quoted(pos, 2, Kind.UNICODE_STRING, "unterminated quoted string");
    }
    if (lower == 'u' && following == '&' && charAt(pos + 2) == '"') {
      return quotedIdentifier(pos, 2);
    }
    pos++;
    while (pos < sql.length() && isIdentCont(sql.charAt(pos))) {
      pos++;
    }
    return Kind.WORD;
  }

  /** {@code ::} (cast), {@code :=} (named argument, an operator) or {@code :} (array slice). */
  private Kind colon() {
    if (startsWith("::")) {
      pos += 2;
      return Kind.PUNCTUATION;
    }
    if (startsWith(":=")) {
      pos += 2;
      return Kind.OPERATOR;
    }
    pos++;
    return Kind.PUNCTUATION;
  }

  private Kind operator() {
    int start = pos;
    int end = pos;
    while (end < sql.length() && OPERATOR_CHARS.indexOf(sql.charAt(end)) >= 0) {
      if (end > start && (sql.startsWith("--", end) || sql.startsWith("/*", end))) {
        break;
      }
      end++;
    }
    String op = sql.substring(start, end);
    boolean math = op.chars().noneMatch(ch -> NON_MATH_OPERATOR_CHARS.indexOf(ch) >= 0);
    while (math && end - start > 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-')) {
      end--;
    }
    pos = end;
    return Kind.OPERATOR;
  }

  private boolean startsWith(String prefix) {
    return sql.startsWith(prefix, pos);
  }

  /** The char at {@code i}, or NUL past the end (NUL never starts or continues any token). */
  private char charAt(int i) {
    return i < sql.length() ? sql.charAt(i) : '\0';
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** PostgreSQL takes every non-ASCII character as a letter. */
  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean isIdentCont(char c) {
    return isIdentStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isDollarTagChar(char c) {
    return isIdentStart(c) || isDigit(c);
  }
}
