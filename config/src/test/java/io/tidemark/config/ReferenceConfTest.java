package io.tidemark.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** reference.conf is the documentation of every key: keep it complete and its example true. */
class ReferenceConfTest {

  @Test
  void theExampleAtTheTopOfReferenceConfLoads() throws IOException {
    String example = exampleFromComments(referenceText());

    TidemarkConfig config = ConfigLoader.parse(example, Map.of(
        "TIDEMARK_CI_TOKEN", "ci-0123456789abcdef", "TIDEMARK_ONCALL_TOKEN", "oncall-0123456789abcdef",
        "TIDEMARK_GRAFANA_TOKEN", "grafana-0123456789abcdef", "APIDB_PASSWORD", "pw"));

    assertThat(config.databases().keySet()).containsExactly("authdb", "apidb", "admindb");
    assertThat(config.database("apidb").sslMode()).isEqualTo("require");
    assertThat(config.database("admindb").user()).isEqualTo("admin");
    assertThat(config.tokens()).hasSize(3);
    assertThat(config.hooks()).extracting(HookConfig::name).containsExactly("pager", "chat");
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void everySettingInReferenceConfHasAComment() {
    ConfigObject tidemark = ConfigFactory.parseResources("reference.conf").getObject("tidemark");
    List<String> undocumented = new ArrayList<>();
    collectUndocumented(tidemark, "tidemark", undocumented);
    assertThat(undocumented).isEmpty();
  }

  /** Leaves, and the top-level sections, need a comment; a group like {@code defaults.ddl} is named by its leaves. */
  private static void collectUndocumented(ConfigObject object, String path, List<String> undocumented) {
    object.forEach((key, value) -> {
      String child = path + "." + key;
      boolean topLevel = path.equals("tidemark");
      if ((topLevel || value.valueType() != ConfigValueType.OBJECT) && !hasComment(value)) {
        undocumented.add(child);
      }
      if (value.valueType() == ConfigValueType.OBJECT) {
        collectUndocumented((ConfigObject) value, child, undocumented);
      }
    });
  }

  private static boolean hasComment(ConfigValue value) {
    return value.origin().comments().stream().anyMatch(c -> !c.isBlank());
  }

  private static String exampleFromComments(String reference) {
    List<String> lines = reference.lines().toList();
    int start = lines.indexOf("# A complete tidemark.conf:") + 2;
    return lines.subList(start, lines.size()).stream()
        .takeWhile(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#  ?", ""))
        .collect(Collectors.joining("\n"));
  }

  private static String referenceText() throws IOException {
    try (InputStream in = ReferenceConfTest.class.getClassLoader().getResourceAsStream("reference.conf")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
