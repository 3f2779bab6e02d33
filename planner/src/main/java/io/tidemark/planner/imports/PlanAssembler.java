package io.tidemark.planner.imports;

import io.tidemark.planner.Phase;
import io.tidemark.planner.imports.Piece.OpStep;
import io.tidemark.planner.imports.Piece.SqlStep;
import io.tidemark.planner.imports.Piece.Step;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Places pieces into their phases in source order, joins consecutive transactional {@code sql} pieces of a
 * phase into one step (so statements on a table created just before see its {@code CREATE TABLE}, as the lint
 * requires), and refuses a piece that must follow an earlier one but would run in an earlier phase.
 *
 * <p>Example of a refusal: {@code ALTER TABLE t DROP COLUMN a} (contract) followed by
 * {@code ALTER TABLE t ADD COLUMN a int} (expand) — run by phase, the new column would be added while the
 * old one still exists, and then dropped: both statements are named.
 */
final class PlanAssembler {
  /** A step of the plan being built, with the comment lines written above it. */
  private static final class Assembled {
    Step step;
    final List<String> comments = new ArrayList<>();
    /** How many pieces were placed before this step was made: the ones after it ran later in the source. */
    final int placedBefore;

    Assembled(Step step, int placedBefore) {
      this.step = step;
      this.placedBefore = placedBefore;
    }
  }

  /** A placed piece, for the order check, and the step it went into. */
  private record Placed(String where, Phase phase, Set<String> defines, Assembled step) {}

  private final Map<Phase, List<Assembled>> steps = new EnumMap<>(Phase.class);
  private final List<Placed> placed = new ArrayList<>();

  PlanAssembler() {
    for (Phase p : Phase.values()) {
      steps.put(p, new ArrayList<>());
    }
  }

  /** Tables created by the sql steps of expand that can still take statements on them. */
  Set<String> joinableTables() {
    Set<String> tables = new HashSet<>();
    for (Assembled a : steps.get(Phase.EXPAND)) {
      if (a.step instanceof SqlStep s && s.mergeable()) {
        tables.addAll(s.createsTables());
      }
    }
    return tables;
  }

  /**
   * Adds a statement on a table this import creates to the step that creates it, which moves it before the
   * statements that came between. Refused (empty) when one of those creates, drops or renames something the
   * statement touches; the caller then rewrites it as a statement on an existing table.
   *
   * @return the order conflicts it causes, as {@link #add}
   */
  Optional<List<String>> join(Piece piece, String table, String where, String comment) {
    Assembled target = null;
    for (Assembled a : steps.get(Phase.EXPAND)) {
      if (a.step instanceof SqlStep s && s.mergeable() && s.createsTables().contains(table)) {
        target = a;
      }
    }
    if (target == null || !(piece.step() instanceof SqlStep joining)) {
      return Optional.empty();
    }
    Set<String> touched = new HashSet<>(piece.defines());
    touched.addAll(piece.needs());
    for (Placed between : placed.subList(target.placedBefore, placed.size())) {
      if (between.step() != target && between.defines().stream().anyMatch(touched::contains)) {
        return Optional.empty();
      }
    }
    List<String> conflicts = conflicts(piece, where);
    SqlStep s = (SqlStep) target.step;
    List<String> statements = new ArrayList<>(s.statements());
    statements.addAll(joining.statements());
    target.step = new SqlStep(statements, true, true, Optional.empty(), s.createsTables(), List.of());
    target.comments.add(comment);
    placed.add(new Placed(where, piece.phase(), piece.defines(), target));
    return Optional.of(conflicts);
  }

  /**
   * Adds the pieces of one source statement; {@code where} names it ({@code file:line: head}).
   *
   * @return the order conflicts it causes, one message each, naming both statements
   */
  List<String> add(List<Piece> pieces, String where, String comment) {
    List<String> conflicts = new ArrayList<>();
    List<Assembled> into = new ArrayList<>();
    boolean first = true;
    for (Piece piece : pieces) {
      conflicts.addAll(conflicts(piece, where));
      into.add(place(piece.phase(), piece.step(), first ? comment : null));
      first = false;
    }
    for (int i = 0; i < pieces.size(); i++) {
      placed.add(new Placed(where, pieces.get(i).phase(), pieces.get(i).defines(), into.get(i)));
    }
    return conflicts;
  }

