package io.tidemark.daemon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlReferencesTest {

  @Test
  void findsSeriesInsideFunctionsAndAggregations() {
    PromQlReferences refs = PromQlReferences.of(
        "histogram_quantile(0.95, sum by (le) (rate(tidemark_backfill_batch_duration_seconds_bucket[5m])))"
            + " / on() group_left max(tidemark_plan_state)");

    assertThat(refs.series())
        .containsExactlyInAnyOrder("tidemark_backfill_batch_duration_seconds_bucket", "tidemark_plan_state");
  }

  @Test
  void findsLabelsOfMatchersAndOfEveryGroupingClause() {
    PromQlReferences refs = PromQlReferences.of(
        "sum without (instance) (tidemark_backfill_rows_total{plan=~\"$plan\", database!=\"x\"})"
            + " and on (table) group_left (reason) max by (step, phase) (tidemark_step_state)"
            + " unless ignoring (state) tidemark_plan_state");

    assertThat(refs.labels())
        .containsExactlyInAnyOrder("instance", "plan", "database", "table", "reason", "step", "phase", "state");
  }

  @Test
  void ignoresNamesInsideQuotedValues() {
    PromQlReferences refs = PromQlReferences.of(
        "tidemark_plan_state{state=\"tidemark_not_a_series\", plan=~\"by(x)|$plan\"} == 1");

    assertThat(refs.series()).containsExactly("tidemark_plan_state");
    assertThat(refs.labels()).containsExactlyInAnyOrder("state", "plan");
  }

  @Test
  void findsTheLabelOfAGrafanaLabelValuesQuery() {
    PromQlReferences refs = PromQlReferences.of("label_values(tidemark_step_state{plan=~\"$plan\"}, database)");

    assertThat(refs.series()).containsExactly("tidemark_step_state");
    assertThat(refs.labels()).containsExactlyInAnyOrder("plan", "database");
  }

  @Test
  void functionNamesAndDurationsAreNotLabels() {
    PromQlReferences refs = PromQlReferences.of(
        "increase(tidemark_ddl_attempts_total[$__rate_interval]) > 0 and tidemark_plan_state offset 10m");

    assertThat(refs.labels()).isEmpty();
  }
}
