package io.tidemark.daemon.ops;

import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.PlanPages;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.StepRecord;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads of the control store sized for fleets: a page of plans, one plan with a page of its databases
 * (filtered by state and name) and a summary made of aggregate counts, so a watcher polling a 1,000-database
 * plan every second reads a few dozen rows, not every database and step. Read-only; futures complete on the
 * caller's context when it has one. Not retried.
 */
public final class PlanQueries {
  /** How many failed and slowest databases a summary names. */
  static final int SUMMARY_NAMES = 10;

  private final ControlStore store;
  private final PlanPages pages;

  PlanQueries(ControlStore store) {
    this.store = store;
    this.pages = store.pages();
  }

  /**
   * Which databases of a plan to show: each filter only when present; after the database at
   * {@code afterPosition} (-1: from the first); {@code limit} empty = all.
   */
  public record DatabaseQuery(Optional<String> state, Optional<String> nameContains, int afterPosition,
      OptionalInt limit) {
    public static final DatabaseQuery ALL = new DatabaseQuery(Optional.empty(), Optional.empty(), -1,
        OptionalInt.empty());
  }

  /**
   * A plan with the page of databases the query asked for (and their steps), the cursor of the next page
   * ({@code position} of the last database shown, when the page was full), and the summary of all its
   * databases.
   */
  public record PlanPage(PlanView view, OptionalInt next, Summary summary) {}

  /** Counts over every database of the plan, plus the first failed and the longest-running ones. */
  public record Summary(List<PlanPages.Count> counts, List<DatabaseRecord> failed, List<DatabaseRecord> slowest) {}

  /** A page of plans, oldest first, and the cursor after its last plan when the page was full. */
  public record PlansPage(List<PlanRecord> plans, Optional<PlanPages.PlanCursor> next) {}

  public Future<PlansPage> plans(Optional<PlanPages.PlanCursor> after, int limit) {
    return pages.plans(after, limit).map(ps -> new PlansPage(ps, ps.size() < limit || ps.isEmpty()
        ? Optional.empty()
        : Optional.of(new PlanPages.PlanCursor(ps.get(ps.size() - 1).createdAt(), ps.get(ps.size() - 1).id()))));
  }

  public Future<Optional<PlanPage>> plan(String planId, DatabaseQuery query) {
    return store.plan(planId).compose(p -> p.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : page(p.get(), query).map(Optional::of));
  }

  private Future<PlanPage> page(PlanRecord plan, DatabaseQuery query) {
    int limit = query.limit().orElse(Integer.MAX_VALUE);
    Future<List<DatabaseRecord>> databases = limit == 0
        ? Future.succeededFuture(List.of())
        : pages.databases(plan.id(), query.state(), query.nameContains(), query.afterPosition(), limit);
    return databases.compose(dbs -> steps(plan.id(), dbs, query)
        .compose(steps -> summary(plan.id())
            .map(summary -> new PlanPage(new PlanView(plan, dbs, steps), next(dbs, query), summary))));
  }

  private Future<List<StepRecord>> steps(String planId, List<DatabaseRecord> dbs, DatabaseQuery query) {
    return query.equals(DatabaseQuery.ALL)
        ? store.steps(planId)
        : pages.steps(planId, dbs.stream().map(DatabaseRecord::database).toList());
  }

  private static OptionalInt next(List<DatabaseRecord> page, DatabaseQuery query) {
    return query.limit().isEmpty() || page.isEmpty() || page.size() < query.limit().getAsInt()
        ? OptionalInt.empty()
        : OptionalInt.of(page.get(page.size() - 1).position());
  }

  private Future<Summary> summary(String planId) {
    return pages.counts(planId)
        .compose(counts -> pages.failed(planId, SUMMARY_NAMES)
            .compose(failed -> pages.slowest(planId, SUMMARY_NAMES)
                .map(slowest -> new Summary(counts, failed, slowest))));
  }

  /** Plans the state gauges export: not ended, or ended after {@code endedSince}. */
  public Future<List<PlanPages.ExportedPlan>> exported(OffsetDateTime endedSince) {
    return pages.exported(endedSince);
  }

  public Future<List<PlanPages.StepCount>> stepCounts(List<String> planIds) {
    return pages.stepCounts(planIds);
  }

  public Future<List<PlanPages.ActiveStep>> activeSteps(List<String> planIds) {
    return pages.activeSteps(planIds);
  }
}
