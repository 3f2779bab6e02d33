package io.tidemark.daemon.ops;

import io.tidemark.daemon.store.AppliedPlan;
import java.util.List;
import java.util.Optional;

/**
 * What {@code tidemark versions} found on one configured database: the plans applied there, or the error
 * that kept it from being read (one unreadable database never fails the whole answer). A value; any thread.
 */
public record DatabaseVersions(String database, List<AppliedPlan> applied, Optional<String> error) {}
