package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepTargets;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCodecTest {
  private static final CompiledPlan PLAN =
      TestPlans.users("p", List.of("authdb", "apidb"), 1, 2, CompiledPlan.Approval.REQUIRED, 250);

  @Test
  void aCompiledPlanSurvivesTheStoreUnchanged() {
    CompiledPlan back = PlanCodec.decode(new JsonObject(PlanCodec.encode(PLAN).encode()));

    assertThat(back).isEqualTo(PLAN);
  }

  @Test
  void theStoredFormSaysItsFormatAndWhoWroteIt() {
    JsonObject stored = PlanCodec.encode(PLAN);

    assertThat(stored.getInteger("format")).isEqualTo(PlanCodec.FORMAT);
    assertThat(stored.getString("writtenBy")).isNotBlank();
  }

  @Test
  void aRowOfTheFirstReleaseWithoutFormatIsFormatOne() {
    JsonObject stored = PlanCodec.encode(PLAN);
    stored.remove("format");
    stored.remove("writtenBy");

    assertThat(PlanCodec.decode(stored)).isEqualTo(PLAN);
  }

  @Test
  void aNewerFormatIsRefusedNamingItsFormatAndWriter() {
    JsonObject stored = PlanCodec.encode(PLAN).put("format", PlanCodec.FORMAT + 1).put("writtenBy", "9.9.0");

    assertThatThrownBy(() -> PlanCodec.decode(stored)).isInstanceOf(PlanCodec.UndecodablePlanException.class)
        .hasMessageStartingWith("cannot decode plan: format " + (PlanCodec.FORMAT + 1) + " written by version 9.9.0");
  }

  @Test
  void aCorruptFormIsRefusedWithTheDecodeError() {
    assertThatThrownBy(() -> PlanCodec.decode(new JsonObject().put("steps", 7)))
        .isInstanceOf(PlanCodec.UndecodablePlanException.class).hasMessageStartingWith("cannot decode plan: ");
    assertThatThrownBy(() -> PlanCodec.decode("not an object"))
        .isInstanceOf(PlanCodec.UndecodablePlanException.class)
        .hasMessage("cannot decode plan: the stored form is not a JSON object");
  }

  @Test
  void calledFunctionsSurviveTheStoreAndOldRowsWithoutThemDecode() {
    CompiledPlan plan = TestPlans.users("p", List.of("authdb"), 0, 1, CompiledPlan.Approval.REQUIRED, 250);
    CompiledStep first = plan.steps().get(0).calling(List.of("lower", "app.f"));
    CompiledPlan calling = new CompiledPlan(plan.id(), plan.description(), plan.contentHash(), plan.databases(),
        plan.rollout(), plan.approval(), List.of(first));
    JsonObject stored = new JsonObject(PlanCodec.encode(calling).encode());

    assertThat(PlanCodec.decode(stored).steps().get(0).calledFunctions()).containsExactly("lower", "app.f");
    stored.getJsonArray("steps").getJsonObject(0).remove("calledFunctions");
    assertThat(PlanCodec.decode(stored).steps().get(0).calledFunctions()).isEmpty();
  }

  @Test
  void stepTargetsSurviveTheStoreWithTypesForeignKeysAndRawSqlParses() {
    CompiledPlan plan = PlanCompiler.compileUnresolved(PlanParser.parse("""
        id = t
        databases = [db]
        expand = [
          { op = add_column, table = orders, column = price, type = "numeric(12, 2)" }
          { op = add_foreign_key, table = orders, name = orders_customer_fk, columns = [customer_id],
            references { table = customers, columns = [id] } }
          { op = sql, statements = "UPDATE orders SET price = 0 WHERE false", unsafe = "no rows" }
        ]
        migrate = []
        contract = []
        """, "t.conf"));
    assertThat(plan.steps().get(0).targets().addedColumns()).singleElement()
        .satisfies(c -> assertThat(c.type()).isEqualTo("numeric(12, 2)"));

    CompiledPlan back = PlanCodec.decode(new JsonObject(PlanCodec.encode(plan).encode()));

    assertThat(back).isEqualTo(plan);
    assertThat(back.steps().get(1).targets().foreignKeys()).hasSize(1);
    assertThat(back.steps().get(3).targets().complete()).isFalse();
  }

  @Test
  void aPlanStoredBeforeTargetsWereRecordedDecodesWithUnknownTargets() {
    CompiledPlan plan = TestPlans.users("p", List.of("authdb"), 1, 1, CompiledPlan.Approval.AUTO, 100);
    JsonObject stored = PlanCodec.encode(plan);
    stored.getJsonArray("steps").forEach(step -> ((JsonObject) step).remove("targets"));

    CompiledPlan back = PlanCodec.decode(stored);

    assertThat(back.steps()).allSatisfy(s -> assertThat(s.targets()).isEqualTo(StepTargets.UNKNOWN));
    assertThat(back.steps()).extracting(CompiledStep::id).isEqualTo(plan.steps().stream().map(CompiledStep::id).toList());
  }
}
