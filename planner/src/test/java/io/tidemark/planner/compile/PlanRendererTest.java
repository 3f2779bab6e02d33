package io.tidemark.planner.compile;

import static io.tidemark.planner.Fixtures.config;
import static io.tidemark.planner.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.tidemark.planner.CompiledPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanRendererTest {
  private static final String PLAN = """
      id = p
      description = "quotes \\" and \\\\ and a\\ttab"
      databases = [tenants]
      rollout { canary = 1, parallel = 4 }
      expand = [
        { op = create_index, table = users, name = users_a_idx, columns = [a] }
        { op = add_enum_value, type = mood, value = happy }
        { op = sql, statements = "LOCK TABLE users IN ACCESS EXCLUSIVE MODE", unsafe = "empty table" }
      ]
      migrate = [ { op = backfill, table = users, set = "a = 1" } ]
      """;

  private final CompiledPlan plan = PlanCompiler.compile(parse(PLAN), config());

  @Test
  void textListsEveryDatabaseAndPhaseInOrderWithMarks() {
    String text = PlanRenderer.text(plan);

    assertThat(text).startsWith("plan p (sha256 " + plan.contentHash() + ")\n")
        .contains("databases: apidb, authdb; rollout: canary 1, then 4 at a time; contract approval: required")
        .contains("1. expand[0]/create-index: create index users_a_idx on public.users  [NON-TRANSACTIONAL]\n"
            + "     -- if an INVALID leftover exists: DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_a_idx\";\n"
            + "     CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_a_idx\" ON \"public\".\"users\" USING btree (\"a\");\n"
            + "     -- rollback: DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_a_idx\";\n")
        .contains("2. expand[1]/add-enum-value: add value 'happy' to enum public.mood  [transactional, IRREVERSIBLE]")
        .contains("3. expand[2]/sql: raw SQL (1 statement)  [transactional, IRREVERSIBLE, UNSAFE: empty table]")
        .contains("1. migrate[0]/backfill: backfill a of public.users  [backfill, IRREVERSIBLE]\n"
            + "     UPDATE \"public\".\"users\" SET \"a\" = 1 -- in key-ordered batches\n")
        .contains("== contract ==\n-- apidb\n   (nothing)\n-- authdb\n   (nothing)\n");
    assertThat(text.indexOf("== expand ==")).isLessThan(text.indexOf("== migrate =="));
    assertThat(text.indexOf("-- apidb")).isLessThan(text.indexOf("-- authdb"));
  }

  @Test
  void jsonIsValidAndCarriesEveryStep() {
    String json = PlanRenderer.json(plan);

    Config parsed = ConfigFactory.parseString(json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    assertThat(parsed.getString("description")).isEqualTo("quotes \" and \\ and a\ttab");
    assertThat(parsed.getStringList("databases")).containsExactly("apidb", "authdb");
    assertThat(parsed.getInt("rollout.parallel")).isEqualTo(4);
    List<? extends Config> phases = parsed.getConfigList("phases");
    assertThat(phases).extracting(p -> p.getString("phase")).containsExactly("expand", "migrate", "contract");
    List<? extends Config> steps = phases.get(0).getConfigList("databases").get(1).getConfigList("steps");
    assertThat(steps).extracting(s -> s.getString("id"))
        .containsExactly("expand[0]/create-index", "expand[1]/add-enum-value", "expand[2]/sql");
    Config index = steps.get(0);
    assertThat(index.getString("kind")).isEqualTo("non-transactional-ddl");
    assertThat(index.getString("dropInvalid")).isEqualTo("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_a_idx\"");
    assertThat(index.getStringList("probe.params")).containsExactly("public", "users_a_idx");
    assertThat(index.getString("reversibility")).isEqualTo("reversible");
    assertThat(index.getConfigList("inverse")).hasSize(1);
    assertThat(steps.get(2).getString("unsafeReason")).isEqualTo("empty table");
    Config backfill = phases.get(1).getConfigList("databases").get(0).getConfigList("steps").get(0);
    assertThat(backfill.getString("backfill.set")).isEqualTo("\"a\" = 1");
  }
}
