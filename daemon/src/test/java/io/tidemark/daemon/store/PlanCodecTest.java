package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
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
}
