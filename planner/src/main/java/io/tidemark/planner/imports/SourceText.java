package io.tidemark.planner.imports;

import java.util.Objects;

/**
 * One migration file as read: its name as the report and the tool's history show it, the migration it belongs
 * to, and its text.
 *
 * @param name where it came from, as the report prints it ({@code migrations/0002_isbn/migration.sql})
 * @param migration the migration's identity in the tool's history: Django {@code app.name}, the Prisma
 *     directory name, the Flyway file name; empty when the tool keeps no history of its own (TypeORM, sql)
 *     or the history is written inside the text (Alembic)
 * @param text the file's content, exactly as read (Prisma's and Flyway's checksums are computed over it)
 */
public record SourceText(String name, String migration, String text) {
  public SourceText {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(migration, "migration");
    Objects.requireNonNull(text, "text");
  }
}
