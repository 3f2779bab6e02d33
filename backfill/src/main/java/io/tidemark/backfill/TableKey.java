package io.tidemark.backfill;

import io.tidemark.planner.sql.Identifiers;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The key a backfill walks: the primary key, or else the narrowest unique, valid, non-partial index on
 * plain not-null columns. Key values travel as text (PostgreSQL's own output format) and are cast back with
 * the column's type, so any key type with text I/O works — integer, uuid, text, timestamp, enum,
 * composite — and a checkpoint can store them as {@code text[]}.
 *
 * @param index   the index whose order the batches follow, for messages
 * @param columns key columns in index order
 */
record TableKey(String schema, String table, String index, boolean primary, List<Column> columns) {

  TableKey {
    columns = List.copyOf(columns);
  }

  /** A key column; {@code type} is {@code format_type()} output, already quoted where it needs to be. */
  record Column(String name, String type) {}

  List<String> names() {
    return columns.stream().map(Column::name).toList();
  }

  String qualifiedTable() {
    return Identifiers.qualified(schema, table);
  }

  /** {@code "a", "b"}. */
  String columnList() {
    return columns.stream().map(c -> Identifiers.quote(c.name())).collect(Collectors.joining(", "));
  }

  /** {@code "a"::text AS k0, "b"::text AS k1}: the key as the text the checkpoint stores. */
  String textColumns() {
    return IntStream.range(0, columns.size())
        .mapToObj(i -> Identifiers.quote(columns.get(i).name()) + "::text AS k" + i)
        .collect(Collectors.joining(", "));
  }

  /** {@code "a" DESC, "b" DESC} or {@code "a", "b"}. */
  String order(boolean descending) {
    return columns.stream()
        .map(c -> Identifiers.quote(c.name()) + (descending ? " DESC" : ""))
        .collect(Collectors.joining(", "));
  }

  /**
   * The key compared with bind parameters {@code $first..}: {@code "id" > $1::text::bigint} for one column,
   * {@code ("a", "b") > ($1::text::integer, $2::text::text)} for several.
   *
   * <p>Why a row comparison is right for a composite key: SQL defines {@code (a, b) > (x, y)} as
   * {@code a > x OR (a = x AND b > y)} — lexicographic order, which is exactly the order of a b-tree on
   * {@code (a, b)} and of {@code ORDER BY a, b}. So "every key after the checkpoint" is one predicate, and
   * PostgreSQL hands a row comparison to the b-tree as a single scan key: the scan starts at {@code (x, y)}
   * and stops at the upper bound, touching only the batch's entries. The spelled-out OR form means the same
   * rows but the planner cannot use it as a start position, so every batch would rescan from the first
   * {@code a = x} entry. Example: key (tenant, id), checkpoint (7, 'm'): the next batch starts at
   * (7, 'n'...), then continues with (8, 'a'...), never revisiting (7, 'a'..'m').
   *
   * <p>Parameters are declared {@code text} and cast to the column type ({@code $1::text::uuid}) so the
   * client always binds strings, whatever the key type.
   */
  String compare(String operator, int firstParameter) {
    List<String> params = IntStream.range(0, columns.size())
        .mapToObj(i -> "$" + (firstParameter + i) + "::text::" + columns.get(i).type())
        .toList();
    if (columns.size() == 1) {
      return Identifiers.quote(columns.get(0).name()) + " " + operator + " " + params.get(0);
    }
    return "(" + columnList() + ") " + operator + " (" + String.join(", ", params) + ")";
  }

  /** Whether the single key column's values map to a position in the key space (for estimates). */
  boolean measurable() {
    return columns.size() == 1 && KeyPosition.supports(columns.get(0).type());
  }
}
