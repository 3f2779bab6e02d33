package io.tidemark.planner;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a backfill step updates: {@code UPDATE schema.table SET <set> WHERE <where>}, walked by the
 * engine in key order. {@code set} and {@code where} are single SQL expressions checked by the planner
 * (no {@code ;}, no second statement). The overrides, when present, replace {@code defaults.backfill}
 * for this step only.
 */
public record BackfillSpec(
    String schema,
    String table,
    String set,
    Optional<String> where,
    OptionalLong maxRowsPerSecond,
    Optional<Duration> targetBatchDuration,
    OptionalInt minBatchRows,
    OptionalInt maxBatchRows) {

  /** One line for {@code plan show}: the statement the batches add up to. */
  public String describe() {
    return "UPDATE " + io.tidemark.planner.sql.Identifiers.qualified(schema, table)
        + " SET " + set + where.map(w -> " WHERE " + w).orElse("")
        + " -- in key-ordered batches";
  }
}
