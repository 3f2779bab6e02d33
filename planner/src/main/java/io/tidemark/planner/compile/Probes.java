package io.tidemark.planner.compile;

import io.tidemark.planner.Probe;
import java.util.List;

/**
 * The catalog probes of compiled steps. Each returns one row with a text column {@code state}; names are bind
 * parameters compared as {@code text}. For a step that removes something, {@code 'present'} means its effect
 * is there, i.e. the object is already gone.
 */
final class Probes {
  private static final String EXISTS = "SELECT CASE WHEN EXISTS (%s) THEN '%s' ELSE '%s' END AS state";
  private static final String TABLE = "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = $1::text AND c.relname = $2::text AND c.relkind IN ('r', 'p')";
  private static final String COLUMN = "SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text"
      + " AND a.attname = $3::text AND a.attnum > 0 AND NOT a.attisdropped";
  private static final String INDEX = "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = $1::text AND c.relname = $2::text AND c.relkind IN ('i', 'I')";
  private static final String CONSTRAINT = "SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text"
      + " AND k.conname = $3::text";
  private static final String TRIGGER = "SELECT 1 FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text"
      + " AND g.tgname = $3::text";
  private static final String ENUM_VALUE = "SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid"
      + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1::text AND t.typname = $2::text"
      + " AND e.enumlabel = $3::text";
  private static final String NOT_NULL = COLUMN + " AND a.attnotnull";
  /** 'present' for a valid index, 'invalid' for the leftover of an interrupted concurrent build. */
  private static final String INDEX_STATE = "SELECT COALESCE((SELECT CASE WHEN i.indisvalid THEN 'present'"
      + " ELSE 'invalid' END FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text),"
      + " 'absent') AS state";
  /** 'present' for a validated constraint, 'not_valid' for one added NOT VALID and not validated yet. */
  private static final String CONSTRAINT_STATE = "SELECT COALESCE((SELECT CASE WHEN k.convalidated THEN"
      + " 'present' ELSE 'not_valid' END FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text"
      + " AND k.conname = $3::text), 'absent') AS state";
  /**
   * The unique index of add_unique ($1 schema, $2 table, $3 index, $4 constraint): done once the constraint
   * exists, because {@code ADD CONSTRAINT ... USING INDEX} renames the index to the constraint's name.
   */
  private static final String UNIQUE_INDEX_STATE = "SELECT COALESCE((SELECT 'present' FROM pg_constraint k"
      + " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = $1::text AND c.relname = $2::text AND k.conname = $4::text),"
      + " (SELECT CASE WHEN i.indisvalid THEN 'present' ELSE 'invalid' END FROM pg_index i"
      + " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = $1::text AND c.relname = $3::text), 'absent') AS state";
  /**
   * The helper check of set_not_null ($1 schema, $2 table, $3 column, $4 check): done for good once the
   * column is NOT NULL (the last step drops the check), else the check's own state.
   */
  private static final String NOT_NULL_CHECK_STATE = "SELECT COALESCE((SELECT 'present' FROM pg_attribute a"
      + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = $1::text AND c.relname = $2::text AND a.attname = $3::text AND a.attnotnull),"
      + " (SELECT CASE WHEN k.convalidated THEN 'present' ELSE 'not_valid' END FROM pg_constraint k"
      + " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = $1::text AND c.relname = $2::text AND k.conname = $4::text), 'absent') AS state";
  /** set_not_null's last step ($1..$4 as above): the column is NOT NULL and the helper check is gone. */
  private static final String NOT_NULL_DONE = "SELECT CASE WHEN EXISTS (" + NOT_NULL + ") AND NOT EXISTS ("
      + CONSTRAINT.replace("$3", "$4") + ") THEN 'present' ELSE 'absent' END AS state";

  private Probes() {}

  static Probe table(String schema, String table) {
    return exists(TABLE, true, schema, table);
  }

  static Probe tableGone(String schema, String table) {
    return exists(TABLE, false, schema, table);
  }

  static Probe column(String schema, String table, String column) {
    return exists(COLUMN, true, schema, table, column);
  }

  static Probe columnGone(String schema, String table, String column) {
    return exists(COLUMN, false, schema, table, column);
  }

  static Probe columnNullable(String schema, String table, String column) {
    return exists(NOT_NULL, false, schema, table, column);
  }

  static Probe index(String schema, String index) {
    return new Probe(INDEX_STATE, List.of(schema, index));
  }

  static Probe indexGone(String schema, String index) {
    return exists(INDEX, false, schema, index);
  }

  static Probe uniqueIndex(String schema, String table, String index, String constraint) {
    return new Probe(UNIQUE_INDEX_STATE, List.of(schema, table, index, constraint));
  }

  static Probe constraint(String schema, String table, String constraint) {
    return new Probe(CONSTRAINT_STATE, List.of(schema, table, constraint));
  }

  static Probe constraintGone(String schema, String table, String constraint) {
    return exists(CONSTRAINT, false, schema, table, constraint);
  }

  static Probe notNullCheck(String schema, String table, String column, String check) {
    return new Probe(NOT_NULL_CHECK_STATE, List.of(schema, table, column, check));
  }

  static Probe notNullDone(String schema, String table, String column, String check) {
    return new Probe(NOT_NULL_DONE, List.of(schema, table, column, check));
  }

  static Probe trigger(String schema, String table, String trigger) {
    return exists(TRIGGER, true, schema, table, trigger);
  }

  static Probe triggerGone(String schema, String table, String trigger) {
    return exists(TRIGGER, false, schema, table, trigger);
  }

  static Probe enumValue(String schema, String type, String value) {
    return exists(ENUM_VALUE, true, schema, type, value);
  }

  /** {@code wanted}: whether the step's effect is the row existing (add) or not existing (drop). */
  private static Probe exists(String query, boolean wanted, Object... params) {
    String sql = wanted ? EXISTS.formatted(query, "present", "absent") : EXISTS.formatted(query, "absent", "present");
    return new Probe(sql, List.of(params));
  }
}
