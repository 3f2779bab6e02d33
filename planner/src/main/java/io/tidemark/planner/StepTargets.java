package io.tidemark.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalog objects one compiled step touches, as the planner knew them: from the operation's record for
 * every Tidemark operation, from the tokenizer's parse for a raw {@code sql} step. Preflight checks these
 * against the catalog; nothing reads them back out of SQL text.
 *
 * <p>An immutable value, built once by the planner (with {@link Builder}, which is not thread-safe) and
 * stored with the compiled plan; read from any thread.
 *
 * <p>Example: {@code op = add_foreign_key} on {@code orders (customer_id)} referencing {@code customers (id)}
 * gives, for its add step, altered table {@code public.orders}, constraint {@code orders_customer_fk} of kind
 * {@code f}, and the foreign key {@code customer_id -> public.customers(id)}.
 *
 * @param complete false when the step also does things the planner could not read (a raw statement it does
 *     not parse, such as {@code UPDATE} or {@code CREATE FUNCTION}): the lists are then what it could read,
 *     and preflight checks only those. Always true for Tidemark operations.
 * @param createdSchemas schemas the step creates ({@code CREATE SCHEMA} in raw SQL)
 * @param createdTables tables the step creates
 * @param alteredTables existing tables the step alters (needs their owner)
 * @param addedColumns columns the step adds, with their types as declared ({@code numeric(12, 2)})
 * @param alteredColumns existing columns the step changes or indexes
 * @param createdIndexes indexes the step builds
 * @param addedConstraints constraints the step adds
 * @param foreignKeys foreign keys the step adds
 * @param alteredTypes types the step alters ({@code ALTER TYPE ... ADD VALUE})
 * @param backfillTable the table a backfill step walks
 */
public record StepTargets(
    boolean complete,
    List<String> createdSchemas,
    List<Name> createdTables,
    List<Name> alteredTables,
    List<NewColumn> addedColumns,
    List<ColumnRef> alteredColumns,
    List<NewIndex> createdIndexes,
    List<NewConstraint> addedConstraints,
    List<ForeignKey> foreignKeys,
    List<Name> alteredTypes,
    Optional<Name> backfillTable) {

  /** Nothing known: a step stored before targets were recorded, or one that touches no catalog object. */
  public static final StepTargets UNKNOWN = new Builder().incomplete().build();

  public StepTargets {
    createdSchemas = List.copyOf(createdSchemas);
    createdTables = List.copyOf(createdTables);
    alteredTables = List.copyOf(alteredTables);
    addedColumns = List.copyOf(addedColumns);
    alteredColumns = List.copyOf(alteredColumns);
    createdIndexes = List.copyOf(createdIndexes);
    addedConstraints = List.copyOf(addedConstraints);
    foreignKeys = List.copyOf(foreignKeys);
    alteredTypes = List.copyOf(alteredTypes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A schema-qualified name of a table, index or type, as PostgreSQL stores it (unquoted, case kept). */
  public record Name(String schema, String name) {
    @Override
    public String toString() {
      return schema + "." + name;
    }
  }

  /** @param type the type as declared, modifiers included: {@code numeric(12, 2)}, {@code "Mood"[]} */
  public record NewColumn(Name table, String column, String type) {}

  public record ColumnRef(Name table, String column) {}

  public record NewIndex(Name index, Name table, boolean unique, List<String> columns) {
    public NewIndex {
      columns = List.copyOf(columns);
    }
  }

  /** @param kind {@code c} check, {@code f} foreign key, {@code u} unique, {@code p} primary key, {@code x} exclusion */
  public record NewConstraint(Name table, String name, String kind) {}

  public record ForeignKey(Name table, List<String> columns, Name referenced, List<String> referencedColumns) {
    public ForeignKey {
      columns = List.copyOf(columns);
      referencedColumns = List.copyOf(referencedColumns);
    }
  }

  /** Collects targets in the order the step touches them; a repeated table is kept once. */
  public static final class Builder {
    private boolean complete = true;
    private final List<String> createdSchemas = new ArrayList<>();
    private final List<Name> createdTables = new ArrayList<>();
    private final List<Name> alteredTables = new ArrayList<>();
    private final List<NewColumn> addedColumns = new ArrayList<>();
    private final List<ColumnRef> alteredColumns = new ArrayList<>();
    private final List<NewIndex> createdIndexes = new ArrayList<>();
    private final List<NewConstraint> addedConstraints = new ArrayList<>();
    private final List<ForeignKey> foreignKeys = new ArrayList<>();
    private final List<Name> alteredTypes = new ArrayList<>();
    private Optional<Name> backfillTable = Optional.empty();

    private Builder() {}

    public Builder incomplete() {
      complete = false;
      return this;
    }

    public Builder createdSchema(String schema) {
      addOnce(createdSchemas, schema);
      return this;
    }

    public Builder createdTable(Name table) {
      addOnce(createdTables, table);
      return this;
    }

    public Builder alteredTable(Name table) {
      addOnce(alteredTables, table);
      return this;
    }

    public Builder addedColumn(Name table, String column, String type) {
      addedColumns.add(new NewColumn(table, column, type));
      return this;
    }

    public Builder alteredColumn(Name table, String column) {
      addOnce(alteredColumns, new ColumnRef(table, column));
      return this;
    }

    public Builder createdIndex(NewIndex index) {
      createdIndexes.add(index);
      return this;
    }

    public Builder addedConstraint(Name table, String name, String kind) {
      addedConstraints.add(new NewConstraint(table, name, kind));
      return this;
    }

    public Builder foreignKey(ForeignKey foreignKey) {
      foreignKeys.add(foreignKey);
      return this;
    }

    public Builder alteredType(Name type) {
      addOnce(alteredTypes, type);
      return this;
    }

    public Builder backfill(Name table) {
      backfillTable = Optional.of(table);
      return alteredTable(table);
    }

    public StepTargets build() {
      return new StepTargets(complete, createdSchemas, createdTables, alteredTables, addedColumns, alteredColumns,
          createdIndexes, addedConstraints, foreignKeys, alteredTypes, backfillTable);
    }

    private static <T> void addOnce(List<T> list, T value) {
      if (!list.contains(value)) {
        list.add(value);
      }
    }
  }
}
