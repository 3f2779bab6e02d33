package io.tidemark.planner.imports;

import io.tidemark.planner.lint.SqlToken;
import io.tidemark.planner.lint.SqlTokenizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which {@code ALTER COLUMN ... TYPE} changes PostgreSQL makes in the catalog alone, without rewriting the
 * table or rebuilding its indexes: widening or removing a {@code varchar} limit, {@code varchar} to
 * {@code text}, and raising a {@code numeric} precision at the same scale. Types are compared as tokens, so
 * {@code CHARACTER VARYING(20)} and {@code varchar( 20 )} are the same type.
 */
final class TypeChanges {
  private TypeChanges() {}

  /** A type reduced to its base name and modifiers: {@code varchar(20)} → (varchar, [20]). */
  record Shape(String base, List<Integer> modifiers) {}

  static boolean needsNoRewrite(String from, String to) {
    Optional<Shape> a = shape(from);
    Optional<Shape> b = shape(to);
    if (a.isEmpty() || b.isEmpty()) {
      return false;
    }
    Shape f = a.get();
    Shape t = b.get();
    if (f.base().equals("varchar") && t.base().equals("text")) {
      return true;
    }
    if (f.base().equals("varchar") && t.base().equals("varchar")) {
      return t.modifiers().isEmpty() || (!f.modifiers().isEmpty() && t.modifiers().get(0) >= f.modifiers().get(0));
    }
    if (f.base().equals("text") && t.base().equals("varchar")) {
      return t.modifiers().isEmpty();
    }
    if (f.base().equals("numeric") && t.base().equals("numeric")) {
      if (t.modifiers().isEmpty()) {
        return true;
      }
      int fs = f.modifiers().size() > 1 ? f.modifiers().get(1) : 0;
      int ts = t.modifiers().size() > 1 ? t.modifiers().get(1) : 0;
      return !f.modifiers().isEmpty() && fs == ts && t.modifiers().get(0) >= f.modifiers().get(0);
    }
    return f.equals(t);
  }

  /** Whether {@code using} is just {@code column::type} (Django writes it for every type change). */
  static boolean isPlainCast(String using, String column, String type) {
    List<SqlToken> u = significant(using);
    if (u.size() < 3 || !u.get(0).isName() || !u.get(0).name().equals(column) || !u.get(1).isPunctuation("::")) {
      return false;
    }
    StringBuilder cast = new StringBuilder();
    u.subList(2, u.size()).forEach(tok -> cast.append(tok.text()).append(' '));
    return shape(cast.toString()).equals(shape(type));
  }

  static Optional<Shape> shape(String type) {
    List<SqlToken> tokens;
    try {
      tokens = significant(type);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    StringBuilder base = new StringBuilder();
    List<Integer> mods = new java.util.ArrayList<>();
    for (SqlToken tok : tokens) {
      if (tok.kind() == SqlToken.Kind.WORD) {
        base.append(base.length() == 0 ? "" : " ").append(tok.text().toLowerCase(Locale.ROOT));
      } else if (tok.kind() == SqlToken.Kind.NUMBER) {
        mods.add(Integer.parseInt(tok.text()));
      } else if (!tok.isPunctuation("(") && !tok.isPunctuation(")") && !tok.isPunctuation(",")) {
        return Optional.empty();
      }
    }
    String b = switch (base.toString()) {
      case "character varying", "varchar" -> "varchar";
      case "decimal", "numeric" -> "numeric";
      default -> base.toString();
    };
    return Optional.of(new Shape(b, List.copyOf(mods)));
  }

  private static List<SqlToken> significant(String text) {
    return SqlTokenizer.tokenize(text).stream().filter(tok -> !tok.isTrivia()).toList();
  }
}
