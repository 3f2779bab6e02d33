package io.tidemark.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tidemark.planner.Fixtures;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import org.junit.jupiter.api.Test;

class PlanParserWithConfigTest {

  @Test
  void unknownDatabasesAreReportedTogetherWithEveryOtherProblem() {
    String plan = """
        id = p1
        databases = [nosuch, alsonot]
        expand = [ { op = create_index, table = users, name = i1, columns = [] } ]
        """;
    PlanException e = catchThrowableOfType(PlanException.class,
        () -> PlanParser.parse(plan, "p.conf", Fixtures.config()));
    assertThat(e.problems()).extracting(p -> p.path() + " " + p.code())
        .containsExactlyInAnyOrder(
            "databases[0] unknown-database", "databases[1] unknown-database", "expand[0].columns must-not-be-empty");
  }

  @Test
  void knownDatabaseAndGroupNamesPass() {
    String first = Fixtures.config().databases().keySet().iterator().next();
    String plan = "id = p1\ndatabases = [" + first + "]\nexpand = [ { op = drop_index, name = i1 } ]\n"
        .replace("expand", "contract");
    Plan parsed = PlanParser.parse(plan, "p.conf", Fixtures.config());
    assertThat(parsed.databases()).containsExactly(first);
  }

  @Test
  void withoutConfigNamesAreNotChecked() {
    Plan parsed = PlanParser.parse("id = p1\ndatabases = [nosuch]\ncontract = [ { op = drop_index, name = i1 } ]\n", "p.conf");
    assertThat(parsed.databases()).containsExactly("nosuch");
    assertThat(parsed.databases()).noneMatch(Problem.class::isInstance);
  }
}
