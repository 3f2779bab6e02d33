package io.tidemark.daemon.metrics;

import java.util.List;

/**
 * Every Prometheus series Tidemark exports (docs/metrics.md), under one prefix. Dashboards and alert rules in
 * {@code deploy/} may only query these (a test checks it). Labels are low-cardinality: plan, database,
 * phase, step (the step id from the plan text, a bounded set per plan), state, table, reason — never keys,
 * batch numbers or error messages.
 *
 * <p>Names here are the Prometheus names as scraped; Micrometer meters are registered under the same text
 * minus the unit/total suffixes Micrometer appends (see the registry code).
 */
public final class MetricNames {
  public static final String PREFIX = "tidemark_";

  public static final String PLAN_STATE = "tidemark_plan_state";
  public static final String STEP_STATE = "tidemark_step_state";
  public static final String STEP_DATABASES = "tidemark_step_databases";
  public static final String BACKFILLS_WAITING = "tidemark_backfills_waiting";
  public static final String BACKFILL_ROWS_TOTAL = "tidemark_backfill_rows_total";
  public static final String BACKFILL_ROWS_ESTIMATED = "tidemark_backfill_rows_estimated";
  public static final String BACKFILL_PROGRESS_RATIO = "tidemark_backfill_progress_ratio";
  public static final String BACKFILL_ETA_SECONDS = "tidemark_backfill_eta_seconds";
  public static final String BACKFILL_BATCH_ROWS = "tidemark_backfill_batch_rows";
  public static final String BACKFILL_BATCH_DURATION_SECONDS = "tidemark_backfill_batch_duration_seconds";
  public static final String THROTTLE_ACTIVE = "tidemark_throttle_active";
  public static final String DDL_LOCK_TIMEOUTS_TOTAL = "tidemark_ddl_lock_timeouts_total";
  public static final String DDL_ATTEMPTS_TOTAL = "tidemark_ddl_attempts_total";
  public static final String INDEX_BUILD_PROGRESS_RATIO = "tidemark_index_build_progress_ratio";
  public static final String SERVER_CONNECTIONS = "tidemark_server_connections";
  public static final String SERVER_CONNECTIONS_WAITING = "tidemark_server_connections_waiting";
  public static final String SERVER_CONNECTIONS_MAX = "tidemark_server_connections_max";

  /**
   * Every series name a scrape may contain, including the {@code _bucket}, {@code _sum} and
   * {@code _count} series of the batch-duration histogram.
   */
  public static final List<String> ALL_SERIES = List.of(
      PLAN_STATE, STEP_STATE, STEP_DATABASES, BACKFILLS_WAITING, BACKFILL_ROWS_TOTAL, BACKFILL_ROWS_ESTIMATED, BACKFILL_PROGRESS_RATIO,
      BACKFILL_ETA_SECONDS, BACKFILL_BATCH_ROWS,
      BACKFILL_BATCH_DURATION_SECONDS + "_bucket", BACKFILL_BATCH_DURATION_SECONDS + "_sum",
      BACKFILL_BATCH_DURATION_SECONDS + "_count", BACKFILL_BATCH_DURATION_SECONDS + "_max",
      THROTTLE_ACTIVE, DDL_LOCK_TIMEOUTS_TOTAL, DDL_ATTEMPTS_TOTAL, INDEX_BUILD_PROGRESS_RATIO,
      SERVER_CONNECTIONS, SERVER_CONNECTIONS_WAITING, SERVER_CONNECTIONS_MAX);

  private MetricNames() {}
}
