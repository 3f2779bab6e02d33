package io.tidemark.planner.plan;

import static io.tidemark.planner.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.tidemark.planner.Phase;
import io.tidemark.planner.Problem;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The phase column of docs/plan-reference.md: every operation in every phase, refused where it does not belong. */
class PhaseRuleTest {
  /** A minimal valid instance of every operation, with the phases it may be written in. */
  private static final Map<String, Set<Phase>> ALLOWED = new LinkedHashMap<>();
  private static final Map<String, String> EXAMPLE = new LinkedHashMap<>();

  static {
    allow("{ op = create_table, table = t, columns = [{ name = id, type = bigint }] }", Phase.EXPAND);
    allow("{ op = add_column, table = t, column = c, type = text }", Phase.EXPAND);
    allow("{ op = create_index, table = t, name = i, columns = [c] }", Phase.EXPAND, Phase.CONTRACT);
    allow("{ op = drop_index, name = i }", Phase.CONTRACT);
    allow("{ op = add_check, table = t, name = k, expression = \"c > 0\" }", Phase.EXPAND, Phase.CONTRACT);
    allow("{ op = add_foreign_key, table = t, name = k, columns = [c], references { table = p, columns = [id] } }",
        Phase.EXPAND, Phase.CONTRACT);
    allow("{ op = add_unique, table = t, name = k, columns = [c] }", Phase.EXPAND, Phase.CONTRACT);
    allow("{ op = set_not_null, table = t, column = c }", Phase.CONTRACT);
    allow("{ op = rename_column, table = t, from = a, to = b, type = int }", Phase.EXPAND);
    allow("{ op = change_type, table = t, column = a, to = b, type = bigint }", Phase.EXPAND);
    allow("{ op = add_enum_value, type = mood, value = happy }", Phase.EXPAND);
    allow("{ op = backfill, table = t, set = \"c = 1\" }", Phase.MIGRATE);
    allow("{ op = drop_column, table = t, column = c }", Phase.CONTRACT);
    allow("{ op = drop_table, table = t }", Phase.CONTRACT);
    allow("{ op = sql, statements = \"SELECT 1\" }", Phase.EXPAND, Phase.MIGRATE, Phase.CONTRACT);
  }

  private static void allow(String example, Phase... phases) {
    String op = example.replaceAll(".*op = (\\w+).*", "$1");
    ALLOWED.put(op, EnumSet.of(phases[0], phases));
    EXAMPLE.put(op, example);
  }

  private static String planWith(Phase phase, String op) {
    return "id = p\ndatabases = [authdb]\n" + phase.planKey() + " = [\n" + op + "\n]\n";
  }

  static Stream<Arguments> everyOperationInEveryPhase() {
    List<Arguments> cases = new ArrayList<>();
    ALLOWED.forEach((op, phases) -> {
      for (Phase phase : Phase.values()) {
        cases.add(Arguments.of(op, phase, phases.contains(phase)));
      }
    });
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} in {1}: allowed={2}")
  @MethodSource("everyOperationInEveryPhase")
  void operationIsAcceptedOnlyInItsPhases(String op, Phase phase, boolean allowed) {
    String text = planWith(phase, EXAMPLE.get(op));
    if (allowed) {
      assertThat(PlanParser.parse(text, "plan.conf").operations(phase)).hasSize(1);
    } else {
      assertThat(problems(text)).extracting(Problem::path, Problem::code)
          .containsExactly(tuple(phase.planKey() + "[0].op", "op-not-allowed-in-phase"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void theTableCoversEveryOperationTheParserKnows(String op) {
    assertThat(PlanRules.PHASES.get(op)).isEqualTo(ALLOWED.get(op));
  }

  static Stream<String> operations() {
    return PlanRules.OPS.stream();
  }
}
