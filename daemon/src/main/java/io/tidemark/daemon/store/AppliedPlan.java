package io.tidemark.daemon.store;

import java.time.OffsetDateTime;

/** One row of a target database's {@code tidemark.applied_plans}: how far a plan got there. */
public record AppliedPlan(String planId, String contentHash, String phaseReached, OffsetDateTime updatedAt) {}
