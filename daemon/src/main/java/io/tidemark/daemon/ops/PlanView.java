package io.tidemark.daemon.ops;

import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.StepRecord;
import java.util.List;

/** A plan with the state of each of its databases and steps, for {@code GET /plans/{id}} and {@code status}. */
public record PlanView(PlanRecord plan, List<DatabaseRecord> databases, List<StepRecord> steps) {}
