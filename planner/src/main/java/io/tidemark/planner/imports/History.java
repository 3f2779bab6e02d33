package io.tidemark.planner.imports;

import io.tidemark.planner.lint.SqlStatement;
import io.tidemark.planner.lint.SqlToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tool's own history write, carried as the plan's last step so the tool agrees with the database
 * afterwards. Every statement is idempotent ({@code IF NOT EXISTS}, {@code WHERE NOT EXISTS}, an UPDATE from the
 * old revision only), because a step may run again after an interruption. The history tables are created as
 * the tools create them, for a database the tool has never touched.
 */
final class History {
  /** Alembic's revision before and after the imported upgrade, read from its own {@code alembic_version} writes. */
  private Optional<String> alembicFrom = Optional.empty();
  private Optional<String> alembicTo = Optional.empty();
  private boolean alembicSeen;
  /** Whether the upgrade crosses a branch point or a merge (several heads): one UPDATE cannot say that. */
  private boolean alembicBranched;
  private String alembicTable = "alembic_version";

  /** Whether {@code statement} is Alembic's history write (taken here instead of being rewritten). */
  boolean takeAlembic(SqlStatement statement, String source) {
    Tokens t = new Tokens(source, statement.tokens());
    Optional<QName> table = Optional.empty();
    if (t.accept("CREATE", "TABLE") || t.accept("INSERT", "INTO") || t.accept("UPDATE") || t.accept("DELETE", "FROM")) {
      table = t.name();
    }
    if (table.isEmpty() || !table.get().name().equals("alembic_version")) {
      return false;
    }
    alembicTable = table.get().sql();
    List<String> strings = new ArrayList<>();
    for (SqlToken tok : statement.tokens()) {
      if (tok.kind() == SqlToken.Kind.STRING) {
        strings.add(tok.text().substring(1, tok.text().length() - 1).replace("''", "'"));
      }
    }
    SqlToken verb = statement.tokens().get(0);
    if (verb.isWord("UPDATE") && strings.size() == 2) {
      if (!alembicSeen) {
        alembicFrom = Optional.of(strings.get(1));
      }
      alembicBranched |= alembicSeen && !alembicTo.equals(Optional.of(strings.get(1)));
      alembicTo = Optional.of(strings.get(0));
      alembicSeen = true;
    } else if (verb.isWord("INSERT") && strings.size() == 1) {
      alembicBranched |= alembicSeen;
      alembicTo = Optional.of(strings.get(0));
      alembicSeen = true;
    } else if (verb.isWord("DELETE")) {
      alembicBranched = true;
    }
    return true;
  }

  /**
   * What the user must decide about the history, if anything: an Alembic upgrade across a branch point or a
   * merge leaves several heads (or removes some), which the one-row move of the bookkeeping step cannot write.
   */
  Optional<String> decision(SourceTool tool) {
    return tool == SourceTool.ALEMBIC && alembicBranched
        ? Optional.of("the Alembic upgrade crosses a branch point or a merge: the bookkeeping step moves one head ("
            + alembicFrom.orElse("base") + " -> " + alembicTo.orElse("?") + ") only; write alembic_version yourself")
        : Optional.empty();
  }

  /** The bookkeeping statements, and whether the step needs {@code unsafe} (Alembic's one-row UPDATE). */
  record Write(List<String> statements, Optional<String> unsafe, String summary) {}

  Optional<Write> write(SourceTool tool, List<SourceText> sources) {
    return switch (tool) {
      case ALEMBIC -> alembic();
      case DJANGO -> Optional.of(django(sources));
      case PRISMA -> Optional.of(prisma(sources));
      case FLYWAY -> Optional.of(flyway(sources));
      case TYPEORM, SQL -> Optional.empty();
    };
  }

