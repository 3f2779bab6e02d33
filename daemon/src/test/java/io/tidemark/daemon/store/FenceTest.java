package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FenceTest {
  private final Fence fence = new Fence("p", "authdb", "d1", 7);

  @Test
  void thePredicateIsNumberedAfterTheStatementsOwnParameters() {
    assertThat(Fence.holds(3)).isEqualTo("EXISTS (SELECT 1 FROM tidemark.leases l WHERE l.plan_id = $4"
        + " AND l.database = $5 AND l.owner = $6 AND l.fencing_token = $7)");
  }

  @Test
  void theArgumentsAreTheStatementsOwnThenTheFences() {
    assertThat(fence.args("p", "authdb", "expand[0]/add-column"))
        .isEqualTo(List.of("p", "authdb", "expand[0]/add-column", "p", "authdb", "d1", 7L));
  }
}
