package io.tidemark.planner.imports;

import java.util.List;
import java.util.Objects;

/**
 * What to import: the tool, the plan's id and databases, the migration files in the order they apply, where
 * the tool's history write goes, and optionally the schema as it is before them.
 *
 * @param schema SQL that built the schema before {@code sources} (the earlier migrations, or
 *     {@code pg_dump --schema-only}): read only for the column types a rename or a type change needs; nothing of
 *     it goes into the plan
 */
public record ImportRequest(SourceTool tool, String planId, List<String> databases, List<SourceText> sources,
    Bookkeeping bookkeeping, List<SourceText> schema) {
  public ImportRequest {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(planId, "planId");
    Objects.requireNonNull(bookkeeping, "bookkeeping");
    databases = List.copyOf(databases);
    sources = List.copyOf(sources);
    schema = List.copyOf(schema);
  }

  public ImportRequest(SourceTool tool, String planId, List<String> databases, List<SourceText> sources,
      Bookkeeping bookkeeping) {
    this(tool, planId, databases, sources, bookkeeping, List.of());
  }
}