  private Optional<Write> alembic() {
    if (alembicTo.isEmpty()) {
      return Optional.empty();
    }
    List<String> s = new ArrayList<>();
    s.add("CREATE TABLE IF NOT EXISTS " + alembicTable + " (version_num VARCHAR(32) NOT NULL, "
        + "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
    if (alembicFrom.isEmpty()) {
      s.add("INSERT INTO " + alembicTable + " (version_num) SELECT " + literal(alembicTo.get())
          + " WHERE NOT EXISTS (SELECT 1 FROM " + alembicTable + ")");
      return Optional.of(new Write(s, Optional.empty(), "alembic_version = " + alembicTo.get()));
    }
    s.add("UPDATE " + alembicTable + " SET version_num = " + literal(alembicTo.get()) + " WHERE version_num = "
        + literal(alembicFrom.get()));
    return Optional.of(new Write(s, Optional.of("alembic_version holds one row per head: this UPDATE moves "
        + alembicFrom.get() + " to " + alembicTo.get()), "alembic_version " + alembicFrom.get() + " -> "
        + alembicTo.get()));
  }

  private static Write django(List<SourceText> sources) {
    List<String> s = new ArrayList<>();
    s.add("CREATE TABLE IF NOT EXISTS \"django_migrations\" (\"id\" bigserial NOT NULL PRIMARY KEY, "
        + "\"app\" varchar(255) NOT NULL, \"name\" varchar(255) NOT NULL, \"applied\" timestamp with time zone NOT NULL)");
    List<String> names = new ArrayList<>();
    for (SourceText source : sources) {
      int dot = source.migration().indexOf('.');
      String app = literal(source.migration().substring(0, dot));
      String name = literal(source.migration().substring(dot + 1));
      names.add(source.migration());
      s.add("INSERT INTO \"django_migrations\" (\"app\", \"name\", \"applied\") SELECT " + app + ", " + name
          + ", now() WHERE NOT EXISTS (SELECT 1 FROM \"django_migrations\" WHERE \"app\" = " + app + " AND \"name\" = "
          + name + ")");
    }
    return new Write(s, Optional.empty(), "django_migrations rows " + String.join(", ", names));
  }

  private static Write prisma(List<SourceText> sources) {
    List<String> s = new ArrayList<>();
    s.add("CREATE TABLE IF NOT EXISTS \"_prisma_migrations\" (\"id\" VARCHAR(36) PRIMARY KEY NOT NULL, "
        + "\"checksum\" VARCHAR(64) NOT NULL, \"finished_at\" TIMESTAMPTZ, \"migration_name\" VARCHAR(255) NOT NULL, "
        + "\"logs\" TEXT, \"rolled_back_at\" TIMESTAMPTZ, \"started_at\" TIMESTAMPTZ NOT NULL DEFAULT now(), "
        + "\"applied_steps_count\" INTEGER NOT NULL DEFAULT 0)");
    List<String> names = new ArrayList<>();
    for (SourceText source : sources) {
      String name = literal(source.migration());
      String checksum = Checksums.prisma(source.text().getBytes(StandardCharsets.UTF_8));
      names.add(source.migration());
      s.add("INSERT INTO \"_prisma_migrations\" (\"id\", \"checksum\", \"finished_at\", \"migration_name\", "
          + "\"started_at\", \"applied_steps_count\") SELECT gen_random_uuid()::text, '" + checksum + "', now(), "
          + name + ", now(), 1 WHERE NOT EXISTS (SELECT 1 FROM \"_prisma_migrations\" WHERE \"migration_name\" = "
          + name + " AND \"rolled_back_at\" IS NULL)");
    }
    return new Write(s, Optional.empty(), "_prisma_migrations rows " + String.join(", ", names));
  }

  private static Write flyway(List<SourceText> sources) {
    List<String> s = new ArrayList<>();
    s.add("CREATE TABLE IF NOT EXISTS \"flyway_schema_history\" (\"installed_rank\" INT NOT NULL, "
        + "\"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL, "
        + "\"script\" VARCHAR(1000) NOT NULL, \"checksum\" INTEGER, \"installed_by\" VARCHAR(100) NOT NULL, "
        + "\"installed_on\" TIMESTAMP NOT NULL DEFAULT now(), \"execution_time\" INTEGER NOT NULL, "
        + "\"success\" BOOLEAN NOT NULL, CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\"))");
    s.add("CREATE INDEX IF NOT EXISTS \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\")");
    List<String> names = new ArrayList<>();
    for (SourceText source : sources) {
      FlywayName f = FlywayName.parse(source.migration()).orElseThrow();
      names.add(f.script());
      s.add("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\", "
          + "\"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") SELECT next.rank, "
          + literal(f.version()) + ", " + literal(f.description()) + ", 'SQL', " + literal(f.script()) + ", "
          + Checksums.flyway(source.text()) + ", current_user, 0, true FROM (SELECT coalesce(max(\"installed_rank\"), 0) + 1"
          + " AS rank FROM \"flyway_schema_history\") AS next WHERE NOT EXISTS (SELECT 1 FROM \"flyway_schema_history\""
          + " WHERE \"version\" = " + literal(f.version()) + " AND \"success\")");
    }
    return new Write(s, Optional.empty(), "flyway_schema_history rows " + String.join(", ", names));
  }

  /** Whether a bookkeeping statement creates the history table or its index (both run in expand). */
  static boolean createsObject(String statement) {
    return statement.startsWith("CREATE ");
  }

  /** A SQL string literal: {@code it's} → {@code 'it''s'}. */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
