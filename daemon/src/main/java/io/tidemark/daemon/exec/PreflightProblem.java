package io.tidemark.daemon.exec;

import java.util.Optional;

/**
 * One reason a plan should not start on a database.
 *
 * @param stepId  the step it concerns ({@code expand[1]/create-index}); empty for the database as a whole
 *                (unreachable, server too old)
 * @param code    stable, kebab-case, for tools and tests: {@code unreachable}, {@code server-version},
 *                {@code table-missing}, {@code not-a-table}, {@code not-owner}, {@code schema-missing},
 *                {@code no-create-privilege}, {@code column-missing}, {@code column-type-conflict},
 *                {@code unknown-type}, {@code name-taken}, {@code index-conflict},
 *                {@code constraint-conflict}, {@code foreign-key-type-mismatch},
 *                {@code referenced-key-not-unique}, {@code no-unique-key}, {@code type-missing},
 *                {@code check-failed}, {@code forbidden-function}, {@code volatile-function}
 * @param message for people, naming the objects: {@code public.orders.customer_id is integer but
 *                public.customers.id is bigint}
 */
public record PreflightProblem(Optional<String> stepId, String code, String message) {
  @Override
  public String toString() {
    return stepId.map(s -> s + ": ").orElse("") + message + " [" + code + "]";
  }
}
