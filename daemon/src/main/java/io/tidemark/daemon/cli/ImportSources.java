package io.tidemark.daemon.cli;

import io.tidemark.planner.imports.FlywayName;
import io.tidemark.planner.imports.SourceText;
import io.tidemark.planner.imports.SourceTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads migration files from the paths given on the command line, in the order the tool applies them:
 * <ul>
 *   <li>Alembic, TypeORM/Knex, sql: the files in the order given; a directory gives its {@code *.sql} files by name;
 *   <li>Django: {@code APP.MIGRATION.sql} files (the output of {@code sqlmigrate APP MIGRATION}), in the order given;
 *   <li>Prisma: a {@code migrations} directory (each {@code NAME/migration.sql}, by name), one migration
 *       directory, or a {@code migration.sql} file (named by its directory);
 *   <li>Flyway: {@code V<version>__<description>.sql} files, ordered by version; a directory gives all of them.
 * </ul>
 * Blocking file I/O on the calling thread (the CLI's): the planner's importer takes the texts with their names
 * and reads no file itself. A file the tool would not accept is an {@link IOException} naming it.
 */
public final class ImportSources {
  private static final String DJANGO_FORM = "name Django files APP.MIGRATION.sql (sqlmigrate APP MIGRATION > APP.MIGRATION.sql)";

  private ImportSources() {}

  public static List<SourceText> read(SourceTool tool, List<Path> paths) throws IOException {
    return switch (tool) {
      case PRISMA -> prisma(paths);
      case FLYWAY -> flyway(paths);
      case DJANGO -> django(paths);
      case ALEMBIC, TYPEORM, SQL -> plain(paths);
    };
  }

  /** A migration read from standard input (named {@code <stdin>}); Django's identity must come from the files. */
  public static SourceText stdin(SourceTool tool, String text) throws IOException {
    if (tool != SourceTool.ALEMBIC && tool != SourceTool.TYPEORM && tool != SourceTool.SQL) {
      throw new IOException("--from " + tool.cliName() + " needs files: the migration's name comes from its path");
    }
    return new SourceText("<stdin>", "", text);
  }

  private static List<SourceText> plain(List<Path> paths) throws IOException {
    List<SourceText> out = new ArrayList<>();
    for (Path p : expand(paths, ".sql")) {
      out.add(new SourceText(p.toString(), "", read(p)));
    }
    return out;
  }

  private static List<SourceText> django(List<Path> paths) throws IOException {
    List<SourceText> out = new ArrayList<>();
    for (Path p : expand(paths, ".sql")) {
      String file = p.getFileName().toString();
      String base = file.substring(0, file.length() - ".sql".length());
      int dot = base.indexOf('.');
      if (dot <= 0 || dot == base.length() - 1) {
        throw new IOException(p + ": " + DJANGO_FORM);
      }
      out.add(new SourceText(p.toString(), base, read(p)));
    }
    return out;
  }

  private static List<SourceText> prisma(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isRegularFile(p)) {
        files.add(p);
      } else if (Files.isRegularFile(p.resolve("migration.sql"))) {
        files.add(p.resolve("migration.sql"));
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> dirs = Files.list(p)) {
          dirs.filter(d -> Files.isRegularFile(d.resolve("migration.sql"))).sorted(byName())
              .forEach(d -> files.add(d.resolve("migration.sql")));
        }
      } else {
        throw new IOException(p + ": no such file or directory");
      }
    }
    List<SourceText> out = new ArrayList<>();
    for (Path f : files) {
      Path dir = f.toAbsolutePath().getParent();
      out.add(new SourceText(f.toString(), dir.getFileName().toString(), read(f)));
    }
    return out;
  }

  private static List<SourceText> flyway(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> FlywayName.parse(f.getFileName().toString()).isPresent()).forEach(files::add);
        }
      } else if (FlywayName.parse(p.getFileName().toString()).isPresent()) {
        files.add(p);
      } else {
        throw new IOException(p + ": not a versioned Flyway script V<version>__<description>.sql");
      }
    }
    files.sort(Comparator.comparing(f -> FlywayName.parse(f.getFileName().toString()).orElseThrow()));
    List<SourceText> out = new ArrayList<>();
    for (Path f : files) {
      out.add(new SourceText(f.toString(), f.getFileName().toString(), read(f)));
    }
    return out;
  }

  private static List<Path> expand(List<Path> paths, String suffix) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f)).sorted(byName())
              .forEach(out::add);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private static Comparator<Path> byName() {
    return Comparator.comparing(p -> p.getFileName().toString());
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
