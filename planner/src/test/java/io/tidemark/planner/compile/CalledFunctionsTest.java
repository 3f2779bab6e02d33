package io.tidemark.planner.compile;

import static io.tidemark.planner.Fixtures.plan;
import static io.tidemark.planner.Fixtures.steps;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.CompiledStep;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiled steps carry the functions their operation's expressions call, read from the plan, as types. */
class CalledFunctionsTest {

  @Test
  void backfillCarriesTheFunctionsOfSetAndWhere() {
    List<CompiledStep> steps = steps(plan("", "{ op = backfill, table = t, set = \"a = lower(b), c = "
        + "app.make_code(d) || gen_random_uuid()::text\", where = \"LOWER(a) <> coalesce(b, 'x')\" }", ""));

    assertThat(steps).singleElement().extracting(CompiledStep::calledFunctions)
        .isEqualTo(List.of("lower", "app.make_code", "gen_random_uuid", "coalesce"));
  }

  @Test
  void changeTypeStepsAndTheirInversesCarryUsingAndReverseUsing() {
    List<CompiledStep> steps = steps(plan("{ op = change_type, table = t, column = a, to = b, type = bigint, "
        + "using = \"app.to_big(a)\", reverse-using = \"pg_catalog.int4(b)\" }", "", ""));

    assertThat(steps).allSatisfy(s -> assertThat(s.calledFunctions()).containsExactly("app.to_big", "int4"));
    assertThat(steps).flatExtracting(CompiledStep::inverse)
        .allSatisfy(s -> assertThat(s.calledFunctions()).containsExactly("app.to_big", "int4"));
  }

  @Test
  void operationsWithoutExpressionsCallNothing() {
    List<CompiledStep> steps = steps(plan("{ op = add_column, table = t, column = c, type = int }\n"
        + "{ op = sql, statements = \"SELECT pg_sleep(1)\", unsafe = \"test\" }", "", ""));

    assertThat(steps).allSatisfy(s -> assertThat(s.calledFunctions()).isEmpty());
  }
}
