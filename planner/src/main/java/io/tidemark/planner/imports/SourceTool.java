package io.tidemark.planner.imports;

import java.util.Locale;

/** The migration tool whose SQL {@link Importer} reads; decides how files are ordered and which history it keeps. */
public enum SourceTool {
  /** {@code alembic upgrade A:B --sql}: one text with BEGIN/COMMIT and the {@code alembic_version} writes. */
  ALEMBIC,
  /** {@code manage.py sqlmigrate APP NAME}, one file per migration named {@code APP.NAME.sql}. */
  DJANGO,
  /** A {@code prisma/migrations} directory: one {@code NAME/migration.sql} per migration, ordered by name. */
  PRISMA,
  /** {@code V<version>__<description>.sql} files, ordered by version. */
  FLYWAY,
  /** SQL files extracted from TypeORM or Knex migrations, in the order given (a directory: by file name). */
  TYPEORM,
  /** Plain SQL files, in the order given (a directory: by file name). */
  SQL;

  /** The name on the command line: {@code alembic}, {@code django}, ... */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
