package io.tidemark.planner.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.planner.lint.SqlToken.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTokenizerTest {

  private static List<SqlToken> significant(String sql) {
    return SqlTokenizer.tokenize(sql).stream().filter(t -> !t.isTrivia()).toList();
  }

  private static List<Kind> kinds(String sql) {
    return significant(sql).stream().map(SqlToken::kind).toList();
  }

  private static List<String> texts(String sql) {
    return significant(sql).stream().map(SqlToken::text).toList();
  }

  @Test
  void tokensConcatenateBackToTheInputWithTheirOffsets() {
    String sql = "SELECT a.\"b\"::int, 'x''y' -- c\n/* d */ FROM t WHERE e = $1;";
    List<SqlToken> tokens = SqlTokenizer.tokenize(sql);
    StringBuilder rebuilt = new StringBuilder();
    for (SqlToken token : tokens) {
      assertThat(token.start()).isEqualTo(rebuilt.length());
      rebuilt.append(token.text());
    }
    assertThat(rebuilt.toString()).isEqualTo(sql);
  }

  @Test
  void wordsKeepTheirTextAndCompareCaseInsensitively() {
    SqlToken word = significant("SeLeCt").get(0);
    assertThat(word.kind()).isEqualTo(Kind.WORD);
    assertThat(word.text()).isEqualTo("SeLeCt");
    assertThat(word.upper()).isEqualTo("SELECT");
    assertThat(word.name()).isEqualTo("select");
    assertThat(word.isWord("select")).isTrue();
  }

  @Test
  void quotedIdentifierUndoublesQuotesAndIsNotAKeyword() {
    SqlToken ident = significant("\"in\"\"dex\"").get(0);
    assertThat(ident.kind()).isEqualTo(Kind.QUOTED_IDENTIFIER);
    assertThat(ident.name()).isEqualTo("in\"dex");
    assertThat(ident.isWord("index")).isFalse();
  }

  @Test
  void standardStringKeepsDoubledQuoteAndBackslashIsLiteral() {
    assertThat(texts("'it''s' 'a\\' x")).containsExactly("'it''s'", "'a\\'", "x");
  }

  @Test
  void escapeStringTakesBackslashQuote() {
    assertThat(texts("E'it\\'s; DROP' x")).containsExactly("E'it\\'s; DROP'", "x");
    assertThat(kinds("e'\\\\' x")).containsExactly(Kind.ESCAPE_STRING, Kind.WORD);
  }

  @Test
  void prefixedLiteralsNeedTheQuoteRightAfterThePrefix() {
    assertThat(kinds("B'101' X'1F' N'n' U&'d\\0061t' U&\"d\\0061t\""))
        .containsExactly(Kind.BIT_STRING, Kind.BIT_STRING, Kind.STRING, Kind.UNICODE_STRING,
            Kind.QUOTED_IDENTIFIER);
    assertThat(kinds("e 'x'")).containsExactly(Kind.WORD, Kind.STRING);
    assertThat(kinds("be'x'")).containsExactly(Kind.WORD, Kind.STRING);
  }

  @Test
  void dollarQuotesWithAndWithoutTag() {
    assertThat(texts("$$a;'b$$ $fn$ x $$ y $fn$ z"))
        .containsExactly("$$a;'b$$", "$fn$ x $$ y $fn$", "z");
    assertThat(kinds("$$a$$")).containsExactly(Kind.DOLLAR_STRING);
  }

  @Test
  void dollarDigitIsAParameterNotAQuote() {
    assertThat(kinds("$1 + $23")).containsExactly(Kind.PARAMETER, Kind.OPERATOR, Kind.PARAMETER);
  }

  @Test
  void dollarInsideAWordIsPartOfTheWord() {
    assertThat(texts("a$b$c $x")).containsExactly("a$b$c", "$", "x");
  }

  @Test
  void nestedBlockCommentsEndAtTheMatchingClose() {
    List<SqlToken> tokens = SqlTokenizer.tokenize("/* a /* b */ still; */ x");
    assertThat(tokens.get(0).kind()).isEqualTo(Kind.BLOCK_COMMENT);
    assertThat(tokens.get(0).text()).isEqualTo("/* a /* b */ still; */");
    assertThat(texts("/* a /* b */ still; */ x")).containsExactly("x");
  }

  @Test
  void lineCommentEndsAtLineBreak() {
    List<SqlToken> tokens = SqlTokenizer.tokenize("a -- b; c\r\nd");
    assertThat(tokens).extracting(SqlToken::kind).contains(Kind.LINE_COMMENT);
    assertThat(texts("a -- b; c\r\nd")).containsExactly("a", "d");
  }

  @Test
  void numbersInTheirPostgresForms() {
    assertThat(texts("42 4.2 .5 1e-3 1.5E+10 0x1F 1_000 1.")).containsExactly(
        "42", "4.2", ".5", "1e-3", "1.5E+10", "0x1F", "1_000", "1.");
    assertThat(texts("a[1:2] b[1..2]")).containsExactly("a", "[", "1", ":", "2", "]", "b", "[", "1", "..", "2",
        "]");
  }

  @Test
  void operatorsFollowPostgresRules() {
    assertThat(texts("a=-1")).containsExactly("a", "=", "-", "1");
    assertThat(texts("a @- b")).containsExactly("a", "@-", "b");
    assertThat(texts("j->>'k' <> x::text")).containsExactly("j", "->>", "'k'", "<>", "x", "::", "text");
    assertThat(texts("a*/*c*/b")).containsExactly("a", "*", "b");
    assertThat(texts("f(a := 1)")).containsExactly("f", "(", "a", ":=", "1", ")");
  }

  @Test
  void punctuationTokens() {
    assertThat(kinds("( ) , ; . [ ] ::")).containsOnly(Kind.PUNCTUATION);
  }

  @Test
  void unterminatedStringIsReportedWithItsOffset() {
    assertThatThrownBy(() -> SqlTokenizer.tokenize("SELECT 'abc"))
        .isInstanceOfSatisfying(SqlLexException.class, e -> {
          assertThat(e.offset()).isEqualTo(7);
          assertThat(e.reason()).isEqualTo("unterminated quoted string");
        });
  }

  @Test
  void everyUnterminatedConstructIsAnErrorAtItsStart() {
    assertLexError("a /* b /* c */", 2);
    assertLexError("a $x$ b $y$", 2);
    assertLexError("a \"b", 2);
    assertLexError("E'a\\'", 0);
    assertLexError("a E'\\", 2);
    assertLexError("x B'10", 2);
    assertLexError("U&'x", 0);
    assertLexError("\"\"", 0);
  }

  @Test
  void emptyInputHasNoTokens() {
    assertThat(SqlTokenizer.tokenize("")).isEmpty();
  }

  private static void assertLexError(String sql, int offset) {
    assertThatThrownBy(() -> SqlTokenizer.tokenize(sql))
        .isInstanceOfSatisfying(SqlLexException.class, e -> assertThat(e.offset()).isEqualTo(offset));
  }
}
