package io.tidemark.planner.lint;

import java.util.List;

/**
 * One statement of a SQL text, as {@link SqlStatements#split} found it.
 *
 * @param index 0-based position among the non-empty statements of the text
 * @param start offset of the statement's first token in the text (leading comments are not part of it)
 * @param end offset just past its last token (the terminating {@code ;} is not part of it)
 * @param text the source between {@code start} and {@code end}, inner comments included, as written
 * @param tokens the statement's tokens without whitespace and comments, never empty
 */
public record SqlStatement(int index, int start, int end, String text, List<SqlToken> tokens) {
  public SqlStatement {
    tokens = List.copyOf(tokens);
  }
}
