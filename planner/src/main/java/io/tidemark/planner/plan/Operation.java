package io.tidemark.planner.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One operation of a plan, as written (docs/plan-reference.md), already validated: identifiers match
 * {@link io.tidemark.planner.sql.Identifiers#VALID}, expressions hold exactly one SQL expression. Each record
 * names its plan-file spelling in {@link #op()}. {@code schema} is {@code public} unless the plan says
 * otherwise.
 */
public sealed interface Operation {

  /** The {@code op} value in the plan file, e.g. {@code create_index}. */
  String op();

  /** {@code create_table}: columns in order; the primary key from column flags or the table-level list. */
  record CreateTable(String schema, String table, List<ColumnDef> columns, List<String> primaryKey)
      implements Operation {
    public CreateTable {
      columns = List.copyOf(columns);
      primaryKey = List.copyOf(primaryKey);
    }

    @Override
    public String op() {
      return "create_table";
    }
  }

  /** A column of {@code create_table}; {@code defaultValue} is an SQL expression. */
  record ColumnDef(String name, String type, boolean nullable, Optional<String> defaultValue) {}

  /**
   * {@code add_column}: nullable unless a constant default is given with {@code nullable = false} (a NOT NULL
   * column without a default would fail on every existing row: add it nullable, backfill, then
   * {@code set_not_null} in contract).
   */
  record AddColumn(String schema, String table, String column, String type, Optional<String> defaultValue,
      boolean nullable) implements Operation {
    @Override
    public String op() {
      return "add_column";
    }
  }

  /** {@code create_index}: either plain {@code columns} or {@code expressions}, never both. */
  record CreateIndex(String schema, String table, String name, List<String> columns, List<String> expressions,
      boolean unique, Optional<String> where, String using) implements Operation {
    public CreateIndex {
      columns = List.copyOf(columns);
      expressions = List.copyOf(expressions);
    }

    @Override
    public String op() {
      return "create_index";
    }
  }

  record DropIndex(String schema, String name) implements Operation {
    @Override
    public String op() {
      return "drop_index";
    }
  }

  record AddCheck(String schema, String table, String name, String expression) implements Operation {
    @Override
    public String op() {
      return "add_check";
    }
  }

  /** {@code add_foreign_key}; the referenced table's schema defaults to the operation's. */
  record AddForeignKey(String schema, String table, String name, List<String> columns, References references,
      OnDelete onDelete) implements Operation {
    public AddForeignKey {
      columns = List.copyOf(columns);
    }

    @Override
    public String op() {
      return "add_foreign_key";
    }
  }

  record References(String schema, String table, List<String> columns) {
    public References {
      columns = List.copyOf(columns);
    }
  }

  /** {@code on-delete}: {@code no-action} (the default), {@code restrict}, {@code cascade}, {@code set-null}, {@code set-default}. */
  enum OnDelete {
    NO_ACTION, RESTRICT, CASCADE, SET_NULL, SET_DEFAULT;

    public String planValue() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public String sql() {
      return name().replace('_', ' ');
    }
  }

  /** {@code add_unique}: the unique index is named {@code index} when given, else after the constraint. */
  record AddUnique(String schema, String table, String name, List<String> columns, String index)
      implements Operation {
    public AddUnique {
      columns = List.copyOf(columns);
    }

    @Override
    public String op() {
      return "add_unique";
    }
  }

  record SetNotNull(String schema, String table, String column) implements Operation {
    @Override
    public String op() {
      return "set_not_null";
    }

    /** The helper check constraint: {@code users_status_not_null}, shortened with a hash past 63 bytes. */
    public String checkName() {
      return derivedName(table + "_" + column + "_not_null");
    }
  }

  /**
   * {@code rename_column}: {@code type} is required because the planner has no catalog and must add the new
   * column before the old one goes away.
   */
  record RenameColumn(String schema, String table, String from, String to, String type) implements Operation {
    @Override
    public String op() {
      return "rename_column";
    }

    public String syncName() {
      return derivedName("tidemark_sync_" + table + "_" + from);
    }
  }

  /**
   * {@code change_type}: a new column {@code to} of {@code type}, kept equal to {@code using} (an expression over
   * the old column; default {@code "column"::type}). Writes to the new column reach the old one only when
   * {@code reverse-using} says how.
   */
  record ChangeType(String schema, String table, String column, String to, String type, Optional<String> using,
      Optional<String> reverseUsing) implements Operation {
    @Override
    public String op() {
      return "change_type";
    }

    public String syncName() {
      return derivedName("tidemark_sync_" + table + "_" + column);
    }
  }

  /** {@code add_enum_value}; {@code value} is a plain label (no backslash, no control characters, 1..63 bytes). */
  record AddEnumValue(String schema, String type, String value, Optional<String> before, Optional<String> after)
      implements Operation {
    @Override
    public String op() {
      return "add_enum_value";
    }
  }

  /** {@code backfill}: {@code set} as (column, expression) pairs in plan order. */
  record Backfill(String schema, String table, List<Assignment> set, Optional<String> where,
      OptionalLong maxRowsPerSecond, Optional<Duration> targetBatchDuration, OptionalInt minBatchRows,
      OptionalInt maxBatchRows) implements Operation {
    public Backfill {
      set = List.copyOf(set);
    }

    @Override
    public String op() {
      return "backfill";
    }
  }

  record Assignment(String column, String expression) {}

  record DropColumn(String schema, String table, String column) implements Operation {
    @Override
    public String op() {
      return "drop_column";
    }
  }

  record DropTable(String schema, String table) implements Operation {
    @Override
    public String op() {
      return "drop_table";
    }
  }

  /**
   * {@code sql}: raw statements (split one per element), linted with the phase they sit in. {@code unsafe}
   * overrides lint findings and is recorded; {@code down} holds the statements that undo it on rollback.
   */
  record Sql(List<String> statements, boolean transactional, Optional<String> unsafe, List<String> down)
      implements Operation {
    public Sql {
      statements = List.copyOf(statements);
      down = List.copyOf(down);
    }

    @Override
    public String op() {
      return "sql";
    }
  }

  /**
   * A name Tidemark makes up, kept within PostgreSQL's 63 bytes (a longer one would be truncated silently and
   * then never found by the probes): {@code <first 54 chars>_<8 hex of its SHA-256>}.
   */
  private static String derivedName(String name) {
    if (name.getBytes(StandardCharsets.UTF_8).length <= 63) {
      return name;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return name.substring(0, 54) + "_" + HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
