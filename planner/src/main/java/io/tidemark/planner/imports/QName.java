package io.tidemark.planner.imports;

import java.util.Optional;

/**
 * A possibly schema-qualified name as PostgreSQL resolves it ({@code "App".Users} → schema {@code App}, name
 * {@code users}), with the text it was written as.
 */
record QName(Optional<String> schema, String name, String sql) {
  /** The schema an unqualified name resolves to under the default search_path. */
  static final String DEFAULT_SCHEMA = "public";

  String schemaOrDefault() {
    return schema.orElse(DEFAULT_SCHEMA);
  }

  /** {@code public.users}: the key dependencies and the lint's created-table set compare by. */
  String key() {
    return schemaOrDefault() + "." + name;
  }
}
