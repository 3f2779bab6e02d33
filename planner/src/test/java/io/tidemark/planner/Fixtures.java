package io.tidemark.planner;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Secret;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.Plan;
import io.tidemark.planner.plan.PlanParser;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plans and configurations for planner tests, built directly (no config loader, no files). */
public final class Fixtures {
  private Fixtures() {}

  /** authdb, apidb, admindb (in that order) and the group tenants = [apidb, authdb]. */
  public static TidemarkConfig config() {
    Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
    for (String name : List.of("authdb", "apidb", "admindb")) {
      databases.put(name, new DatabaseConfig(name, "postgresql://app@db1:5432/" + name, "db1", 5432, name, "app",
          Secret.empty(), "db1", 4, "prefer", Duration.ofMinutes(1)));
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    groups.put("tenants", List.of("apidb", "authdb"));
    groups.put("everything", List.of("authdb", "apidb", "admindb"));
    return new TidemarkConfig("authdb", null, List.of(), databases, groups, Map.of(), null, null, List.of(),
        List.of());
  }

  /** A HOCON plan on authdb with the given phase bodies (each the inside of a list). */
  public static String plan(String expand, String migrate, String contract) {
    return "id = test-plan\ndatabases = [authdb]\n"
        + "expand = [\n" + expand + "\n]\nmigrate = [\n" + migrate + "\n]\ncontract = [\n" + contract + "\n]\n";
  }

  public static Plan parse(String hocon) {
    return PlanParser.parse(hocon, "plan.conf");
  }

  /** The steps of the plan on authdb, every phase, in execution order. */
  public static List<CompiledStep> steps(String hocon) {
    return PlanCompiler.compile(parse(hocon), config()).steps();
  }

  /** The problems of a plan that must be refused. */
  public static List<Problem> problems(String text, String fileName) {
    try {
      PlanParser.parse(text, fileName);
    } catch (PlanException e) {
      return e.problems();
    }
    throw new AssertionError("the plan was accepted:\n" + text);
  }

  public static List<Problem> problems(String hocon) {
    return problems(hocon, "plan.conf");
  }
}