  /** Adds a step that never joins another (the tool's bookkeeping) at the end of {@code phase}. */
  void addLast(Phase phase, Step step, String comment) {
    Assembled a = new Assembled(step, placed.size());
    a.comments.add(comment);
    steps.get(phase).add(a);
  }

  private List<String> conflicts(Piece piece, String where) {
    Set<String> touched = new HashSet<>(piece.defines());
    touched.addAll(piece.needs());
    List<String> found = new ArrayList<>();
    for (Placed earlier : placed) {
      if (earlier.phase().compareTo(piece.phase()) <= 0) {
        continue;
      }
      Set<String> shared = new HashSet<>(earlier.defines());
      shared.retainAll(touched);
      if (!shared.isEmpty() && !earlier.where().equals(where)) {
        found.add(where + " must run after " + earlier.where() + " (both touch " + String.join(", ", shared.stream()
            .sorted().toList()) + "), but it goes to " + name(piece.phase()) + " and that one to "
            + name(earlier.phase()) + ", which runs later: split the migration into two plans at that point");
      }
    }
    return found;
  }

  private Assembled place(Phase phase, Step step, String comment) {
    List<Assembled> list = steps.get(phase);
    if (step instanceof SqlStep s && s.mergeable() && !list.isEmpty()
        && list.get(list.size() - 1).step instanceof SqlStep last && last.mergeable()) {
      List<String> statements = new ArrayList<>(last.statements());
      statements.addAll(s.statements());
      Set<String> created = new HashSet<>(last.createsTables());
      created.addAll(s.createsTables());
      Assembled open = list.get(list.size() - 1);
      open.step = new SqlStep(statements, true, true, Optional.empty(), created, List.of());
      if (comment != null) {
        open.comments.add(comment);
      }
      return open;
    }
    Assembled a = new Assembled(step, placed.size());
    if (comment != null) {
      a.comments.add(comment);
    }
    list.add(a);
    return a;
  }

  boolean isEmpty() {
    return steps.values().stream().allMatch(List::isEmpty);
  }

  /** The plan as HOCON: a header, id, databases, then each phase with a comment above every step. */
  String render(List<String> header, String id, List<String> databases) {
    StringBuilder b = new StringBuilder();
    header.forEach(h -> b.append(Hocon.comment("", h)));
    b.append("id = ").append(Hocon.string(id)).append('\n');
    b.append("databases = ").append(Hocon.value(databases)).append('\n');
    for (Phase phase : Phase.values()) {
      List<Assembled> list = steps.get(phase);
      if (list.isEmpty()) {
        continue;
      }
      b.append('\n').append(name(phase)).append(" = [\n");
      for (Assembled a : list) {
        a.comments.forEach(c -> b.append(Hocon.comment("  ", c)));
        b.append("  ").append(render(a.step)).append('\n');
      }
      b.append("]\n");
    }
    return b.toString();
  }

  private static String render(Step step) {
    if (step instanceof OpStep op) {
      StringBuilder b = new StringBuilder("{ op = ").append(op.op());
      op.fields().forEach((k, v) -> b.append(", ").append(k).append(" = ").append(Hocon.value(v)));
      return b.append(" }").toString();
    }
    SqlStep s = (SqlStep) step;
    StringBuilder b = new StringBuilder();
    s.findings().forEach(f -> b.append("# lint: ").append(f.replace('\n', ' ')).append("\n  "));
    b.append("{ op = sql");
    if (!s.transactional()) {
      b.append(", transactional = false");
    }
    s.unsafe().ifPresent(u -> b.append(", unsafe = ").append(Hocon.string(u)));
    b.append(", statements = ").append(Hocon.string(String.join(";\n", s.statements()))).append(" }");
    return b.toString();
  }

  static String name(Phase phase) {
    return phase.name().toLowerCase(Locale.ROOT);
  }
}
