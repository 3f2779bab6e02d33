package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.ServerConfig;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerBudgetTest {
  @Test
  void aServerRunsAtMostItsBudgetAndHandsSlotsOnInOrder() {
    ServerBudget budget = new ServerBudget(List.of(new ServerConfig("db1", 2)), 1);
    Future<ServerBudget.Permit> a = budget.acquire("db1");
    Future<ServerBudget.Permit> b = budget.acquire("db1");
    Future<ServerBudget.Permit> c = budget.acquire("db1");
    Future<ServerBudget.Permit> d = budget.acquire("db1");
    assertThat(a.succeeded() && b.succeeded()).isTrue();
    assertThat(c.isComplete() || d.isComplete()).isFalse();
    assertThat(budget.waiting("db1")).isEqualTo(2);

    a.result().release();
    a.result().release(); // idempotent: frees one slot, not two
    assertThat(c.succeeded()).isTrue();
    assertThat(d.isComplete()).isFalse();
    assertThat(budget.inUse("db1")).isEqualTo(2);
  }

  @Test
  void serversHaveSeparateBudgetsAndUnlistedOnesTheDefault() {
    ServerBudget budget = new ServerBudget(List.of(new ServerConfig("db1", 1)), 1);
    assertThat(budget.acquire("db1").succeeded()).isTrue();
    assertThat(budget.acquire("db2").succeeded()).isTrue();
    assertThat(budget.acquire("db2").isComplete()).isFalse();
  }

  @Test
  void aCancelledWaiterGivesUpItsPlace() {
    ServerBudget budget = new ServerBudget(List.of(), 1);
    Future<ServerBudget.Permit> held = budget.acquire("db1");
    Future<ServerBudget.Permit> cancelled = budget.acquire("db1");
    Future<ServerBudget.Permit> next = budget.acquire("db1");
    budget.cancel(cancelled);
    assertThat(cancelled.failed()).isTrue();
    held.result().release();
    assertThat(next.succeeded()).isTrue();
  }
}
