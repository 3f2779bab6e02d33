package io.tidemark.planner.imports;

import io.tidemark.planner.Phase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One step-to-be that a source statement became: where it goes, what it is, and which named objects it
 * creates, drops or renames ({@code defines}) or relies on ({@code needs}), by key: {@code table:public.users},
 * {@code column:public.users.email}, {@code index:public.users_email_idx}, {@code unique:public.users(email)},
 * {@code constraint:public.users.users_email_key}, {@code type:public.mood}. The assembler refuses a piece
 * that must come after an earlier one but would run in an earlier phase.
 */
record Piece(Phase phase, Step step, String became, Set<String> defines, Set<String> needs) {
  Piece {
    defines = Set.copyOf(defines);
    needs = Set.copyOf(needs);
  }

  /** What the piece is in the plan: an operation or raw statements. */
  sealed interface Step permits OpStep, SqlStep {}

  /** An operation of the plan language, its keys in the order written. */
  record OpStep(String op, Map<String, Object> fields) implements Step {
    OpStep {
      fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
  }

  /**
   * A {@code sql} step.
   *
   * @param mergeable whether further transactional statements of the same phase may join this step
   * @param createsTables tables a {@code CREATE TABLE} of these statements makes (by {@link QName#key()})
   * @param findings the lint findings that keep the statement unsafe, one line each; empty when it is safe
   */
  record SqlStep(List<String> statements, boolean transactional, boolean mergeable, Optional<String> unsafe,
      Set<String> createsTables, List<String> findings) implements Step {
    SqlStep {
      statements = List.copyOf(statements);
      createsTables = Set.copyOf(createsTables);
      findings = List.copyOf(findings);
    }
  }
}
