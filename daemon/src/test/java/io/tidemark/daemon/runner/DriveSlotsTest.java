package io.tidemark.daemon.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.ServerConfig;
import io.tidemark.daemon.store.RunPhase;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DriveSlotsTest {
  private static final Map<String, ServerConfig> SERVERS = Map.of(
      "db1", new ServerConfig("db1", 1, 10, Duration.ofSeconds(10), Duration.ofSeconds(10)),
      "db2", new ServerConfig("db2", 2, 4, Duration.ofSeconds(10), Duration.ofSeconds(10)));
  private static final List<String> TENANTS = IntStream.range(0, 20).mapToObj(i -> "t" + i).toList();

  @Test
  void aDdlPhaseDrivesHalfTheServersConnectionBudgetAtOnce() {
    assertThat(admit(RunPhase.EXPAND, "db1", List.of())).containsExactly("t0", "t1", "t2", "t3", "t4");
    assertThat(admit(RunPhase.CONTRACT, "db1", running("db1", RunPhase.ROLLBACK, 3))).containsExactly("t0", "t1");
    assertThat(admit(RunPhase.EXPAND, "db2", List.of())).containsExactly("t0", "t1");
  }

  @Test
  void migrateDrivesTheServersBackfillBudgetPlusOneReadyForTheNextSlot() {
    assertThat(admit(RunPhase.MIGRATE, "db1", List.of())).containsExactly("t0", "t1");
    assertThat(admit(RunPhase.MIGRATE, "db2", running("db2", RunPhase.MIGRATE, 1))).containsExactly("t0", "t1");
  }

  /** A thousand backfills waiting their turn must not keep another plan's DDL on the server from starting. */
  @Test
  void backfillDrivesAndDdlDrivesAreCountedApart() {
    assertThat(admit(RunPhase.EXPAND, "db1", running("db1", RunPhase.MIGRATE, 2))).hasSize(5);
    assertThat(admit(RunPhase.MIGRATE, "db1", running("db1", RunPhase.EXPAND, 5))).hasSize(2);
    assertThat(admit(RunPhase.EXPAND, "db1", running("db2", RunPhase.EXPAND, 2))).as("another server's").hasSize(5);
  }

  @Test
  void aServerWithoutConfigurationIsNotCapped() {
    assertThat(DriveSlots.admit(TENANTS, RunPhase.EXPAND, db -> "unknown", SERVERS, List.of())).hasSize(20);
  }

  private static List<String> admit(RunPhase phase, String server, List<DriveSlots.Running> running) {
    return DriveSlots.admit(TENANTS, phase, db -> server, SERVERS, running);
  }

  private static List<DriveSlots.Running> running(String server, RunPhase phase, int n) {
    return Collections.nCopies(n, new DriveSlots.Running(server, phase));
  }
}
